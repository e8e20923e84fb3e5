{#- A group's churn rate with its 95% Wilson interval, as three columns: churn_rate,
    churn_rate_lower, churn_rate_upper. Every mart that shows a rate shows it this way. -#}
{% macro churn_rate_columns(churned, customers) -%}
    {{ safe_divide(churned, customers) }} as churn_rate,
    {{ wilson_interval(churned, customers, 'lower') }} as churn_rate_lower,
    {{ wilson_interval(churned, customers, 'upper') }} as churn_rate_upper
{%- endmacro %}
