{#- Joins each row to the band of `band_edges` its value falls in, as `alias`: the band whose
    lower edge is the highest at or below the value. The caller still checks the upper edge, so
    a value past the last closed band finds none. A value that is NULL finds no band. -#}
{% macro band_join(value, feature, alias) -%}
    {{ return(adapter.dispatch('band_join', 'bank_churn')(value, feature, alias)) }}
{%- endmacro %}

{% macro default__band_join(value, feature, alias) -%}
    left join {{ ref('band_edges') }} as {{ alias }}
        on
            {{ alias }}.feature = '{{ feature }}'
            and ({{ alias }}.lower_bound is null or {{ value }} >= {{ alias }}.lower_bound)
            and ({{ alias }}.upper_bound is null or {{ value }} < {{ alias }}.upper_bound)
{%- endmacro %}

{% macro duckdb__band_join(value, feature, alias) -%}
    {#- an as-of join sorts once instead of comparing every row with every band, which at ten
        million customers is the difference between seconds and minutes -#}
    asof left join (
        select
            *,
            coalesce(lower_bound, cast('-infinity' as double)) as band_start
        from {{ ref('band_edges') }}
        where feature = '{{ feature }}'
    ) as {{ alias }}
        on {{ value }} >= {{ alias }}.band_start
{%- endmacro %}
