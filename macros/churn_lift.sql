{#- A group's churn rate over the bank's: 1 = the bank's rate, 2 = twice it. -#}
{% macro churn_lift(churned, customers, bank_churn_rate) -%}
    {{ safe_divide(safe_divide(churned, customers), bank_churn_rate) }}
{%- endmacro %}
