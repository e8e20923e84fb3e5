{#- The measures that describe a group of customers, as (column name, aggregate SQL) pairs over
    dim_customers columns. Skewed amounts and age get quartiles, never means; percentiles skip
    NULLs, so balance quartiles are over customers who have a balance. -#}
{% macro customer_profile_measures() -%}
    {%- set measures = [] -%}
    {%- for column, name in [('age', 'age'), ('score', 'score'), ('balance', 'balance'), ('est_salary', 'salary')] -%}
        {%- set as_double = 'cast(' ~ column ~ ' as ' ~ type_double() ~ ')' -%}
        {%- set p25, median, p75 = percentiles_cont(as_double, [0.25, 0.5, 0.75]) -%}
        {%- do measures.append((name ~ '_p25', p25)) -%}
        {%- do measures.append((name ~ '_median', median)) -%}
        {%- do measures.append((name ~ '_p75', p75)) -%}
    {%- endfor -%}
    {%- do measures.append(('equity_mean', 'avg(cast(equity as ' ~ type_double() ~ '))')) -%}
    {%- for flag, name in [
        ('has_balance', 'share_with_balance'),
        ('has_credit_card', 'share_with_credit_card'),
        ('is_active', 'share_active'),
        ("gender_en = 'male'", 'share_male'),
    ] -%}
        {%- do measures.append((name, 'avg(case when ' ~ flag ~ ' then 1.0 else 0.0 end)')) -%}
    {%- endfor -%}
    {{ return(measures) }}
{%- endmacro %}
