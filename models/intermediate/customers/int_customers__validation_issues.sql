{#- The staged columns this model checks; their rules (required, range, whole number) live in
    the seed customer_field_rules so analysts tune them without touching SQL. -#}
{%- set number_fields = [
    'user_id', 'score', 'age', 'equity', 'balance', 'products',
    'credit_card', 'last_activity', 'est_salary', 'churn',
] -%}
{%- set category_fields = ['city', 'gender'] -%}

with

customers as (

    select * from {{ ref('int_customers__normalised') }}

),

field_rules as (

    select * from {{ ref('customer_field_rules') }}

),

reasons as (

    select * from {{ ref('data_quality_reasons') }}

),

field_values as (

    {% for field in number_fields %}
        select
            source_row_number,
            '{{ field }}' as field_name,
            nullif(trim({{ field }}_raw), '') as raw_text,
            {{ field }} as number_value,
            cast(null as {{ dbt.type_string() }}) as category_value
        from customers
        union all
    {% endfor %}
    {% for field in category_fields %}
        select
            source_row_number,
            '{{ field }}' as field_name,
            nullif(trim({{ field }}_raw), '') as raw_text,
            cast(null as {{ type_double() }}) as number_value,
            {{ field }} as category_value
        from customers
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

field_issues as (

    -- at most one reason per field: the first that applies, from missing to fractional
    select
        field_values.source_row_number,
        field_values.field_name,
        case
            when field_values.raw_text is null and field_rules.is_required
                then 'missing_required_value'
            when field_values.raw_text is null
                then 'missing_optional_value'
            when field_rules.field_type = 'number' and field_values.number_value is null
                then 'not_a_number'
            when field_rules.field_type = 'category' and field_values.category_value is null
                then 'unknown_category'
            when
                field_values.number_value < field_rules.min_value
                or field_values.number_value > field_rules.max_value
                then 'out_of_range'
            when
                field_rules.is_whole_number
                and field_values.number_value <> floor(field_values.number_value)
                then 'not_whole_number'
        end as reason_code
    from field_values
    inner join field_rules
        on field_values.field_name = field_rules.field_name

),

no_product_issues as (

    select
        source_row_number,
        field_name,
        'no_products' as reason_code
    from field_values
    where field_name = 'products' and number_value = 0

),

amount_fences as (

    select
        field_name,
        {{ percentile_cont('number_value', 0.25) }} as first_quartile,
        {{ percentile_cont('number_value', 0.75) }} as third_quartile
    from field_values
    where field_name in ('balance', 'est_salary') and number_value >= 0
    group by field_name

),

extreme_value_issues as (

    select
        field_values.source_row_number,
        field_values.field_name,
        'extreme_value' as reason_code
    from field_values
    inner join amount_fences
        on field_values.field_name = amount_fences.field_name
    where
        field_values.number_value > amount_fences.third_quartile
        + {{ var('extreme_value_iqr_multiplier') }}
        * (amount_fences.third_quartile - amount_fences.first_quartile)

),

record_copies as (

    select
        source_row_number,
        user_id,
        city,
        row_number() over (
            partition by
                user_id_raw, score_raw, city_raw, gender_raw, age_raw, equity_raw, balance_raw,
                products_raw, credit_card_raw, last_activity_raw, est_salary_raw, churn_raw
            order by source_row_number
        ) as copy_number
    from customers

),

exact_duplicate_issues as (

    select
        source_row_number,
        'record' as field_name,
        'exact_duplicate_row' as reason_code
    from record_copies
    where copy_number > 1

),

customer_key_claims as (

    -- exact copies are already answered above; a key claimed twice here means conflicting data
    select
        source_row_number,
        count(*) over (partition by user_id, city) as claims_on_key,
        min(city) over (partition by user_id) as first_city_of_user_id,
        max(city) over (partition by user_id) as last_city_of_user_id
    from record_copies
    where copy_number = 1 and user_id is not null and city is not null

),

customer_key_issues as (

    select
        source_row_number,
        'user_id' as field_name,
        'conflicting_customer_key' as reason_code
    from customer_key_claims
    where claims_on_key > 1

    union all

    select
        source_row_number,
        'user_id' as field_name,
        'shared_user_id' as reason_code
    from customer_key_claims
    where first_city_of_user_id <> last_city_of_user_id

),

all_issues as (

    select * from field_issues
    where reason_code is not null
    union all
    select * from no_product_issues
    union all
    select * from extreme_value_issues
    union all
    select * from exact_duplicate_issues
    union all
    select * from customer_key_issues

),

final as (

    select
        all_issues.source_row_number,
        all_issues.field_name,
        all_issues.reason_code,
        reasons.is_blocking
    -- a left join, so a reason missing from the catalogue fails a not_null test, not a row
    from all_issues
    left join reasons
        on all_issues.reason_code = reasons.reason_code

)

select * from final
