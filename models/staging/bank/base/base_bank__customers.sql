{#- The customer file read once, as text, each line numbered and stored; the parsing, in the
    staging view over this table, runs on every core. The file check looks the declared encoding
    up in the seed single_byte_encodings. -#}
{{ config(post_hook="{{ fill_file_line_numbers(this) }}") }}
{{ assert_csv_source_is_usable('bank', 'customers', customers_csv_path()) }}
-- depends_on: {{ ref('single_byte_encodings') }}

with

source as (

    select * from {{ source('bank', 'customers') }}

),

final as (

    select
        source.*,
        {{ file_line_number() }} as source_row_number
    from source

)

select * from final
