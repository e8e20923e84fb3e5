{#- The array's element at a position counted from 1; NULL past either end. -#}
{% macro array_element(array, position) -%}
    {{ return(adapter.dispatch('array_element', 'bank_churn')(array, position)) }}
{%- endmacro %}

{% macro default__array_element(array, position) -%}
    {{ array }}[{{ position }}]
{%- endmacro %}
