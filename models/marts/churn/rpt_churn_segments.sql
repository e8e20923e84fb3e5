{#- Strategic high-churn segments: candidate conjunctions kept when large enough and far enough
    above the bank's rate, ranked by the churned customers they hold. Top picks are chosen
    greedily down the ranking, skipping a segment whose customers are mostly in earlier picks.
    Customers are counted by condition set: a set's customers are in a segment together or not at
    all, so overlaps are sums over the sets two segments share. -#}
{%- set top_segments = var('churn_top_segments') | int -%}
{%- set max_overlap = var('churn_segment_max_overlap') -%}
{%- set candidate_churn_rate = safe_divide('candidates.churned_customers', 'candidates.customers') -%}

with

segment_sets as (

    select * from {{ ref('int_churn_segment_sets') }}

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

segment_counts as (

    select
        first_condition_number,
        second_condition_number,
        third_condition_number,
        {{ dbt.cast('sum(customers)', dbt.type_bigint()) }} as customers,
        {{ dbt.cast('sum(churned_customers)', dbt.type_bigint()) }} as churned_customers
    from segment_sets
    group by first_condition_number, second_condition_number, third_condition_number

),

candidates as (

    select
        {{ dbt.concat([
            'first_condition.condition_id',
            "' & '",
            'second_condition.condition_id',
            "coalesce(" ~ dbt.concat(["' & '", 'third_condition.condition_id']) ~ ", '')",
        ]) }} as segment_id,
        segment_counts.first_condition_number,
        segment_counts.second_condition_number,
        segment_counts.third_condition_number,
        first_condition.condition_id as first_condition_id,
        second_condition.condition_id as second_condition_id,
        third_condition.condition_id as third_condition_id,
        segment_counts.customers,
        segment_counts.churned_customers
    from segment_counts
    inner join conditions as first_condition
        on segment_counts.first_condition_number = first_condition.condition_number
    inner join conditions as second_condition
        on segment_counts.second_condition_number = second_condition.condition_number
    left join conditions as third_condition
        on segment_counts.third_condition_number = third_condition.condition_number

),

strategic as (

    select
        candidates.*,
        {{ churn_rate_columns('candidates.churned_customers', 'candidates.customers') }},
        {{ churn_lift('candidates.churned_customers', 'candidates.customers', 'baseline.churn_rate') }}
            as lift,
        {{ safe_divide('candidates.churned_customers', 'baseline.churned_customers') }} as share_of_churners,
        row_number() over (
            order by
                candidates.churned_customers desc,
                {{ candidate_churn_rate }} desc,
                candidates.segment_id
        ) as segment_rank
    from candidates
    cross join baseline
    where
        candidates.customers >= {{ var('churn_segment_min_customers') }}
        and {{ candidate_churn_rate }} >= {{ var('churn_segment_min_lift') }} * baseline.churn_rate
        -- a segment nobody left is no churn segment; without it every candidate of a file with
        -- no churners would qualify, at a rate of 0 against 0
        and candidates.churned_customers > 0

),

strategic_sets as (

    select
        strategic.segment_rank,
        segment_sets.set_number,
        segment_sets.customers,
        segment_sets.churned_customers
    from segment_sets
    inner join strategic
        on
            segment_sets.first_condition_number = strategic.first_condition_number
            and segment_sets.second_condition_number = strategic.second_condition_number
            -- a pair has no third condition
            and coalesce(segment_sets.third_condition_number, 0)
            = coalesce(strategic.third_condition_number, 0)

),

set_best_ranks as (

    -- each set with the best rank among the segments it holds; every row of a set carries the
    -- set's own counts
    select
        set_number,
        min(segment_rank) as best_rank_of_set,
        min(customers) as customers,
        min(churned_customers) as churned_customers
    from strategic_sets
    group by set_number

),

first_held as (

    -- per segment, the customers and churners of the sets no higher-ranked segment holds: a set
    -- holding a segment is held by a higher one exactly when its best rank is higher, so the
    -- rest of the segment's customers are in higher-ranked segments
    select
        best_rank_of_set as segment_rank,
        {{ dbt.cast('sum(customers)', dbt.type_bigint()) }} as customers,
        {{ dbt.cast('sum(churned_customers)', dbt.type_bigint()) }} as churned_customers
    from set_best_ranks
    group by best_rank_of_set

),

{% for pick in range(1, top_segments + 1) %}
    {%- if pick > 1 %}
        already_picked_{{ pick }} as (

            -- per segment, its customers the picks so far hold: only the rows of covered sets are
            -- summed, not every (segment, set) row
            select
                strategic_sets.segment_rank,
                sum(strategic_sets.customers) as customers
            from strategic_sets
            inner join covered_{{ pick - 1 }}
                on strategic_sets.set_number = covered_{{ pick - 1 }}.set_number
            group by strategic_sets.segment_rank

        ),
    {%- endif %}

    pick_{{ pick }} as (

        -- the best-ranked segment below the previous pick whose customers the picks so far hold
        -- at most the allowed share of; covered sets only grow, so a segment skipped once stays
        -- skipped and the next pick is always further down the ranking
        select min(strategic.segment_rank) as segment_rank
        from strategic
        {%- if pick > 1 %}
        inner join pick_{{ pick - 1 }}
            on strategic.segment_rank > pick_{{ pick - 1 }}.segment_rank
        left join already_picked_{{ pick }}
            on strategic.segment_rank = already_picked_{{ pick }}.segment_rank
        where
            coalesce(already_picked_{{ pick }}.customers, 0)
            <= {{ max_overlap }} * strategic.customers
        {%- endif %}

    ),

    covered_{{ pick }} as (

        {% if pick > 1 -%}
            select set_number from covered_{{ pick - 1 }}
            union
        {% endif -%}
        select strategic_sets.set_number
        from strategic_sets
        inner join pick_{{ pick }}
            on strategic_sets.segment_rank = pick_{{ pick }}.segment_rank

    ),
{% endfor %}

top_picks as (

    {% for pick in range(1, top_segments + 1) %}
        select
            {{ pick }} as top_pick_number,
            segment_rank
        from pick_{{ pick }}
        where segment_rank is not null
        {{ 'union all' if not loop.last }}
    {% endfor %}

),

definitions as (

    select
        strategic.segment_rank,
        {{ dbt.listagg('conditions.condition_description', "' and '", 'order by conditions.condition_id') }}
            as segment_definition
    from strategic
    inner join conditions
        on conditions.condition_id in (
                strategic.first_condition_id,
                strategic.second_condition_id,
                strategic.third_condition_id
            )
    group by strategic.segment_rank

),

final as (

    select
        strategic.segment_id,
        strategic.segment_rank,
        definitions.segment_definition,
        strategic.first_condition_id,
        strategic.second_condition_id,
        strategic.third_condition_id,
        case when strategic.third_condition_id is null then 2 else 3 end as conditions_in_segment,
        strategic.customers,
        strategic.churned_customers,
        strategic.churn_rate,
        strategic.churn_rate_lower,
        strategic.churn_rate_upper,
        strategic.lift,
        strategic.share_of_churners,
        strategic.customers - coalesce(first_held.customers, 0) as customers_in_higher_segments,
        {{ safe_divide('strategic.customers - coalesce(first_held.customers, 0)', 'strategic.customers') }}
            as overlap_with_higher_segments,
        coalesce(first_held.churned_customers, 0) as new_churned_customers,
        top_picks.top_pick_number,
        top_picks.top_pick_number is not null as is_top_pick
    from strategic
    inner join definitions
        on strategic.segment_rank = definitions.segment_rank
    left join first_held
        on strategic.segment_rank = first_held.segment_rank
    left join top_picks
        on strategic.segment_rank = top_picks.segment_rank

)

select * from final
