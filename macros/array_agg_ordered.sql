{#- The group's values as an array, in ascending order of `order_by`. -#}
{% macro array_agg_ordered(expression, order_by) -%}
    {{ return(adapter.dispatch('array_agg_ordered', 'bank_churn')(expression, order_by)) }}
{%- endmacro %}

{% macro default__array_agg_ordered(expression, order_by) -%}
    array_agg({{ expression }} order by {{ order_by }})
{%- endmacro %}
