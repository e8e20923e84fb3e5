{#- The staged columns this model checks; their rules (required, range, decimals) live in the
    seed customer_field_rules so analysts tune them without touching SQL. -#}
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
            {{ trim_whitespace(field ~ '_raw') }} as raw_text,
            {{ field }} as number_value,
            cast(null as {{ dbt.type_string() }}) as category_value
        from customers
        union all
    {% endfor %}
    {% for field in category_fields %}
        select
            source_row_number,
            '{{ field }}' as field_name,
            {{ trim_whitespace(field ~ '_raw') }} as raw_text,
            cast(null as {{ type_double() }}) as number_value,
            {{ field }} as category_value
        from customers
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

field_checks as (

    -- at most one reason per field: the first that applies, from missing to too precise
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
            -- scaled to whole units of the last allowed decimal; the tolerance absorbs binary
            -- rounding of in-range values and is far below one unit
            when
                abs(
                    field_values.number_value * power(10, field_rules.decimal_places)
                    - round(field_values.number_value * power(10, field_rules.decimal_places))
                ) > 0.01
                then 'too_many_decimals'
        end as reason_code
    from field_values
    inner join field_rules
        on field_values.field_name = field_rules.field_name

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

    select
        source_row_number,
        field_name,
        reason_code
    from field_checks
    where reason_code is not null
    union all
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

valid_values as (

    select field_values.*
    from field_values
    left join blocked_rows
        on field_values.source_row_number = blocked_rows.source_row_number
    where blocked_rows.source_row_number is null

),

amount_fences as (

    select
        field_name,
        {{ percentile_cont('number_value', 0.25) }} as first_quartile,
        {{ percentile_cont('number_value', 0.75) }} as third_quartile
    from valid_values
    where field_name in ('balance', 'est_salary') and number_value is not null
    group by field_name

),

extreme_value_issues as (

    select
        valid_values.source_row_number,
        valid_values.field_name,
        'extreme_value' as reason_code
    from valid_values
    inner join amount_fences
        on valid_values.field_name = amount_fences.field_name
    where
        valid_values.number_value > amount_fences.third_quartile
        + {{ var('extreme_value_iqr_multiplier') }}
        * (amount_fences.third_quartile - amount_fences.first_quartile)

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
