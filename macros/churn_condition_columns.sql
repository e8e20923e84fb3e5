{#- The columns of int_customer_condition_sets that hold, per customer, the number of the risk
    condition met at each portrait feature and in each interval feature, in feature order. -#}
{% macro churn_condition_columns() -%}
    {%- set columns = [] -%}
    {%- for level_feature in churn_level_features() -%}
        {%- do columns.append(level_feature.feature ~ '_level_condition_number') -%}
    {%- endfor -%}
    {%- for interval_feature in churn_interval_features() -%}
        {%- do columns.append(interval_feature.feature ~ '_interval_condition_number') -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
