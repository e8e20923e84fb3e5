{#- Joins each row to the band of `band_edges` its value falls in, as `alias`: lower edge
    inclusive, upper edge exclusive, a missing edge open. A value that is NULL finds no band.
    The open edges become infinities so that both edges are plain comparisons, which an engine
    joins against the handful of bands as a range join (DuckDB: a piecewise merge join that
    sorts only the bands) instead of testing every band on every row. -#}
{% macro band_join(value, feature, alias) -%}
    left join (
        select
            *,
            coalesce(lower_bound, cast('-infinity' as {{ type_double() }})) as band_start,
            coalesce(upper_bound, cast('infinity' as {{ type_double() }})) as band_end
        from {{ ref('band_edges') }}
        where feature = '{{ feature }}'
    ) as {{ alias }}
        on
            {{ value }} >= {{ alias }}.band_start
            and {{ value }} < {{ alias }}.band_end
{%- endmacro %}
