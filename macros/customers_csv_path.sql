{#- Where the customer snapshot is read from: BANK_CUSTOMERS_CSV when set, else the dbt var
    customers_csv (bundled sample by default). The source YAML repeats this rule. -#}
{% macro customers_csv_path() -%}
    {{ return(env_var('BANK_CUSTOMERS_CSV', var('customers_csv'))) }}
{%- endmacro %}
