{#- A view: writing every staged column a second time cost more than parsing the file again in
    the two models that read it (validation issues and, through the validated rows, the
    customers). -#}
{{ config(materialized='view') }}

with

customers as (

    select * from {{ ref('stg_bank__customers') }}

),

city_aliases as (

    select * from {{ ref('city_aliases') }}

),

gender_aliases as (

    select * from {{ ref('gender_aliases') }}

),

final as (

    select
        customers.*,
        city_aliases.city,
        city_aliases.city_code,
        city_aliases.city_en,
        gender_aliases.gender,
        gender_aliases.gender_en
    from customers
    left join city_aliases
        on customers.city_key = city_aliases.alias
    left join gender_aliases
        on customers.gender_key = gender_aliases.alias

)

select * from final
