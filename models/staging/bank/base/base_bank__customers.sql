{#- The customer file read once, as text, each line numbered and stored. Numbering a scan makes
    DuckDB read it on one thread, so this model does nothing else: the parsing, in the staging
    view over this table, runs on every core. The file check looks the declared encoding up in
    the seed single_byte_encodings. -#}
{{ assert_csv_source_is_usable('bank', 'customers', customers_csv_path()) }}
-- depends_on: {{ ref('single_byte_encodings') }}

with

source as (

    select * from {{ source('bank', 'customers') }}

),

final as (

    -- DuckDB keeps the file's order through a plain scan (preserve_insertion_order), so the
    -- number is the data line's position in the file.
    select
        source.*,
        row_number() over () as source_row_number
    from source

)

select * from final
