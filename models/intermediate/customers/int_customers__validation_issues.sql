{#- The staged columns this model checks; their rules (required, range, decimals) live in the
    seed customer_field_rules so analysts tune them without touching SQL. -#}
{%- set number_fields = [
    'user_id', 'score', 'age', 'equity', 'balance', 'products',
    'credit_card', 'last_activity', 'est_salary', 'churn',
] -%}
{%- set category_fields = ['city', 'gender'] -%}

with

customers as (

    -- the parsed values and, per field, whether its raw text is blank, but not the raw text:
    -- the checks below read these rows several times, so DuckDB holds them once, and the file's
    -- text would be most of it. A parsed number or a known category is never blank, so the raw
    -- text is trimmed only where the value is missing: on a few rows, not on every field
    select
        source_row_number,
        {%- for field in number_fields + category_fields %}
            {{ field }},
            ({{ field }} is null and {{ trim_whitespace(field ~ '_raw') }} is null) as {{ field }}_is_blank,
        {%- endfor %}
        overflow_text
    from {{ ref('int_customers__normalised') }}

),

field_rules as (

    select * from {{ ref('customer_field_rules') }}

),

reasons as (

    select * from {{ ref('data_quality_reasons') }}

),

field_rules_by_field as (

    -- the rules as one row, a column per field and rule, so each customer row is checked
    -- where it stands instead of being unfolded into a row per field
    select
    {%- for field in number_fields + category_fields %}
            {{ dbt.bool_or("field_name = '" ~ field ~ "'") }} as {{ field }}_has_rule,
            {{ dbt.bool_or("field_name = '" ~ field ~ "' and is_required") }} as {{ field }}_is_required,
            max(case when field_name = '{{ field }}' then field_type end) as {{ field }}_field_type,
            max(case when field_name = '{{ field }}' then min_value end) as {{ field }}_min_value,
            max(case when field_name = '{{ field }}' then max_value end) as {{ field }}_max_value,
            max(case when field_name = '{{ field }}' then decimal_places end)
                as {{ field }}_decimal_places
            {{- ',' if not loop.last }}
    {%- endfor %}
    from field_rules

),

field_checks as (

    -- at most one reason per field: the first that applies, from missing to too precise
    select
        {%- for field in number_fields + category_fields %}
            {%- set number_value = 'customers.' ~ field if field in number_fields else 'null' %}
            {%- set category_value = 'customers.' ~ field if field in category_fields else 'null' %}
            {%- set is_blank = 'customers.' ~ field ~ '_is_blank' %}
            {%- set rule = 'field_rules_by_field.' ~ field %}
            case
                when not {{ rule }}_has_rule
                    then null
                when {{ is_blank }} and {{ rule }}_is_required
                    then 'missing_required_value'
                when {{ is_blank }}
                    then 'missing_optional_value'
                when {{ rule }}_field_type = 'number' and {{ number_value }} is null
                    then 'not_a_number'
                when {{ rule }}_field_type = 'category' and {{ category_value }} is null
                    then 'unknown_category'
                when
                    {{ number_value }} < {{ rule }}_min_value
                    or {{ number_value }} > {{ rule }}_max_value
                    then 'out_of_range'
                -- scaled to whole units of the last allowed decimal; the tolerance absorbs
                -- binary rounding of in-range values and is far below one unit
                when
                    abs(
                        {{ number_value }} * power(10, {{ rule }}_decimal_places)
                        - round({{ number_value }} * power(10, {{ rule }}_decimal_places))
                    ) > 0.01
                    then 'too_many_decimals'
            end as {{ field }}_reason,
        {%- endfor %}
        customers.source_row_number
    from customers
    cross join field_rules_by_field

),

rows_with_field_issues as (

    -- only the rows with an issue go on to the per-field unions below, not every row twelve times
    select *
    from field_checks
    where
        coalesce(
            {%- for field in number_fields + category_fields %}
                {{ field }}_reason{{ ',' if not loop.last }}
            {%- endfor %}
        ) is not null

),

row_checks as (

    select
        source_row_number,
        'record' as field_name,
        'wrong_field_count' as reason_code
    from customers
    where overflow_text is not null

    union all

    select
        source_row_number,
        'products' as field_name,
        'no_products' as reason_code
    from customers
    where products = 0

),

value_issues as (

    {% for field in number_fields + category_fields %}
        select
            source_row_number,
            '{{ field }}' as field_name,
            {{ field }}_reason as reason_code
        from rows_with_field_issues
        where {{ field }}_reason is not null
        union all
    {% endfor %}
    select
        source_row_number,
        field_name,
        reason_code
    from row_checks

),

blocked_rows as (

    -- rows already rejected for their values take no part in judging other rows
    select distinct value_issues.source_row_number
    from value_issues
    inner join reasons
        on value_issues.reason_code = reasons.reason_code
    where reasons.is_blocking

),

valid_amounts as (

    select
        customers.source_row_number,
        customers.balance,
        customers.est_salary
    from customers
    left join blocked_rows
        on customers.source_row_number = blocked_rows.source_row_number
    where blocked_rows.source_row_number is null

),

amount_fences as (

    {%- set fence = var('extreme_value_iqr_multiplier') %}
    select
    {%- for amount in ['balance', 'est_salary'] %}
            {%- set lower_quartile, upper_quartile = percentiles_cont(amount, [0.25, 0.75]) %}
            {{ upper_quartile }}
            + {{ fence }} * ({{ upper_quartile }} - {{ lower_quartile }}) as {{ amount }}_fence
            {{- ',' if not loop.last }}
    {%- endfor %}
    from valid_amounts

),

extreme_value_issues as (

    {% for amount in ['balance', 'est_salary'] %}
        select
            valid_amounts.source_row_number,
            '{{ amount }}' as field_name,
            'extreme_value' as reason_code
        from valid_amounts
        cross join amount_fences
        where valid_amounts.{{ amount }} > amount_fences.{{ amount }}_fence
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

repeated_user_ids as (

    -- a copy repeats every value, the user id too, and a key conflict or a shared id takes two
    -- rows with one user id: rows whose user id appears once are settled without comparing them
    select user_id
    from customers
    group by user_id
    having count(*) > 1

),

record_copies as (

    -- copies are compared on parsed and mapped values, so 850 and 850.0 or a padded city match
    select
        customers.source_row_number,
        customers.user_id,
        customers.city,
        blocked_rows.source_row_number is not null as is_blocked,
        row_number() over (
            partition by
                customers.user_id, customers.score, customers.city, customers.gender,
                customers.age, customers.equity, customers.balance, customers.products,
                customers.credit_card, customers.last_activity, customers.est_salary,
                customers.churn, customers.overflow_text
            order by customers.source_row_number
        ) as copy_number
    from customers
    -- a missing user id is one value here, as it is to the partition below
    inner join repeated_user_ids
        on customers.user_id is not distinct from repeated_user_ids.user_id
    left join blocked_rows
        on customers.source_row_number = blocked_rows.source_row_number

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

    -- only valid first copies claim a key: a garbage row must not knock out a good one
    select
        source_row_number,
        count(*) over (partition by user_id, city) as claims_on_key,
        min(city) over (partition by user_id) as first_city_of_user_id,
        max(city) over (partition by user_id) as last_city_of_user_id
    from record_copies
    where copy_number = 1 and not is_blocked and user_id is not null and city is not null

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

    select * from value_issues
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
