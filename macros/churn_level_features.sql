{#- The features of the churn portrait, as expressions over dim_customers: for each, the level a
    customer is at (`level_label`), its sort order, how it reads in a sentence, and the columns a
    group-by over customers needs to produce all three. -#}
{% macro churn_level_features() -%}
    {%- set banded = [
        ('age', 'age_band', 'age_band_order'),
        ('score', 'score_band', 'score_band_order'),
        ('balance', 'balance_band', 'balance_band_order'),
        ('salary', 'salary_band', 'salary_band_order'),
        ('equity', 'equity_band', 'equity_band_order'),
        ('products', 'product_segment', 'product_segment_order'),
    ] -%}
    {%- set flags = [
        ('credit_card', 'has_credit_card', 'credit card', 'no credit card'),
        ('activity', 'is_active', 'active', 'inactive'),
        ('balance_presence', 'has_balance', 'has a balance', 'no balance'),
    ] -%}
    {#- categories, each with the column that orders its levels -#}
    {%- set categories = [('city', 'city_code'), ('gender', 'gender_en')] -%}
    {%- set features = [] -%}
    {%- for feature, label_column, order_column in banded -%}
        {%- do features.append({
            'feature': feature,
            'level_label': label_column,
            'level_order': order_column,
            'level_description': dbt.concat(["'" ~ feature ~ " '", label_column]),
            'grouped_by': [label_column, order_column],
        }) -%}
    {%- endfor -%}
    {%- for feature, flag_column, when_true, when_false in flags -%}
        {%- set label = "case when " ~ flag_column ~ " then '" ~ when_true ~ "' else '"
            ~ when_false ~ "' end" -%}
        {%- do features.append({
            'feature': feature,
            'level_label': label,
            'level_order': 'case when ' ~ flag_column ~ ' then 1 else 2 end',
            'level_description': label,
            'grouped_by': [flag_column],
        }) -%}
    {%- endfor -%}
    {%- for feature, sort_column in categories -%}
        {%- do features.append({
            'feature': feature,
            'level_label': feature,
            'level_order': 'dense_rank() over (order by ' ~ sort_column ~ ')',
            'level_description': dbt.concat(["'" ~ feature ~ " '", feature]),
            'grouped_by': [feature, sort_column],
        }) -%}
    {%- endfor -%}
    {{ return(features) }}
{%- endmacro %}
