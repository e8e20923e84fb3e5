{#- The continuous features whose churn intervals are searched, each with its dim_customers
    column. A customer without a value (no balance, unknown age) takes no part. -#}
{% macro churn_interval_features() -%}
    {{ return([
        {'feature': 'age', 'column': 'age'},
        {'feature': 'score', 'column': 'score'},
        {'feature': 'balance', 'column': 'balance'},
        {'feature': 'salary', 'column': 'est_salary'},
    ]) }}
{%- endmacro %}
