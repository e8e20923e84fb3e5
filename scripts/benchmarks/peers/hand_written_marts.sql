-- Peer 1 of the scale benchmark: the published marts of the dbt project written by hand as one
-- DuckDB script, for speed. It reads the customer file once, applies the same rules (the models'
-- yml docs and the seeds are the specification), and writes the same eleven tables; no tests, no
-- file-level assertions (they raise errors and produce no rows). Only the dialect DuckDB decodes
-- itself is supported (utf-8, utf-16, latin-1).
--
-- The runner (duckdb_peer.py) fills in each double-braced name before running the script: quoted
-- values arrive with their quotes already doubled, numbers as the project vars write them, so a
-- var such as 0.6 is the same decimal literal here as in the dbt models. The overflow_text
-- placeholder is the expression that joins the fields a line has beyond its header, built from
-- the file's columns.
--
-- Every intermediate is a temporary table; only the marts are written to the database file.

-- --------------------------------------------------------------------------------------------
-- expressions used in several places
-- --------------------------------------------------------------------------------------------

-- trim() removes spaces only; a tab or line break at either end of a field is blank too, and the
-- translate runs only on the rare field that holds one
create or replace temp macro blank_to_null(field_text) as
    nullif(trim(
        case
            when
                contains(field_text, chr(9))
                or contains(field_text, chr(10))
                or contains(field_text, chr(13))
                then translate(field_text, chr(9) || chr(10) || chr(13), '   ')
            else field_text
        end
    ), '');

create or replace temp macro with_decimal_point(field_text) as
    case
        when '{{ decimal_separator }}' = ',' then replace(field_text, ',', '.')
        else field_text
    end;

-- try_cast alone accepts nan, inf, 1_000 and padded text, none of which a bank export means
create or replace temp macro plain_number(number_text) as
    case
        when regexp_full_match(number_text, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')
            then try_cast(number_text as double)
    end;

-- a field that is already a plain number holds no blanks to trim, so only the few others pay for
-- blank_to_null
create or replace temp macro parsed_number(field_text) as
    case
        when regexp_full_match(
            with_decimal_point(field_text), '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?'
        )
            then try_cast(with_decimal_point(field_text) as double)
        else plain_number(with_decimal_point(blank_to_null(field_text)))
    end;

create or replace temp macro ratio(numerator, denominator) as
    cast(numerator as double) / nullif(cast(denominator as double), 0);

-- the 95% Wilson score interval, written term for term as the project writes it, so that a bound
-- compared with the bank's rate falls on the same side of it
create or replace temp macro wilson_score_bound(successes, trials, sign) as
    (
        (ratio(successes, trials)) + 3.8415999999999997 / (2 * cast(trials as double))
        + sign * 1.96 * sqrt(
            (ratio(successes, trials)) * (1 - (ratio(successes, trials))) / cast(trials as double)
            + 3.8415999999999997 / (4 * cast(trials as double) * cast(trials as double))
        )
    ) / (1 + 3.8415999999999997 / cast(trials as double));

-- exact at the edges (0 for no successes, 1 for all) and never across the rate, as the project's
-- bounds are
create or replace temp macro wilson_lower(successes, trials) as
    case
        when trials > 0 and successes = 0 then 0
        when trials > 0
            then least(ratio(successes, trials), greatest(0, wilson_score_bound(successes, trials, -1)))
    end;

create or replace temp macro wilson_upper(successes, trials) as
    case
        when trials > 0 and successes = trials then 1
        when trials > 0
            then greatest(ratio(successes, trials), least(1, wilson_score_bound(successes, trials, 1)))
    end;

-- count_if is a 128-bit integer, which Tableau extracts cannot hold
create or replace temp macro count_where(condition) as cast(count_if(condition) as bigint);

create or replace temp macro whole_number_text(value) as
    cast(cast(round(value) as bigint) as varchar);

-- the first reason that applies to one field, from missing to too precise, as a small number (0:
-- none); numbers 1 to 6 are the field reasons of reason_numbers below
create or replace temp macro field_reason(is_missing, number_value, category_value, field_rule) as
    case
        when field_rule is null then 0
        when is_missing and field_rule.is_required then 1
        when is_missing then 2
        when field_rule.field_type = 'number' and number_value is null then 3
        when field_rule.field_type = 'category' and category_value is null then 4
        when number_value < field_rule.min_value or number_value > field_rule.max_value then 5
        -- scaled to whole units of the last allowed decimal; the tolerance absorbs binary
        -- rounding of in-range values
        when
            abs(
                number_value * power(10, field_rule.decimal_places)
                - round(number_value * power(10, field_rule.decimal_places))
            ) > 0.01
            then 6
        else 0
    end;

-- a band or interval is found by counting its sorted lower edges at or below the value: a few
-- comparisons against a constant list, where a range join would sort every customer
create or replace temp macro edge_position(value, lower_edges) as
    list_count(list_filter(lower_edges, lower_edge -> lower_edge <= value));

-- --------------------------------------------------------------------------------------------
-- seeds
-- --------------------------------------------------------------------------------------------

create or replace temp table band_edges as
select *
from read_csv('{{ seeds_dir }}/band_edges.csv', header = true, auto_detect = false, columns = {
    'feature': 'varchar', 'band_order': 'integer', 'lower_bound': 'double',
    'upper_bound': 'double', 'band_label': 'varchar'
});

create or replace temp table city_aliases as
select *
from read_csv('{{ seeds_dir }}/city_aliases.csv', header = true, auto_detect = false, columns = {
    'alias': 'varchar', 'city': 'varchar', 'city_code': 'varchar', 'city_en': 'varchar'
});

create or replace temp table gender_aliases as
select *
from read_csv('{{ seeds_dir }}/gender_aliases.csv', header = true, auto_detect = false, columns = {
    'alias': 'varchar', 'gender': 'varchar', 'gender_en': 'varchar'
});

create or replace temp table customer_field_rules as
select *
from read_csv('{{ seeds_dir }}/customer_field_rules.csv', header = true, auto_detect = false,
    columns = {
        'field_name': 'varchar', 'field_type': 'varchar', 'is_required': 'boolean',
        'min_value': 'double', 'max_value': 'double', 'decimal_places': 'integer'
    });

create or replace temp table data_quality_reasons as
select *
from read_csv('{{ seeds_dir }}/data_quality_reasons.csv', header = true, auto_detect = false,
    columns = {'reason_code': 'varchar', 'is_blocking': 'boolean', 'description': 'varchar'});

create or replace temp table retention_levers as
select *
from read_csv('{{ seeds_dir }}/retention_levers.csv', header = true, auto_detect = false,
    columns = {
        'feature': 'varchar', 'lever_priority': 'integer', 'lever_en': 'varchar',
        'lever_ru': 'varchar'
    });

-- each reason a bit, so that a row's reasons are one integer and "is any of them blocking" is
-- one and-operation
create or replace temp table reason_numbers as
select *
from (values
    (1, 'missing_required_value'),
    (2, 'missing_optional_value'),
    (3, 'not_a_number'),
    (4, 'unknown_category'),
    (5, 'out_of_range'),
    (6, 'too_many_decimals'),
    (7, 'wrong_field_count'),
    (8, 'no_products'),
    (9, 'extreme_value'),
    (10, 'exact_duplicate_row'),
    (11, 'conflicting_customer_key'),
    (12, 'shared_user_id')
) as reason_number_rows (reason_number, reason_code);

-- Lookups the per-row passes need are session variables: a variable is a constant when a
-- query is planned, so a row finds its value in a short list without a join, and a pass with no
-- join keeps the file's order.
set variable blocking_bits = (
    select coalesce(bit_or(1 << reason_numbers.reason_number), 0)
    from reason_numbers
    inner join data_quality_reasons
        on reason_numbers.reason_code = data_quality_reasons.reason_code
    where data_quality_reasons.is_blocking
);

-- the rules as one struct per field, so each customer row is checked where it stands
set variable field_rules = (
    select {
        'user_id': any_value(field_rule) filter (where field_name = 'user_id'),
        'score': any_value(field_rule) filter (where field_name = 'score'),
        'city': any_value(field_rule) filter (where field_name = 'city'),
        'gender': any_value(field_rule) filter (where field_name = 'gender'),
        'age': any_value(field_rule) filter (where field_name = 'age'),
        'equity': any_value(field_rule) filter (where field_name = 'equity'),
        'balance': any_value(field_rule) filter (where field_name = 'balance'),
        'products': any_value(field_rule) filter (where field_name = 'products'),
        'credit_card': any_value(field_rule) filter (where field_name = 'credit_card'),
        'last_activity': any_value(field_rule) filter (where field_name = 'last_activity'),
        'est_salary': any_value(field_rule) filter (where field_name = 'est_salary'),
        'churn': any_value(field_rule) filter (where field_name = 'churn')
    }
    from (
        select
            field_name,
            {
                'is_required': is_required,
                'field_type': field_type,
                'min_value': min_value,
                'max_value': max_value,
                'decimal_places': decimal_places
            } as field_rule
        from customer_field_rules
    )
);

-- an alias's position in these lists stands for the city or gender it maps to
set variable city_lookup = (
    select {
        'aliases': list(alias order by alias),
        'cities': list(city order by alias),
        'codes': list(city_code order by alias),
        'names_en': list(city_en order by alias)
    }
    from city_aliases
);

set variable gender_lookup = (
    select {
        'aliases': list(alias order by alias),
        'genders': list(gender order by alias),
        'names_en': list(gender_en order by alias)
    }
    from gender_aliases
);

-- per banded feature, the bands in the order of their lower edges (an open lower edge first):
-- a value belongs to the last band starting at or below it, if it is below that band's upper edge
create or replace temp macro band_list(name) as (
    select {
        'starts': list(
            coalesce(lower_bound, cast('-infinity' as double)) order by lower_bound nulls first
        ),
        'uppers': list(upper_bound order by lower_bound nulls first),
        'labels': list(band_label order by lower_bound nulls first),
        'orders': list(band_order order by lower_bound nulls first)
    }
    from band_edges
    where feature = name
);

set variable bands = {
    'age': band_list('age'),
    'score': band_list('score'),
    'balance': band_list('balance'),
    'est_salary': band_list('est_salary'),
    'equity': band_list('equity'),
    'products': band_list('products')
};

create or replace temp macro band_label(value, band_position, feature_bands) as
    coalesce(
        case
            when
                band_position > 0
                and (
                    feature_bands.uppers[band_position] is null
                    or value < feature_bands.uppers[band_position]
                )
                then feature_bands.labels[band_position]
        end,
        'missing'
    );

create or replace temp macro band_order(value, band_position, feature_bands) as
    coalesce(
        case
            when
                band_position > 0
                and (
                    feature_bands.uppers[band_position] is null
                    or value < feature_bands.uppers[band_position]
                )
                then feature_bands.orders[band_position]
        end,
        0
    );

-- --------------------------------------------------------------------------------------------
-- the file, read once, and every line checked where it stands
-- --------------------------------------------------------------------------------------------

-- A scan through projections alone keeps the file's order (preserve_insertion_order), so rowid
-- + 1 is the data line's number; numbering in the scan itself would read the file on one thread.
create or replace temp table file_rows as
with

parsed as (
    select
        userid as user_id_raw,
        score as score_raw,
        city as city_raw,
        gender as gender_raw,
        age as age_raw,
        equity as equity_raw,
        balance as balance_raw,
        products as products_raw,
        credit_card as credit_card_raw,
        last_activity as last_activity_raw,
        est_salary as est_salary_raw,
        churn as churn_raw,
        {{ overflow_text }} as overflow_text,
        parsed_number(userid) as user_id,
        parsed_number(score) as score,
        parsed_number(age) as age,
        parsed_number(equity) as equity,
        parsed_number(balance) as balance,
        parsed_number(products) as products,
        parsed_number(credit_card) as credit_card,
        parsed_number(last_activity) as last_activity,
        parsed_number(est_salary) as est_salary,
        parsed_number(churn) as churn,
        lower(blank_to_null(city)) as city_key,
        lower(blank_to_null(gender)) as gender_key
    from read_csv(
        '{{ customers_csv }}',
        all_varchar = true, header = true, delim = '{{ delimiter }}', quote = '"', escape = '"',
        encoding = '{{ encoding }}', comment = '', strict_mode = true, null_padding = true,
        max_line_size = 8388608
    )
),

located as (
    select
        *,
        -- blank, as opposed to text that is not a number
        case when user_id is null then blank_to_null(user_id_raw) is null else false end
            as user_id_is_blank,
        case when score is null then blank_to_null(score_raw) is null else false end
            as score_is_blank,
        case when age is null then blank_to_null(age_raw) is null else false end
            as age_is_blank,
        case when equity is null then blank_to_null(equity_raw) is null else false end
            as equity_is_blank,
        case when balance is null then blank_to_null(balance_raw) is null else false end
            as balance_is_blank,
        case when products is null then blank_to_null(products_raw) is null else false end
            as products_is_blank,
        case when credit_card is null then blank_to_null(credit_card_raw) is null else false end
            as credit_card_is_blank,
        case
            when last_activity is null then blank_to_null(last_activity_raw) is null else false
        end as last_activity_is_blank,
        case when est_salary is null then blank_to_null(est_salary_raw) is null else false end
            as est_salary_is_blank,
        case when churn is null then blank_to_null(churn_raw) is null else false end
            as churn_is_blank,
        list_position(getvariable('city_lookup').aliases, city_key) as city_position,
        list_position(getvariable('gender_lookup').aliases, gender_key) as gender_position
    from parsed
),

reasons as (
    select
        *,
        field_reason(user_id_is_blank, user_id, null, getvariable('field_rules').user_id)
            as user_id_reason,
        field_reason(score_is_blank, score, null, getvariable('field_rules').score)
            as score_reason,
        field_reason(
            city_key is null, null, getvariable('city_lookup').cities[city_position],
            getvariable('field_rules').city
        ) as city_reason,
        field_reason(
            gender_key is null, null, getvariable('gender_lookup').genders[gender_position],
            getvariable('field_rules').gender
        ) as gender_reason,
        field_reason(age_is_blank, age, null, getvariable('field_rules').age) as age_reason,
        field_reason(equity_is_blank, equity, null, getvariable('field_rules').equity)
            as equity_reason,
        field_reason(balance_is_blank, balance, null, getvariable('field_rules').balance)
            as balance_reason,
        field_reason(products_is_blank, products, null, getvariable('field_rules').products)
            as products_reason,
        field_reason(
            credit_card_is_blank, credit_card, null, getvariable('field_rules').credit_card
        ) as credit_card_reason,
        field_reason(
            last_activity_is_blank, last_activity, null, getvariable('field_rules').last_activity
        ) as last_activity_reason,
        field_reason(
            est_salary_is_blank, est_salary, null, getvariable('field_rules').est_salary
        ) as est_salary_reason,
        field_reason(churn_is_blank, churn, null, getvariable('field_rules').churn)
            as churn_reason
    from located
),

with_bits as (
    select
        *,
        (
            (1 << user_id_reason) | (1 << score_reason) | (1 << city_reason)
            | (1 << gender_reason) | (1 << age_reason) | (1 << equity_reason)
            | (1 << balance_reason) | (1 << products_reason) | (1 << credit_card_reason)
            | (1 << last_activity_reason) | (1 << est_salary_reason) | (1 << churn_reason)
            | case when overflow_text is not null then 1 << 7 else 0 end
            | case when products = 0 then 1 << 8 else 0 end
        ) & ~1 as value_bits
    from reasons
)

-- narrow types: this table is the widest the script writes
select
    user_id_raw,
    score_raw,
    city_raw,
    gender_raw,
    age_raw,
    equity_raw,
    balance_raw,
    products_raw,
    credit_card_raw,
    last_activity_raw,
    est_salary_raw,
    churn_raw,
    overflow_text,
    user_id,
    score,
    age,
    equity,
    balance,
    products,
    credit_card,
    last_activity,
    est_salary,
    churn,
    cast(city_position as utinyint) as city_position,
    cast(gender_position as utinyint) as gender_position,
    cast(user_id_reason as utinyint) as user_id_reason,
    cast(score_reason as utinyint) as score_reason,
    cast(city_reason as utinyint) as city_reason,
    cast(gender_reason as utinyint) as gender_reason,
    cast(age_reason as utinyint) as age_reason,
    cast(equity_reason as utinyint) as equity_reason,
    cast(balance_reason as utinyint) as balance_reason,
    cast(products_reason as utinyint) as products_reason,
    cast(credit_card_reason as utinyint) as credit_card_reason,
    cast(last_activity_reason as utinyint) as last_activity_reason,
    cast(est_salary_reason as utinyint) as est_salary_reason,
    cast(churn_reason as utinyint) as churn_reason,
    cast(value_bits as smallint) as value_bits,
    value_bits & getvariable('blocking_bits') <> 0 as is_blocked
from with_bits;

-- Tukey's far-out fence over the rows not already rejected for their values
set variable amount_fences = (
    select {
        'balance': percentile_cont(0.75) within group (order by balance)
        + {{ extreme_value_iqr_multiplier }} * (
            percentile_cont(0.75) within group (order by balance)
            - percentile_cont(0.25) within group (order by balance)
        ),
        'est_salary': percentile_cont(0.75) within group (order by est_salary)
        + {{ extreme_value_iqr_multiplier }} * (
            percentile_cont(0.75) within group (order by est_salary)
            - percentile_cont(0.25) within group (order by est_salary)
        )
    }
    from file_rows
    where not is_blocked
);

-- A copy repeats every parsed value, user id included, and a key conflict or a shared id needs a
-- second row with the same user id: a user id seen once settles all three, so only the few rows
-- whose user id repeats (a missing one counts as one value) are compared.
create or replace temp table repeated_user_ids as
select user_id
from file_rows
group by user_id
having count(*) > 1;

create or replace temp table key_issues as
with

candidates as (
    select
        file_rows.rowid + 1 as source_row_number,
        file_rows.* exclude (city_position, gender_position),
        getvariable('city_lookup').cities[file_rows.city_position] as city,
        getvariable('gender_lookup').genders[file_rows.gender_position] as gender
    from file_rows
    semi join repeated_user_ids
        on file_rows.user_id is not distinct from repeated_user_ids.user_id
),

record_copies as (
    -- compared on parsed and mapped values, so 850 and 850.0 or a padded city match
    select
        source_row_number,
        user_id,
        city,
        is_blocked,
        row_number() over (
            partition by
                user_id, score, city, gender, age, equity, balance, products, credit_card,
                last_activity, est_salary, churn, overflow_text
            order by source_row_number
        ) as copy_number
    from candidates
),

customer_key_claims as (
    -- only valid first copies claim a key: a garbage row must not knock out a good one
    select
        source_row_number,
        count(*) over (partition by user_id, city) as claims_on_key,
        min(city) over (partition by user_id) <> max(city) over (partition by user_id)
            as has_shared_user_id
    from record_copies
    where copy_number = 1 and not is_blocked and user_id is not null and city is not null
)

select
    record_copies.source_row_number,
    record_copies.copy_number > 1 as is_exact_duplicate,
    coalesce(customer_key_claims.claims_on_key > 1, false) as is_conflicting_key,
    coalesce(customer_key_claims.has_shared_user_id, false) as has_shared_user_id
from record_copies
left join customer_key_claims
    on record_copies.source_row_number = customer_key_claims.source_row_number
where
    record_copies.copy_number > 1
    or customer_key_claims.claims_on_key > 1
    or customer_key_claims.has_shared_user_id;

create or replace temp view validated as
select
    *,
    issue_bits & getvariable('blocking_bits') <> 0 as is_rejected
from (
    select
        *,
        value_bits
        | case when is_balance_extreme or is_est_salary_extreme then 1 << 9 else 0 end
        | case when is_exact_duplicate then 1 << 10 else 0 end
        | case when is_conflicting_key then 1 << 11 else 0 end
        | case when has_shared_user_id then 1 << 12 else 0 end as issue_bits
    from (
        select
            file_rows.rowid + 1 as source_row_number,
            file_rows.*,
            coalesce(
                not file_rows.is_blocked
                and file_rows.balance > getvariable('amount_fences').balance,
                false
            ) as is_balance_extreme,
            coalesce(
                not file_rows.is_blocked
                and file_rows.est_salary > getvariable('amount_fences').est_salary,
                false
            ) as is_est_salary_extreme,
            coalesce(key_issues.is_exact_duplicate, false) as is_exact_duplicate,
            coalesce(key_issues.is_conflicting_key, false) as is_conflicting_key,
            coalesce(key_issues.has_shared_user_id, false) as has_shared_user_id
        from file_rows
        left join key_issues
            on file_rows.rowid + 1 = key_issues.source_row_number
    )
);

-- --------------------------------------------------------------------------------------------
-- customers
-- --------------------------------------------------------------------------------------------

-- Age, score, equity and products take few distinct values: each value is banded once and
-- joined back, where balance and salary are banded row by row.
create or replace temp table value_bands as
with distinct_values as (
    select
        case
            when grouping(age) = 0 then 'age'
            when grouping(score) = 0 then 'score'
            when grouping(equity) = 0 then 'equity'
            else 'products'
        end as feature,
        coalesce(age, score, equity, products) as feature_value
    from file_rows
    where not is_blocked
    group by grouping sets ((age), (score), (equity), (products))
),

positioned as (
    select
        feature,
        feature_value,
        case feature
            when 'age' then getvariable('bands').age
            when 'score' then getvariable('bands').score
            when 'equity' then getvariable('bands').equity
            else getvariable('bands').products
        end as feature_bands
    from distinct_values
    where feature_value is not null
)

select
    feature,
    feature_value,
    band_label(feature_value, band_position, feature_bands) as band_label,
    band_order(feature_value, band_position, feature_bands) as band_order
from (
    select
        *,
        edge_position(feature_value, feature_bands.starts) as band_position
    from positioned
);

create or replace table dim_customers as
select
    -- the same user id names different people in different branch systems
    cast(cast(customers.user_id as bigint) as varchar) || '-'
    || getvariable('city_lookup').codes[customers.city_position] as customer_id,
    cast(customers.user_id as bigint) as user_id,
    customers.source_row_number,
    getvariable('city_lookup').cities[customers.city_position] as city,
    getvariable('city_lookup').codes[customers.city_position] as city_code,
    getvariable('city_lookup').names_en[customers.city_position] as city_en,
    getvariable('gender_lookup').genders[customers.gender_position] as gender,
    getvariable('gender_lookup').names_en[customers.gender_position] as gender_en,
    cast(customers.age as integer) as age,
    cast(customers.score as integer) as score,
    cast(customers.equity as integer) as equity,
    cast(customers.balance as decimal(18, 2)) as balance,
    cast(customers.products as integer) as products,
    cast(customers.est_salary as decimal(18, 2)) as est_salary,
    customers.churn = 1 as is_churned,
    customers.last_activity = 1 as is_active,
    customers.credit_card = 1 as has_credit_card,
    customers.balance is not null as has_balance,
    customers.age is not null as has_age,
    customers.has_shared_user_id,
    customers.is_balance_extreme,
    customers.is_est_salary_extreme as is_salary_extreme,
    -- a missing value is in no band
    coalesce(products_band.band_label, 'missing') as product_segment,
    coalesce(products_band.band_order, 0) as product_segment_order,
    coalesce(age_band.band_label, 'missing') as age_band,
    coalesce(age_band.band_order, 0) as age_band_order,
    coalesce(score_band.band_label, 'missing') as score_band,
    coalesce(score_band.band_order, 0) as score_band_order,
    band_label(customers.balance, customers.balance_position, getvariable('bands').balance)
        as balance_band,
    band_order(customers.balance, customers.balance_position, getvariable('bands').balance)
        as balance_band_order,
    band_label(
        customers.est_salary, customers.est_salary_position, getvariable('bands').est_salary
    ) as salary_band,
    band_order(
        customers.est_salary, customers.est_salary_position, getvariable('bands').est_salary
    ) as salary_band_order,
    coalesce(equity_band.band_label, 'missing') as equity_band,
    coalesce(equity_band.band_order, 0) as equity_band_order
from (
    select
        *,
        edge_position(balance, getvariable('bands').balance.starts) as balance_position,
        edge_position(est_salary, getvariable('bands').est_salary.starts) as est_salary_position
    from validated
    where not is_rejected
) as customers
left join value_bands as products_band
    on products_band.feature = 'products' and customers.products = products_band.feature_value
left join value_bands as age_band
    on age_band.feature = 'age' and customers.age = age_band.feature_value
left join value_bands as score_band
    on score_band.feature = 'score' and customers.score = score_band.feature_value
left join value_bands as equity_band
    on equity_band.feature = 'equity' and customers.equity = equity_band.feature_value;

-- --------------------------------------------------------------------------------------------
-- data quality
-- --------------------------------------------------------------------------------------------

-- The rows with any issue, grouped by which issues they have: the reason counts and the
-- rejected rows' reasons are read from these few patterns, never from a row per issue.
create or replace temp table issue_patterns as
select
    row_number() over () as pattern_number,
    *
from (
    select
        user_id_reason, score_reason, city_reason, gender_reason, age_reason, equity_reason,
        balance_reason, products_reason, credit_card_reason, last_activity_reason,
        est_salary_reason, churn_reason,
        overflow_text is not null as has_overflow,
        coalesce(products = 0, false) as has_no_products,
        is_balance_extreme,
        is_est_salary_extreme,
        is_exact_duplicate,
        is_conflicting_key,
        has_shared_user_id,
        is_rejected,
        count(*) as row_count,
        -- a rejected row's number, kept only for the rejected rows
        list(source_row_number) filter (where is_rejected) as rejected_rows
    from validated
    where issue_bits <> 0
    group by all
);

create or replace temp table pattern_issues as
with unfolded as (
    select
        pattern_number,
        row_count,
        unnest([
            {'field_name': 'user_id', 'reason_number': user_id_reason},
            {'field_name': 'score', 'reason_number': score_reason},
            {'field_name': 'city', 'reason_number': city_reason},
            {'field_name': 'gender', 'reason_number': gender_reason},
            {'field_name': 'age', 'reason_number': age_reason},
            {'field_name': 'equity', 'reason_number': equity_reason},
            {'field_name': 'balance', 'reason_number': balance_reason},
            {'field_name': 'products', 'reason_number': products_reason},
            {'field_name': 'credit_card', 'reason_number': credit_card_reason},
            {'field_name': 'last_activity', 'reason_number': last_activity_reason},
            {'field_name': 'est_salary', 'reason_number': est_salary_reason},
            {'field_name': 'churn', 'reason_number': churn_reason},
            {'field_name': 'record', 'reason_number': if(has_overflow, 7, 0)},
            {'field_name': 'products', 'reason_number': if(has_no_products, 8, 0)},
            {'field_name': 'balance', 'reason_number': if(is_balance_extreme, 9, 0)},
            {'field_name': 'est_salary', 'reason_number': if(is_est_salary_extreme, 9, 0)},
            {'field_name': 'record', 'reason_number': if(is_exact_duplicate, 10, 0)},
            {'field_name': 'user_id', 'reason_number': if(is_conflicting_key, 11, 0)},
            {'field_name': 'user_id', 'reason_number': if(has_shared_user_id, 12, 0)}
        ]) as issue
    from issue_patterns
)

select
    unfolded.pattern_number,
    unfolded.row_count,
    unfolded.issue.field_name as field_name,
    reason_numbers.reason_code,
    data_quality_reasons.is_blocking,
    unfolded.issue.field_name || ':' || reason_numbers.reason_code as field_reason
from unfolded
inner join reason_numbers
    on unfolded.issue.reason_number = reason_numbers.reason_number
left join data_quality_reasons
    on reason_numbers.reason_code = data_quality_reasons.reason_code;

create or replace table fct_rejected_rows as
with pattern_reasons as (
    select
        pattern_number,
        string_agg(field_reason, ', ' order by field_reason) filter (where is_blocking)
            as rejection_reasons,
        string_agg(field_reason, ', ' order by field_reason) filter (where not is_blocking)
            as flag_reasons
    from pattern_issues
    group by pattern_number
),

rejected as (
    select
        pattern_reasons.rejection_reasons,
        pattern_reasons.flag_reasons,
        unnest(patterns.rejected_rows) as source_row_number
    from issue_patterns as patterns
    inner join pattern_reasons
        on patterns.pattern_number = pattern_reasons.pattern_number
    where patterns.is_rejected
)

select
    rejected.source_row_number,
    rejected.rejection_reasons,
    rejected.flag_reasons,
    file_rows.user_id_raw,
    file_rows.score_raw,
    file_rows.city_raw,
    file_rows.gender_raw,
    file_rows.age_raw,
    file_rows.equity_raw,
    file_rows.balance_raw,
    file_rows.products_raw,
    file_rows.credit_card_raw,
    file_rows.last_activity_raw,
    file_rows.est_salary_raw,
    file_rows.churn_raw,
    file_rows.overflow_text
from rejected
inner join file_rows
    on rejected.source_row_number = file_rows.rowid + 1;

create or replace table rpt_data_quality as
with row_totals as (
    select
        (select count(*) from file_rows) as rows_read,
        coalesce(sum(row_count) filter (where is_rejected), 0) as rows_rejected
    from issue_patterns
),

volume_metrics as (
    select
        metric_id,
        1 as group_order,
        order_in_group,
        'rows' as metric_group,
        cast(null as varchar) as reason_code,
        cast(null as varchar) as field_name,
        cast(null as boolean) as is_blocking,
        row_count,
        description
    from (
        select 'rows_read' as metric_id, 1 as order_in_group, rows_read as row_count,
            'Data lines read from the customer file.' as description
        from row_totals
        union all
        select 'rows_kept', 2, rows_read - rows_rejected,
            'Rows that became customers in dim_customers.'
        from row_totals
        union all
        select 'rows_rejected', 3, rows_rejected,
            'Rows quarantined in fct_rejected_rows with their raw text and reasons.'
        from row_totals
    )
),

-- a row counts once per reason however many of its fields have it
rows_per_reason as (
    select reason_code, sum(row_count) as row_count
    from (select distinct pattern_number, row_count, reason_code from pattern_issues)
    group by reason_code
),

reason_metrics as (
    -- every reason in the catalogue, with zero where the file has none
    select
        'reason:' || data_quality_reasons.reason_code as metric_id,
        2 as group_order,
        0 as order_in_group,
        'reason' as metric_group,
        data_quality_reasons.reason_code,
        cast(null as varchar) as field_name,
        data_quality_reasons.is_blocking,
        coalesce(rows_per_reason.row_count, 0) as row_count,
        data_quality_reasons.description
    from data_quality_reasons
    left join rows_per_reason
        on data_quality_reasons.reason_code = rows_per_reason.reason_code
),

reason_field_metrics as (
    select
        'reason:' || data_quality_reasons.reason_code || ':' || per_field.field_name as metric_id,
        3 as group_order,
        0 as order_in_group,
        'reason_by_field' as metric_group,
        data_quality_reasons.reason_code,
        per_field.field_name,
        data_quality_reasons.is_blocking,
        per_field.row_count,
        data_quality_reasons.description
    from (
        select reason_code, field_name, sum(row_count) as row_count
        from pattern_issues
        group by reason_code, field_name
    ) as per_field
    inner join data_quality_reasons
        on per_field.reason_code = data_quality_reasons.reason_code
),

metrics as (
    select * from volume_metrics
    union all
    select * from reason_metrics
    union all
    select * from reason_field_metrics
)

select
    metrics.metric_id,
    row_number() over (
        order by
            metrics.group_order asc,
            metrics.order_in_group asc,
            metrics.is_blocking desc nulls first,
            metrics.reason_code asc nulls first,
            metrics.field_name asc nulls first,
            metrics.metric_id asc
    ) as metric_order,
    metrics.metric_group,
    metrics.reason_code,
    metrics.field_name,
    metrics.is_blocking,
    cast(metrics.row_count as bigint) as row_count,
    ratio(metrics.row_count, row_totals.rows_read) as share_of_rows_read,
    metrics.description
from metrics
cross join row_totals;

-- --------------------------------------------------------------------------------------------
-- churn portrait and intervals
-- --------------------------------------------------------------------------------------------

create or replace temp table baseline as
select
    count(*) as customers,
    count_where(is_churned) as churned_customers,
    ratio(count_where(is_churned), count(*)) as churn_rate
from dim_customers;

-- every level of every portrait feature in one pass over the customers
create or replace temp table level_stats as
with level_counts as (
    select
        case
            when grouping(age_band) = 0 then 'age'
            when grouping(score_band) = 0 then 'score'
            when grouping(balance_band) = 0 then 'balance'
            when grouping(salary_band) = 0 then 'salary'
            when grouping(equity_band) = 0 then 'equity'
            when grouping(product_segment) = 0 then 'products'
            when grouping(has_credit_card) = 0 then 'credit_card'
            when grouping(is_active) = 0 then 'activity'
            when grouping(has_balance) = 0 then 'balance_presence'
            when grouping(city) = 0 then 'city'
            else 'gender'
        end as feature,
        age_band, age_band_order, score_band, score_band_order, balance_band,
        balance_band_order, salary_band, salary_band_order, equity_band, equity_band_order,
        product_segment, product_segment_order, has_credit_card, is_active, has_balance, city,
        city_code, gender, gender_en,
        count(*) as customers,
        count_where(is_churned) as churned_customers
    from dim_customers
    group by grouping sets (
        (age_band, age_band_order),
        (score_band, score_band_order),
        (balance_band, balance_band_order),
        (salary_band, salary_band_order),
        (equity_band, equity_band_order),
        (product_segment, product_segment_order),
        (has_credit_card),
        (is_active),
        (has_balance),
        (city, city_code),
        (gender, gender_en)
    )
),

levels as (
    select
        feature,
        cast(case feature
            when 'age' then age_band_order
            when 'score' then score_band_order
            when 'balance' then balance_band_order
            when 'salary' then salary_band_order
            when 'equity' then equity_band_order
            when 'products' then product_segment_order
            when 'credit_card' then case when has_credit_card then 1 else 2 end
            when 'activity' then case when is_active then 1 else 2 end
            when 'balance_presence' then case when has_balance then 1 else 2 end
        end as bigint) as banded_order,
        case feature
            when 'age' then age_band
            when 'score' then score_band
            when 'balance' then balance_band
            when 'salary' then salary_band
            when 'equity' then equity_band
            when 'products' then product_segment
            when 'credit_card' then if(has_credit_card, 'credit card', 'no credit card')
            when 'activity' then if(is_active, 'active', 'inactive')
            when 'balance_presence' then if(has_balance, 'has a balance', 'no balance')
            when 'city' then city
            else gender
        end as level_label,
        case feature when 'city' then city_code when 'gender' then gender_en end as category_key,
        customers,
        churned_customers
    from level_counts
)

select
    levels.feature,
    -- categories are ordered by their code
    coalesce(
        levels.banded_order,
        dense_rank() over (partition by levels.feature order by levels.category_key)
    ) as level_order,
    levels.level_label,
    case
        when levels.feature in ('credit_card', 'activity', 'balance_presence')
            then levels.level_label
        else levels.feature || ' ' || levels.level_label
    end as level_description,
    levels.customers,
    levels.churned_customers,
    ratio(levels.churned_customers, levels.customers) as churn_rate,
    wilson_lower(levels.churned_customers, levels.customers) as churn_rate_lower,
    wilson_upper(levels.churned_customers, levels.customers) as churn_rate_upper,
    ratio(ratio(levels.churned_customers, levels.customers), baseline.churn_rate) as lift,
    ratio(levels.customers, baseline.customers) as share_of_customers,
    ratio(levels.churned_customers, baseline.churned_customers) as share_of_churners,
    -- a risk level only when even the interval's low end is above the bank's rate
    wilson_lower(levels.churned_customers, levels.customers) > baseline.churn_rate
        as is_risk_level
from levels
cross join baseline;

create or replace table rpt_churn_portrait as
select
    feature || ':' || level_label as portrait_level_id,
    feature,
    level_order,
    level_label,
    level_description,
    customers,
    share_of_customers,
    churned_customers,
    churn_rate,
    churn_rate_lower,
    churn_rate_upper,
    lift,
    share_of_churners,
    is_risk_level
from level_stats;

-- every distinct value of each continuous feature with its customers, in one pass
create or replace temp table value_counts as
select *
from (
    select
        case
            when grouping(age) = 0 then 'age'
            when grouping(score) = 0 then 'score'
            when grouping(balance) = 0 then 'balance'
            else 'salary'
        end as feature,
        case
            when grouping(age) = 0 then cast(age as double)
            when grouping(score) = 0 then cast(score as double)
            when grouping(balance) = 0 then cast(balance as double)
            else cast(est_salary as double)
        end as feature_value,
        count(*) as customers,
        count_where(is_churned) as churned_customers
    from dim_customers
    group by grouping sets ((age), (score), (balance), (est_salary))
)
-- a customer without a value takes no part
where feature_value is not null;

-- Quantile bins follow the value's rank, so equal values always share a bin: a value's rank is
-- one more than the customers below it. Each feature is ranked on its own, which sorts faster
-- than one window partitioned by feature.
create or replace temp macro ranked_values(name) as table
    select
        feature_value,
        customers,
        churned_customers,
        sum(customers) over (
            order by feature_value rows between unbounded preceding and current row
        ) - customers + 1 as value_rank
    from value_counts
    where feature = name;

create or replace temp table value_bins as
with ranked as (
    select 'age' as feature, * from ranked_values('age')
    union all
    select 'score', * from ranked_values('score')
    union all
    select 'balance', * from ranked_values('balance')
    union all
    select 'salary', * from ranked_values('salary')
),

feature_totals as (
    select feature, sum(customers) as feature_customers
    from value_counts
    group by feature
),

bins as (
    select
        ranked.feature,
        floor(
            cast(ranked.value_rank - 1 as double) * {{ churn_interval_bins }}
            / cast(feature_totals.feature_customers as double)
        ) as quantile_bin,
        min(ranked.feature_value) as lower_value,
        max(ranked.feature_value) as upper_value,
        cast(sum(ranked.customers) as bigint) as customers,
        cast(sum(ranked.churned_customers) as bigint) as churned_customers
    from ranked
    inner join feature_totals
        on ranked.feature = feature_totals.feature
    group by all
)

select
    feature,
    lower_value,
    upper_value,
    customers,
    churned_customers,
    row_number() over (partition by feature order by quantile_bin) as bin_number
from bins;

-- runs of adjacent above-average bins merged into one interval (gaps and islands)
create or replace temp table value_intervals as
with flagged as (
    select
        value_bins.*,
        sum(value_bins.customers) over (partition by value_bins.feature) as feature_customers,
        max(value_bins.bin_number) over (partition by value_bins.feature) as feature_last_bin,
        ratio(value_bins.churned_customers, value_bins.customers) > baseline.churn_rate
            as is_above_bank_rate
    from value_bins
    cross join baseline
),

merged as (
    select
        feature,
        min(bin_number) as first_bin,
        max(bin_number) as last_bin,
        count(*) as bins_merged,
        min(lower_value) as lower_value,
        max(upper_value) as upper_value,
        cast(sum(customers) as bigint) as customers,
        cast(sum(churned_customers) as bigint) as churned_customers,
        max(feature_customers) as feature_customers,
        max(feature_last_bin) as feature_last_bin
    from (
        select
            *,
            bin_number - row_number() over (
                partition by feature, is_above_bank_rate order by bin_number
            ) as island
        from flagged
    )
    where is_above_bank_rate
    group by feature, island
)

select
    merged.feature || ':' || cast(merged.first_bin as varchar) as interval_id,
    merged.feature,
    row_number() over (partition by merged.feature order by merged.lower_value) as interval_number,
    -- an interval that reaches the lowest or highest value reads as open-ended
    case
        when merged.first_bin = 1 and merged.last_bin = merged.feature_last_bin
            then 'any ' || merged.feature
        when merged.first_bin = 1
            then merged.feature || ' up to ' || whole_number_text(merged.upper_value)
        when merged.last_bin = merged.feature_last_bin
            then merged.feature || ' from ' || whole_number_text(merged.lower_value)
        else
            merged.feature || ' ' || whole_number_text(merged.lower_value) || '-'
            || whole_number_text(merged.upper_value)
    end as interval_description,
    merged.lower_value,
    merged.upper_value,
    merged.first_bin = 1 as is_open_below,
    merged.last_bin = merged.feature_last_bin as is_open_above,
    merged.first_bin,
    merged.last_bin,
    merged.bins_merged,
    merged.customers,
    ratio(merged.customers, merged.feature_customers) as share_of_feature_customers,
    merged.churned_customers,
    ratio(merged.churned_customers, merged.customers) as churn_rate,
    wilson_lower(merged.churned_customers, merged.customers) as churn_rate_lower,
    wilson_upper(merged.churned_customers, merged.customers) as churn_rate_upper,
    ratio(ratio(merged.churned_customers, merged.customers), baseline.churn_rate) as lift,
    ratio(merged.churned_customers, baseline.churned_customers) as share_of_churners,
    wilson_lower(merged.churned_customers, merged.customers) > baseline.churn_rate
        as is_significant
from merged
cross join baseline;

create or replace table rpt_churn_intervals as
select
    interval_id,
    feature,
    interval_number,
    interval_description,
    lower_value,
    upper_value,
    is_open_below,
    is_open_above,
    first_bin,
    last_bin,
    bins_merged,
    customers,
    share_of_feature_customers,
    churned_customers,
    churn_rate,
    churn_rate_lower,
    churn_rate_upper,
    lift,
    share_of_churners,
    is_significant
from value_intervals;

-- --------------------------------------------------------------------------------------------
-- risk conditions, as one packed integer key per customer
-- --------------------------------------------------------------------------------------------

create or replace temp table risk_conditions as
with conditions as (
    select
        'level:' || feature || ':' || level_label as condition_id,
        'level' as condition_kind,
        feature,
        -- having a balance at all and having a balance in a range describe the same money
        case when feature = 'balance_presence' then 'balance' else feature end as feature_family,
        level_label,
        cast(null as double) as lower_value,
        cast(null as double) as upper_value,
        level_description as condition_description,
        customers,
        churn_rate,
        lift
    from level_stats
    where is_risk_level and share_of_customers <= {{ churn_condition_max_share }}

    union all

    select
        'interval:' || interval_id,
        'interval',
        feature,
        feature,
        cast(null as varchar),
        lower_value,
        upper_value,
        interval_description,
        customers,
        churn_rate,
        lift
    from value_intervals
    where is_significant and share_of_feature_customers <= {{ churn_condition_max_share }}
)

select
    *,
    cast(row_number() over (order by condition_id) as integer) as condition_number,
    cast(dense_rank() over (order by feature_family) as integer) as family_number
from conditions;

-- A customer meets at most one condition per portrait feature (one level) and per interval
-- feature (intervals never overlap), so the conditions met are one small index per such slot,
-- 0 for none, and the indexes packed side by side are one 64-bit key: a customer's key is a few
-- integer operations, and customers with the same key are the same to the segment search and the
-- score.
create or replace temp table condition_slots as
with slotted as (
    select
        condition_kind || ':' || feature as slot,
        condition_number,
        family_number,
        cast(row_number() over (
            partition by condition_kind, feature order by level_label, lower_value
        ) as bigint) as slot_index,
        level_label,
        lower_value,
        upper_value
    from risk_conditions
),

slot_widths as (
    select
        slot,
        -- enough bits for 0 to the slot's number of conditions
        cast(ceil(log2(count(*) + 1)) as integer) as slot_width
    from slotted
    group by slot
)

select
    slotted.*,
    slot_widths.slot_width,
    cast(
        sum(slot_widths.slot_width) over (order by slot_widths.slot) - slot_widths.slot_width
        as integer
    ) as slot_offset
from slotted
inner join slot_widths
    on slotted.slot = slot_widths.slot;

select
    case
        when max(slot_offset + slot_width) > 63
            then error('hand_written_marts: the risk conditions do not fit a 64-bit key')
        when max(condition_number) > 1023
            then error('hand_written_marts: more than 1023 risk conditions')
    end
from condition_slots;

create or replace temp macro slot_list(name) as (
    select {
        'offset': coalesce(any_value(slot_offset), 0),
        'labels': coalesce(list(level_label order by slot_index), []),
        'starts': coalesce(list(lower_value order by slot_index), []),
        'uppers': coalesce(list(upper_value order by slot_index), [])
    }
    from condition_slots
    where slot = name
);

set variable slots = {
    'age_level': slot_list('level:age'),
    'score_level': slot_list('level:score'),
    'balance_level': slot_list('level:balance'),
    'salary_level': slot_list('level:salary'),
    'equity_level': slot_list('level:equity'),
    'products_level': slot_list('level:products'),
    'credit_card_level': slot_list('level:credit_card'),
    'activity_level': slot_list('level:activity'),
    'balance_presence_level': slot_list('level:balance_presence'),
    'city_level': slot_list('level:city'),
    'gender_level': slot_list('level:gender'),
    'age_interval': slot_list('interval:age'),
    'score_interval': slot_list('interval:score'),
    'balance_interval': slot_list('interval:balance'),
    'salary_interval': slot_list('interval:salary')
};

-- a level's index in its slot, shifted into place
create or replace temp macro level_slot(level_label, slot_conditions) as
    cast(coalesce(list_position(slot_conditions.labels, level_label), 0) as bigint)
    << slot_conditions.offset;

-- the index of the interval holding the value (found by its lower edge), shifted into place
create or replace temp macro interval_slot(value, interval_position, slot_conditions) as
    cast(
        case
            when interval_position > 0 and value <= slot_conditions.uppers[interval_position]
                then interval_position
            else 0
        end as bigint
    ) << slot_conditions.offset;

create or replace temp table customer_keys as
select
    customer_id,
    is_churned,
    level_slot(age_band, getvariable('slots').age_level)
    | level_slot(score_band, getvariable('slots').score_level)
    | level_slot(balance_band, getvariable('slots').balance_level)
    | level_slot(salary_band, getvariable('slots').salary_level)
    | level_slot(equity_band, getvariable('slots').equity_level)
    | level_slot(product_segment, getvariable('slots').products_level)
    | level_slot(
        if(has_credit_card, 'credit card', 'no credit card'),
        getvariable('slots').credit_card_level
    )
    | level_slot(if(is_active, 'active', 'inactive'), getvariable('slots').activity_level)
    | level_slot(
        if(has_balance, 'has a balance', 'no balance'), getvariable('slots').balance_presence_level
    )
    | level_slot(city, getvariable('slots').city_level)
    | level_slot(gender, getvariable('slots').gender_level)
    | interval_slot(age_value, age_position, getvariable('slots').age_interval)
    | interval_slot(score_value, score_position, getvariable('slots').score_interval)
    | interval_slot(balance_value, balance_position, getvariable('slots').balance_interval)
    | interval_slot(salary_value, salary_position, getvariable('slots').salary_interval)
        as condition_key
from (
    select
        *,
        -- a feature without condition intervals skips the search
        case
            when len(getvariable('slots').age_interval.starts) > 0
                then edge_position(age_value, getvariable('slots').age_interval.starts)
        end as age_position,
        case
            when len(getvariable('slots').score_interval.starts) > 0
                then edge_position(score_value, getvariable('slots').score_interval.starts)
        end as score_position,
        case
            when len(getvariable('slots').balance_interval.starts) > 0
                then edge_position(balance_value, getvariable('slots').balance_interval.starts)
        end as balance_position,
        case
            when len(getvariable('slots').salary_interval.starts) > 0
                then edge_position(salary_value, getvariable('slots').salary_interval.starts)
        end as salary_position
    from (
        select
            customer_id,
            is_churned,
            age_band,
            score_band,
            balance_band,
            salary_band,
            equity_band,
            product_segment,
            has_credit_card,
            is_active,
            has_balance,
            city,
            gender,
            cast(age as double) as age_value,
            cast(score as double) as score_value,
            cast(balance as double) as balance_value,
            cast(est_salary as double) as salary_value
        from dim_customers
    )
);

-- a key's set of conditions is a mask below; the segment search works mask by mask
create or replace temp table mask_counts as
select
    cast(row_number() over () as integer) as mask_id,
    condition_key,
    customers,
    churned_customers
from (
    select
        condition_key,
        cast(count(*) as integer) as customers,
        cast(count_if(is_churned) as integer) as churned_customers
    from customer_keys
    group by condition_key
);

-- each key's conditions, unpacked
create or replace temp table mask_members as
select
    mask_counts.mask_id,
    mask_counts.customers,
    mask_counts.churned_customers,
    condition_slots.condition_number,
    condition_slots.family_number
from mask_counts
inner join condition_slots
    on
        (mask_counts.condition_key >> condition_slots.slot_offset)
        & ((cast(1 as bigint) << condition_slots.slot_width) - 1)
        = condition_slots.slot_index;

-- --------------------------------------------------------------------------------------------
-- strategic segments
-- --------------------------------------------------------------------------------------------

-- two or three condition numbers (at most 1023) as one integer key, the third 0 for a pair
create or replace temp macro segment_key(first_number, second_number, third_number) as
    cast(first_number as bigint) * 1048576 + second_number * 1024 + third_number;

-- every conjunction of two or three conditions from different families that a mask holds
create or replace temp table mask_segments as
with pairs as (
    select
        first_member.mask_id,
        first_member.customers,
        first_member.churned_customers,
        first_member.condition_number as first_condition_number,
        first_member.family_number as first_family_number,
        second_member.condition_number as second_condition_number,
        second_member.family_number as second_family_number
    from mask_members as first_member
    inner join mask_members as second_member
        on
            first_member.mask_id = second_member.mask_id
            and first_member.condition_number < second_member.condition_number
            and first_member.family_number <> second_member.family_number
)

select
    mask_id,
    customers,
    churned_customers,
    segment_key(first_condition_number, second_condition_number, 0) as segment_key
from pairs

union all

-- a pair grown by a later condition of a third family
select
    pairs.mask_id,
    pairs.customers,
    pairs.churned_customers,
    segment_key(
        pairs.first_condition_number, pairs.second_condition_number,
        third_member.condition_number
    )
from pairs
inner join mask_members as third_member
    on
        pairs.mask_id = third_member.mask_id
        and pairs.second_condition_number < third_member.condition_number
        and third_member.family_number <> pairs.first_family_number
        and third_member.family_number <> pairs.second_family_number;

create or replace temp table strategic_segments as
with segment_counts as (
    select
        segment_key,
        cast(sum(customers) as bigint) as customers,
        cast(sum(churned_customers) as bigint) as churned_customers
    from mask_segments
    group by segment_key
),

candidates as (
    select
        first_condition.condition_id || ' & ' || second_condition.condition_id
        || coalesce(' & ' || third_condition.condition_id, '') as segment_id,
        segment_counts.segment_key,
        first_condition.condition_id as first_condition_id,
        second_condition.condition_id as second_condition_id,
        third_condition.condition_id as third_condition_id,
        -- conditions go in condition-id order, as their numbers do
        first_condition.condition_description || ' and ' || second_condition.condition_description
        || coalesce(' and ' || third_condition.condition_description, '') as segment_definition,
        segment_counts.customers,
        segment_counts.churned_customers
    from segment_counts
    inner join risk_conditions as first_condition
        on segment_counts.segment_key // 1048576 = first_condition.condition_number
    inner join risk_conditions as second_condition
        on segment_counts.segment_key // 1024 % 1024 = second_condition.condition_number
    left join risk_conditions as third_condition
        on segment_counts.segment_key % 1024 = third_condition.condition_number
)

select
    candidates.*,
    ratio(candidates.churned_customers, candidates.customers) as churn_rate,
    wilson_lower(candidates.churned_customers, candidates.customers) as churn_rate_lower,
    wilson_upper(candidates.churned_customers, candidates.customers) as churn_rate_upper,
    ratio(ratio(candidates.churned_customers, candidates.customers), baseline.churn_rate) as lift,
    ratio(candidates.churned_customers, baseline.churned_customers) as share_of_churners,
    row_number() over (
        order by
            candidates.churned_customers desc,
            ratio(candidates.churned_customers, candidates.customers) desc,
            candidates.segment_id
    ) as segment_rank
from candidates
cross join baseline
where
    candidates.customers >= {{ churn_segment_min_customers }}
    and ratio(candidates.churned_customers, candidates.customers)
    >= {{ churn_segment_min_lift }} * baseline.churn_rate;

-- which masks each strategic segment holds: overlaps are sums over the masks two segments share
create or replace temp table strategic_masks as
select
    cast(strategic_segments.segment_rank as integer) as segment_rank,
    mask_segments.mask_id,
    mask_segments.customers,
    mask_segments.churned_customers
from mask_segments
inner join strategic_segments
    on mask_segments.segment_key = strategic_segments.segment_key;

create or replace temp table higher_segment_overlaps as
with best_ranks as (
    select mask_id, min(segment_rank) as best_rank_of_mask
    from strategic_masks
    group by mask_id
)

select
    strategic_masks.segment_rank,
    cast(sum(case
        when best_ranks.best_rank_of_mask < strategic_masks.segment_rank
            then strategic_masks.customers else 0
    end) as bigint) as customers_in_higher_segments,
    cast(sum(case
        when best_ranks.best_rank_of_mask = strategic_masks.segment_rank
            then strategic_masks.churned_customers else 0
    end) as bigint) as new_churned_customers
from strategic_masks
inner join best_ranks
    on strategic_masks.mask_id = best_ranks.mask_id
group by strategic_masks.segment_rank;

-- Top picks, greedily down the ranking: each round's rows are the masks the picks so far cover
-- (with a placeholder row before the first pick), and the next pick is the best-ranked segment
-- below the last whose customers are at most the allowed share in covered masks. Covered masks
-- only grow, so a segment skipped once stays skipped.
create or replace temp table top_picks as
with recursive picking (top_pick_number, segment_rank, mask_id) as (
    select 0, cast(0 as bigint), cast(null as bigint)

    union all

    select *
    from (
        with next_pick as (
            select
                last_pick.top_pick_number + 1 as top_pick_number,
                min(strategic_segments.segment_rank) as segment_rank
            from (
                select max(top_pick_number) as top_pick_number, max(segment_rank) as segment_rank
                from picking
            ) as last_pick
            inner join strategic_segments
                on strategic_segments.segment_rank > last_pick.segment_rank
            left join (
                select strategic_masks.segment_rank, sum(strategic_masks.customers) as customers
                from strategic_masks
                semi join picking
                    on strategic_masks.mask_id = picking.mask_id
                group by strategic_masks.segment_rank
            ) as already_picked
                on strategic_segments.segment_rank = already_picked.segment_rank
            where
                last_pick.top_pick_number < {{ churn_top_segments }}
                and coalesce(already_picked.customers, 0)
                <= {{ churn_segment_max_overlap }} * strategic_segments.customers
            group by last_pick.top_pick_number
            having min(strategic_segments.segment_rank) is not null
        )

        select next_pick.top_pick_number, next_pick.segment_rank, strategic_masks.mask_id
        from next_pick
        inner join strategic_masks
            on next_pick.segment_rank = strategic_masks.segment_rank

        union

        select next_pick.top_pick_number, next_pick.segment_rank, picking.mask_id
        from next_pick
        cross join picking
        where picking.mask_id is not null
    )
)

select distinct top_pick_number, segment_rank
from picking
where top_pick_number > 0;

create or replace table rpt_churn_segments as
select
    strategic_segments.segment_id,
    strategic_segments.segment_rank,
    strategic_segments.segment_definition,
    strategic_segments.first_condition_id,
    strategic_segments.second_condition_id,
    strategic_segments.third_condition_id,
    case when strategic_segments.third_condition_id is null then 2 else 3 end
        as conditions_in_segment,
    strategic_segments.customers,
    strategic_segments.churned_customers,
    strategic_segments.churn_rate,
    strategic_segments.churn_rate_lower,
    strategic_segments.churn_rate_upper,
    strategic_segments.lift,
    strategic_segments.share_of_churners,
    higher_segment_overlaps.customers_in_higher_segments,
    ratio(higher_segment_overlaps.customers_in_higher_segments, strategic_segments.customers)
        as overlap_with_higher_segments,
    higher_segment_overlaps.new_churned_customers,
    cast(top_picks.top_pick_number as integer) as top_pick_number,
    top_picks.top_pick_number is not null as is_top_pick
from strategic_segments
inner join higher_segment_overlaps
    on strategic_segments.segment_rank = higher_segment_overlaps.segment_rank
left join top_picks
    on strategic_segments.segment_rank = top_picks.segment_rank;

create or replace table rpt_retention_recommendations as
with picks as (
    select * from rpt_churn_segments where is_top_pick
),

lever_lists as (
    select
        picks.segment_id,
        string_agg(retention_levers.lever_en, ' ' order by retention_levers.lever_priority)
            as levers_en,
        string_agg(retention_levers.lever_ru, ' ' order by retention_levers.lever_priority)
            as levers_ru
    from picks
    inner join risk_conditions
        on risk_conditions.condition_id in (
            picks.first_condition_id, picks.second_condition_id, picks.third_condition_id
        )
    left join retention_levers
        on risk_conditions.feature = retention_levers.feature
    group by picks.segment_id
)

select
    picks.segment_id,
    row_number() over (order by picks.segment_rank) as recommendation_rank,
    picks.segment_rank,
    picks.segment_definition,
    picks.customers,
    picks.churned_customers,
    picks.churn_rate,
    picks.churn_rate_lower,
    picks.churn_rate_upper,
    picks.lift,
    picks.share_of_churners,
    -- churners above what the bank's own rate would give: the most retention could win back
    picks.churned_customers - picks.customers * baseline.churn_rate as excess_churned_customers,
    lever_lists.levers_en,
    lever_lists.levers_ru,
    'Segment ' || picks.segment_definition || ': ' || cast(picks.customers as varchar)
    || ' customers, churn ' || cast(round(100 * picks.churn_rate, 1) as varchar)
    || '% against the bank''s ' || cast(round(100 * baseline.churn_rate, 1) as varchar)
    || '% (' || cast(round(picks.lift, 1) as varchar) || 'x). '
    || coalesce(
        lever_lists.levers_en, 'No lever in the catalogue yet: add one to retention_levers.'
    )
        as recommendation_en
from picks
cross join baseline
left join lever_lists
    on picks.segment_id = lever_lists.segment_id;

-- --------------------------------------------------------------------------------------------
-- risk scores
-- --------------------------------------------------------------------------------------------

-- the conditions in the order a customer's list of them reads: strongest first
create or replace temp table condition_listing_ranks as
select
    condition_number,
    cast(row_number() over (order by lift desc, condition_description) as integer)
        as listing_rank,
    condition_description
from risk_conditions;

set variable condition_listing = (
    select list(condition_description order by listing_rank) from condition_listing_ranks
);

-- per mask: each feature family adds the excess lift of its strongest condition met
create or replace temp table mask_scores as
with met_conditions as (
    select
        mask_members.mask_id,
        risk_conditions.feature_family,
        risk_conditions.lift,
        condition_listing_ranks.listing_rank
    from mask_members
    inner join risk_conditions
        on mask_members.condition_number = risk_conditions.condition_number
    inner join condition_listing_ranks
        on mask_members.condition_number = condition_listing_ranks.condition_number
),

family_points as (
    select mask_id, max(lift - 1) as points
    from met_conditions
    group by mask_id, feature_family
),

set_points as (
    select
        mask_id,
        -- summed as exact decimals, as the project does, so that tied customers stay tied
        cast(sum(cast(points as decimal(18, 12))) as double) as risk_score,
        count(*) as risk_features
    from family_points
    group by mask_id
),

condition_lists as (
    -- strongest first: each mask's short list of condition ranks is sorted, which is far
    -- cheaper than an ordered string_agg per mask
    select
        mask_id,
        count(*) as conditions_met,
        array_to_string(
            list_transform(
                list_sort(list(listing_rank)),
                listed -> getvariable('condition_listing')[listed]
            ),
            '; '
        ) as risk_conditions
    from met_conditions
    group by mask_id
)

select
    mask_counts.mask_id,
    mask_counts.condition_key,
    coalesce(set_points.risk_score, 0) as risk_score,
    coalesce(set_points.risk_features, 0) as risk_features,
    coalesce(condition_lists.conditions_met, 0) as conditions_met,
    condition_lists.risk_conditions
from mask_counts
left join set_points
    on mask_counts.mask_id = set_points.mask_id
left join condition_lists
    on mask_counts.mask_id = condition_lists.mask_id;

-- One sort of every customer by score, highest first, the customer id breaking ties: the decile
-- over all customers and the rank among those still with the bank come from the same order.
create or replace temp table customer_risk as
select
    customer_keys.customer_id,
    customer_keys.is_churned,
    mask_scores.mask_id,
    mask_scores.risk_score,
    ntile(10) over score_order as risk_decile,
    cast(count_if(not customer_keys.is_churned) over (
        score_order rows between unbounded preceding and current row
    ) as bigint) as staying_position
from customer_keys
inner join mask_scores
    on customer_keys.condition_key = mask_scores.condition_key
window score_order as (order by mask_scores.risk_score desc, customer_keys.customer_id asc);

create or replace table fct_customer_churn_risk as
select
    customer_risk.customer_id,
    customer_risk.risk_score,
    customer_risk.staying_position as risk_rank,
    customer_risk.risk_decile,
    mask_scores.risk_features,
    mask_scores.conditions_met,
    mask_scores.risk_conditions
from customer_risk
inner join mask_scores
    on customer_risk.mask_id = mask_scores.mask_id
where not customer_risk.is_churned;

-- churn by decile over all customers, churned included: the score is fitted on the same
-- customers, so this measures it in-sample
create or replace table rpt_churn_risk_lift as
with deciles as (
    select
        risk_decile,
        count(*) as customers,
        count_where(is_churned) as churned_customers,
        min(risk_score) as min_risk_score,
        max(risk_score) as max_risk_score
    from customer_risk
    group by risk_decile
)

select
    deciles.risk_decile,
    deciles.customers,
    deciles.churned_customers,
    ratio(deciles.churned_customers, deciles.customers) as churn_rate,
    wilson_lower(deciles.churned_customers, deciles.customers) as churn_rate_lower,
    wilson_upper(deciles.churned_customers, deciles.customers) as churn_rate_upper,
    ratio(ratio(deciles.churned_customers, deciles.customers), baseline.churn_rate) as lift,
    ratio(
        sum(deciles.churned_customers) over (
            order by deciles.risk_decile rows between unbounded preceding and current row
        ),
        baseline.churned_customers
    ) as cumulative_share_of_churners,
    deciles.min_risk_score,
    deciles.max_risk_score,
    true as is_in_sample
from deciles
cross join baseline;

-- --------------------------------------------------------------------------------------------
-- product segments and their churned-versus-retained profiles
-- --------------------------------------------------------------------------------------------

-- Skewed amounts and age get quartiles, never means; percentiles skip NULLs, so balance
-- quartiles are over customers who have a balance. One pass gives each segment, each segment
-- split by churn and the bank split by churn.
create or replace temp table segment_profiles as
select
    grouping(product_segment) = 0 as is_segment,
    grouping(is_churned) = 0 as is_split_by_churn,
    product_segment,
    product_segment_order,
    is_churned,
    count(*) as customers,
    count_where(is_churned) as churned_customers,
    quantile_cont(cast(age as double), [0.25, 0.5, 0.75]) as age_quartiles,
    quantile_cont(cast(score as double), [0.25, 0.5, 0.75]) as score_quartiles,
    quantile_cont(cast(balance as double), [0.25, 0.5, 0.75]) as balance_quartiles,
    quantile_cont(cast(est_salary as double), [0.25, 0.5, 0.75]) as salary_quartiles,
    avg(cast(equity as double)) as equity_mean,
    avg(case when has_balance then 1.0 else 0.0 end) as share_with_balance,
    avg(case when has_credit_card then 1.0 else 0.0 end) as share_with_credit_card,
    avg(case when is_active then 1.0 else 0.0 end) as share_active,
    avg(case when gender_en = 'male' then 1.0 else 0.0 end) as share_male
from dim_customers
group by grouping sets (
    (product_segment, product_segment_order),
    (product_segment, product_segment_order, is_churned),
    (is_churned)
);

create or replace table rpt_product_segments as
with city_mixes as (
    select
        product_segment,
        string_agg(
            city || ' ' || cast(round(ratio(100 * customers, segment_customers), 1) as varchar)
            || '%',
            ', '
            order by customers desc, city
        ) as city_mix
    from (
        select
            product_segment,
            city,
            count(*) as customers,
            sum(count(*)) over (partition by product_segment) as segment_customers
        from dim_customers
        group by product_segment, city
    )
    group by product_segment
)

select
    segments.product_segment,
    segments.product_segment_order,
    segments.customers,
    ratio(segments.customers, baseline.customers) as share_of_customers,
    segments.churned_customers,
    ratio(segments.churned_customers, segments.customers) as churn_rate,
    wilson_lower(segments.churned_customers, segments.customers) as churn_rate_lower,
    wilson_upper(segments.churned_customers, segments.customers) as churn_rate_upper,
    ratio(ratio(segments.churned_customers, segments.customers), baseline.churn_rate) as lift,
    ratio(segments.churned_customers, baseline.churned_customers) as share_of_churners,
    segments.age_quartiles[1] as age_p25,
    segments.age_quartiles[2] as age_median,
    segments.age_quartiles[3] as age_p75,
    segments.score_quartiles[1] as score_p25,
    segments.score_quartiles[2] as score_median,
    segments.score_quartiles[3] as score_p75,
    segments.balance_quartiles[1] as balance_p25,
    segments.balance_quartiles[2] as balance_median,
    segments.balance_quartiles[3] as balance_p75,
    segments.salary_quartiles[1] as salary_p25,
    segments.salary_quartiles[2] as salary_median,
    segments.salary_quartiles[3] as salary_p75,
    segments.equity_mean,
    cast(segments.share_with_balance as double) as share_with_balance,
    cast(segments.share_with_credit_card as double) as share_with_credit_card,
    cast(segments.share_active as double) as share_active,
    cast(segments.share_male as double) as share_male,
    city_mixes.city_mix
from segment_profiles as segments
cross join baseline
left join city_mixes
    on segments.product_segment = city_mixes.product_segment
where segments.is_segment and not segments.is_split_by_churn;

create or replace table rpt_segment_churn_profiles as
with split_groups as (
    -- the whole bank reads as the segment 'all', ordered first
    select
        case when is_segment then product_segment else 'all' end as product_segment,
        case when is_segment then product_segment_order else 0 end as product_segment_order,
        is_churned,
        unnest([
            {'measure': 'customers', 'measure_order': 1, 'value': cast(customers as double)},
            {'measure': 'age_p25', 'measure_order': 2, 'value': age_quartiles[1]},
            {'measure': 'age_median', 'measure_order': 3, 'value': age_quartiles[2]},
            {'measure': 'age_p75', 'measure_order': 4, 'value': age_quartiles[3]},
            {'measure': 'score_p25', 'measure_order': 5, 'value': score_quartiles[1]},
            {'measure': 'score_median', 'measure_order': 6, 'value': score_quartiles[2]},
            {'measure': 'score_p75', 'measure_order': 7, 'value': score_quartiles[3]},
            {'measure': 'balance_p25', 'measure_order': 8, 'value': balance_quartiles[1]},
            {'measure': 'balance_median', 'measure_order': 9, 'value': balance_quartiles[2]},
            {'measure': 'balance_p75', 'measure_order': 10, 'value': balance_quartiles[3]},
            {'measure': 'salary_p25', 'measure_order': 11, 'value': salary_quartiles[1]},
            {'measure': 'salary_median', 'measure_order': 12, 'value': salary_quartiles[2]},
            {'measure': 'salary_p75', 'measure_order': 13, 'value': salary_quartiles[3]},
            {'measure': 'equity_mean', 'measure_order': 14, 'value': equity_mean},
            {
                'measure': 'share_with_balance', 'measure_order': 15,
                'value': cast(share_with_balance as double)
            },
            {
                'measure': 'share_with_credit_card', 'measure_order': 16,
                'value': cast(share_with_credit_card as double)
            },
            {'measure': 'share_active', 'measure_order': 17, 'value': cast(share_active as double)},
            {'measure': 'share_male', 'measure_order': 18, 'value': cast(share_male as double)}
        ]) as measured
    from segment_profiles
    where is_split_by_churn
),

side_by_side as (
    select
        product_segment,
        product_segment_order,
        measured.measure as measure,
        measured.measure_order as measure_order,
        max(measured.value) filter (where is_churned) as churned_value,
        max(measured.value) filter (where not is_churned) as retained_value
    from split_groups
    group by all
)

select
    product_segment || ':' || measure as profile_measure_id,
    product_segment,
    cast(product_segment_order as integer) as product_segment_order,
    measure,
    cast(measure_order as integer) as measure_order,
    churned_value,
    retained_value,
    ratio(churned_value - retained_value, abs(retained_value)) as relative_difference
from side_by_side;
