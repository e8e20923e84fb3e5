-- depends_on: {{ ref('single_byte_encodings') }}
{%- set file_columns = [
    'userid', 'score', 'city', 'gender', 'age', 'equity', 'balance', 'products', 'credit_card',
    'last_activity', 'est_salary', 'churn',
] -%}
{%- set maps_encoding = var('customers_csv_encoding') | lower != customers_csv_read_encoding() -%}
{#- Fields beyond the header (a line with too many fields) arrive as columns named after their
    position (`column12`) at the end. A header column left unnamed (a spreadsheet's index) is
    also called columnN, but sits before the named ones, so only the trailing run counts. -#}
{%- set found_columns = source_file_columns('bank', 'customers') -%}
{%- set overflow_columns = [] -%}
{%- for column_name in found_columns | reverse -%}
    {%- set position = found_columns | length - loop.index -%}
    {%- if overflow_columns | length == loop.index0
        and column_name.startswith('column') and column_name[6:].isdigit()
        and column_name[6:] | int == position -%}
        {%- do overflow_columns.insert(0, column_name) -%}
    {%- endif -%}
{%- endfor %}

with

numbered as (

    select * from {{ ref('base_bank__customers') }}

),
{%- if maps_encoding %}

encoding_map as (

    select
        {{ dbt.listagg('chr(byte_value)', "''", 'order by byte_value') }} as from_characters,
        {{ dbt.listagg('chr(code_point)', "''", 'order by byte_value') }} as to_characters
    from {{ ref('single_byte_encodings') }}
    where encoding = '{{ var('customers_csv_encoding') | lower | replace("'", "''") }}'

),
{%- endif %}

decoded as (

    select
        {%- for column_name in file_columns + overflow_columns %}
            {{ file_text('numbered.' ~ column_name) }} as {{ column_name }},
        {%- endfor %}
        numbered.source_row_number
    from numbered
    {%- if maps_encoding %}
    cross join encoding_map
    {%- endif %}

),

final as (

    select
        source_row_number,

        userid as user_id_raw,
        score as score_raw,
        city as city_raw,
        gender as gender_raw,
        age as age_raw,
        equity as equity_raw,
        balance as balance_raw,
        products as products_raw,
        credit_card as credit_card_raw,
        last_activity as last_activity_raw,
        est_salary as est_salary_raw,
        churn as churn_raw,

        {{ parse_number('userid') }} as user_id,
        {{ parse_number('score') }} as score,
        {{ parse_number('age') }} as age,
        {{ parse_number('equity') }} as equity,
        {{ parse_number('balance') }} as balance,
        {{ parse_number('products') }} as products,
        {{ parse_number('credit_card') }} as credit_card,
        {{ parse_number('last_activity') }} as last_activity,
        {{ parse_number('est_salary') }} as est_salary,
        {{ parse_number('churn') }} as churn,

        lower({{ trim_whitespace('city') }}) as city_key,
        lower({{ trim_whitespace('gender') }}) as gender_key,
        {% if overflow_columns -%}
            nullif(concat_ws(',', {{ overflow_columns | join(', ') }}), '')
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as overflow_text

    from decoded

)

select * from final
