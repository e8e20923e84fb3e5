{#- Returns the rows whose value lies outside [min_value, max_value] (ends inclusive unless
    inclusive=false). NULLs pass: pair with not_null where a value is required. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("accepted_range on " ~ model ~ "." ~ column_name ~ ": give min_value, max_value or both.") }}
    {%- endif -%}
    {%- set below = '<' if inclusive else '<=' -%}
    {%- set above = '>' if inclusive else '>=' -%}

    select {{ column_name }}
    from {{ model }}
    where
        {%- if min_value is not none %}
        {{ column_name }} {{ below }} {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %} or{% endif %}
        {%- if max_value is not none %}
        {{ column_name }} {{ above }} {{ max_value }}
        {%- endif %}
{% endtest %}
