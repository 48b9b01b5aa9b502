-- 70-functions.sql: the functions Budget Bee calls over /rpc, and the helpers they share.
--
-- Every API function is SECURITY INVOKER: it reads public.transactions under the caller's role,
-- so row-level security decides which rows it sees, whatever its arguments claim (a user_id or
-- organization_id that is not the caller's selects rows the caller cannot see: none).
--
--   get_transaction_by_category(params jsonb)               (the app's)
--   get_transaction_distribution_by_category(params jsonb)  (the app's)
--   get_transaction_distribution_by_status(params jsonb)    (the app's)
--   get_filtered_transactions(filters jsonb)                 SETOF transactions
--   get_transaction_stat(p_user_id, p_organization_id, p_filters, p_aggregate_fn,
--                        p_transaction_type)                 one numeric
--   get_transaction_aggregate(… the same …, p_group_by)      the stat per group
--   delete_category(p_category_id uuid, p_cascade_delete boolean DEFAULT false)
--
-- Internals in app_private (not exposed by the API):
--   invalid_argument(message, detail, hint)   raises SQLSTATE 22023 (PostgREST: 400)
--   transaction_filter_sql(filters, name, alias)
--                                              THE filter parser: validates a filter array and
--                                              returns a SQL condition on transactions <alias>
--                                              whose values are all quoted literals
--   transaction_scope_sql(user_id, organization_id, alias)
--   chart_where_sql(params, alias)             params → scope AND filters
--   transaction_measure(aggregate_fn, transaction_type, alias)
--
-- Read functions are STABLE (the API runs them read-only, also over GET); delete_category is
-- VOLATILE. See sql/app/README.md for the filter language and the sign convention.
-- Idempotent: CREATE OR REPLACE FUNCTION.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

-- ---------------------------------------------------------------------------------------------
-- Errors: every bad argument is SQLSTATE 22023 (invalid_parameter_value), which the API answers
-- with 400 {"code":"22023","message":…,"details":…,"hint":…}.
CREATE OR REPLACE FUNCTION app_private.invalid_argument(p_message text, p_detail text, p_hint text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = p_message,
    DETAIL = coalesce(p_detail, ''), HINT = coalesce(p_hint, '');
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The filter language (the app's), ANDed:
--   {"field": "amount", "operation": "eq"|"gt"|"gte"|"lt"|"lte", "value": <number>}
--   {"field": "category"|"status", "operation": "is"|"is not", "value": [<value>, …]}
--   {"field": "category"|"status", "operation": "is empty"}
--   {"field": "transaction_date"|"created_at"|"updated_at",
--    "operation": "from"|"to", "value": "<date or timestamp>"}
--   {… same date fields …, "operation": "between", "value": ["<from>", "<to>"]}
-- Unknown fields and operations are ignored, as the app does. Malformed structure or a value of
-- the wrong type raises 22023 naming the element (e.g. "p_filters[1]").
CREATE OR REPLACE FUNCTION app_private.transaction_filter_sql(
  p_filters  jsonb,
  p_argument text DEFAULT 'filters',
  p_alias    text DEFAULT 't')
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
  c_hint constant text :=
    'filters is a JSON array of {"field", "operation", "value"} objects, all of which must hold: '
    'amount with eq, gt, gte, lt, lte and a number; '
    'category (uuids) and status with "is" or "is not" and an array of values, or "is empty"; '
    'transaction_date, created_at, updated_at with from, to and a date, or between and [from, to]. '
    'Unknown fields and operations are ignored.';
  v_elem     jsonb;
  v_pos      bigint;
  v_at       text;
  v_field    text;
  v_op       text;
  v_value    jsonb;
  v_col      text;
  v_sqlop    text;
  v_num      numeric;
  v_list     jsonb;
  v_item     jsonb;
  v_texts    text[];
  v_has_null boolean;
  v_bounds   text[];
  v_parts    text[] := ARRAY[]::text[];
  v_cond     text;
  i          int;
BEGIN
  IF p_filters IS NULL OR jsonb_typeof(p_filters) = 'null' THEN
    RETURN 'true';
  END IF;
  IF jsonb_typeof(p_filters) <> 'array' THEN
    PERFORM app_private.invalid_argument(
      format('invalid %s: expected a JSON array of filters, got a JSON %s', p_argument, jsonb_typeof(p_filters)),
      format('%s = %s', p_argument, left(p_filters::text, 200)), c_hint);
  END IF;

  FOR v_elem, v_pos IN
    SELECT e, o - 1 FROM jsonb_array_elements(p_filters) WITH ORDINALITY AS x(e, o)
  LOOP
    v_at := format('%s[%s]', p_argument, v_pos);
    IF jsonb_typeof(v_elem) <> 'object' THEN
      PERFORM app_private.invalid_argument(
        format('invalid %s: expected an object {"field", "operation", "value"}, got a JSON %s', v_at, jsonb_typeof(v_elem)),
        format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
    END IF;
    IF jsonb_typeof(v_elem -> 'field') IS DISTINCT FROM 'string' THEN
      PERFORM app_private.invalid_argument(
        format('invalid %s: "field" is missing or not a string', v_at),
        format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
    END IF;
    IF jsonb_typeof(v_elem -> 'operation') IS DISTINCT FROM 'string' THEN
      PERFORM app_private.invalid_argument(
        format('invalid %s: "operation" is missing or not a string', v_at),
        format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
    END IF;

    v_field := lower(btrim(v_elem ->> 'field'));
    v_op    := lower(regexp_replace(btrim(v_elem ->> 'operation'), '\s+', ' ', 'g'));
    v_value := v_elem -> 'value';
    v_cond  := NULL;

    IF v_field = 'amount' THEN
      v_sqlop := CASE v_op WHEN 'eq' THEN '=' WHEN 'gt' THEN '>' WHEN 'gte' THEN '>='
                           WHEN 'lt' THEN '<' WHEN 'lte' THEN '<=' END;
      IF v_sqlop IS NOT NULL THEN
        v_num := NULL;
        -- a JSON number, or a string holding a plain decimal number; the cast is guarded so a
        -- bad value is 22023 with this message, never 22P02 or 22003 from the cast
        IF jsonb_typeof(v_value) = 'number'
           OR (jsonb_typeof(v_value) = 'string'
               AND (v_value #>> '{}') ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$') THEN
          BEGIN
            v_num := (v_value #>> '{}')::numeric;
          EXCEPTION WHEN OTHERS THEN
            v_num := NULL;
          END;
        END IF;
        IF v_num IS NULL THEN
          PERFORM app_private.invalid_argument(
            format('invalid %s: amount %s needs a number as "value", got %s', v_at, v_op,
                   coalesce(left(v_value::text, 100), 'no value')),
            format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
        END IF;
        v_cond := format('%I.amount %s %L::numeric', p_alias, v_sqlop, v_num);
      END IF;

    ELSIF v_field IN ('category', 'category_id', 'status') THEN
      v_col := CASE WHEN v_field = 'status' THEN 'status' ELSE 'category_id' END;
      IF v_op = 'is empty' THEN
        v_cond := format('%I.%I IS NULL', p_alias, v_col);
      ELSIF v_op IN ('is', 'is not') THEN
        v_list := CASE jsonb_typeof(v_value) WHEN 'array' THEN v_value
                                             WHEN 'string' THEN jsonb_build_array(v_value) END;
        IF v_list IS NULL THEN
          PERFORM app_private.invalid_argument(
            format('invalid %s: %s %s needs an array of %s as "value", got %s', v_at, v_field, v_op,
                   CASE WHEN v_col = 'status' THEN 'statuses' ELSE 'category ids (uuids)' END,
                   coalesce(left(v_value::text, 100), 'no value')),
            format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
        END IF;
        v_texts := ARRAY[]::text[];
        v_has_null := false;
        FOR v_item IN SELECT jsonb_array_elements(v_list) LOOP
          IF jsonb_typeof(v_item) = 'null' THEN
            v_has_null := true;
          ELSIF jsonb_typeof(v_item) = 'string' THEN
            IF v_col = 'category_id' THEN
              BEGIN
                PERFORM (v_item #>> '{}')::uuid;
              EXCEPTION WHEN OTHERS THEN
                PERFORM app_private.invalid_argument(
                  format('invalid %s: %s is not a category id (a uuid)', v_at, left(v_item::text, 100)),
                  format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
              END;
            END IF;
            v_texts := v_texts || (v_item #>> '{}');
          ELSE
            PERFORM app_private.invalid_argument(
              format('invalid %s: the values of %s %s must be strings, got %s', v_at, v_field, v_op,
                     left(v_item::text, 100)),
              format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
          END IF;
        END LOOP;
        -- as the API's in.(…) / not.in.(…): "is not" leaves out rows whose value is null
        -- unless the list is empty; a null in the list stands for "is empty"
        IF v_op = 'is' THEN
          v_cond := format('(%I.%I = ANY (%L::%s[])%s)', p_alias, v_col, v_texts,
                           CASE WHEN v_col = 'status' THEN 'text' ELSE 'uuid' END,
                           CASE WHEN v_has_null THEN format(' OR %I.%I IS NULL', p_alias, v_col) ELSE '' END);
        ELSE
          v_cond := format('(NOT (%I.%I = ANY (%L::%s[]))%s)', p_alias, v_col, v_texts,
                           CASE WHEN v_col = 'status' THEN 'text' ELSE 'uuid' END,
                           CASE WHEN v_has_null THEN format(' AND %I.%I IS NOT NULL', p_alias, v_col) ELSE '' END);
        END IF;
      END IF;

    ELSIF v_field IN ('transaction_date', 'created_at', 'updated_at') THEN
      IF v_op IN ('from', 'to', 'between') THEN
        IF v_op = 'between' THEN
          IF jsonb_typeof(v_value) IS DISTINCT FROM 'array' OR jsonb_array_length(v_value) <> 2 THEN
            PERFORM app_private.invalid_argument(
              format('invalid %s: %s between needs ["<from>", "<to>"] as "value", got %s', v_at, v_field,
                     coalesce(left(v_value::text, 100), 'no value')),
              format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
          END IF;
          v_list := v_value;
        ELSE
          v_list := jsonb_build_array(v_value);
        END IF;
        v_bounds := ARRAY[]::text[];
        FOR i IN 0 .. jsonb_array_length(v_list) - 1 LOOP
          v_item := v_list -> i;
          IF v_op = 'between' AND jsonb_typeof(v_item) = 'null' THEN
            v_bounds := v_bounds || NULL::text;      -- an open end
            CONTINUE;
          END IF;
          IF jsonb_typeof(v_item) IS DISTINCT FROM 'string' THEN
            PERFORM app_private.invalid_argument(
              format('invalid %s: %s %s needs a date such as "2026-01-31" or "2026-01-31T10:30:00Z", got %s',
                     v_at, v_field, v_op, coalesce(left(v_item::text, 100), 'no value')),
              format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
          END IF;
          BEGIN
            PERFORM (v_item #>> '{}')::timestamp;
          EXCEPTION WHEN OTHERS THEN
            PERFORM app_private.invalid_argument(
              format('invalid %s: %s is not a date', v_at, left(v_item::text, 100)),
              format('%s = %s', v_at, left(v_elem::text, 200)), c_hint);
          END;
          v_bounds := v_bounds || (v_item #>> '{}');
        END LOOP;
        IF v_op = 'from' THEN
          v_cond := format('%I.%I >= %L::timestamp', p_alias, v_field, v_bounds[1]);
        ELSIF v_op = 'to' THEN
          v_cond := format('%I.%I <= %L::timestamp', p_alias, v_field, v_bounds[1]);
        ELSE
          v_cond := concat_ws(' AND ',
            CASE WHEN v_bounds[1] IS NOT NULL THEN format('%I.%I >= %L::timestamp', p_alias, v_field, v_bounds[1]) END,
            CASE WHEN v_bounds[2] IS NOT NULL THEN format('%I.%I <= %L::timestamp', p_alias, v_field, v_bounds[2]) END);
          v_cond := nullif(v_cond, '');
        END IF;
      END IF;
    END IF;
    -- any other field or operation: ignored

    IF v_cond IS NOT NULL THEN
      v_parts := v_parts || v_cond;
    END IF;
  END LOOP;

  RETURN coalesce(nullif(array_to_string(v_parts, ' AND '), ''), 'true');
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Which rows a chart or stat is about: the organization's when an organization id is given,
-- else the personal rows (organization_id IS NULL) of the user (default: the caller).
-- Row-level security still applies on top.
CREATE OR REPLACE FUNCTION app_private.transaction_scope_sql(
  p_user_id text, p_organization_id text, p_alias text DEFAULT 't')
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT CASE
    WHEN nullif(p_organization_id, '') IS NOT NULL
      THEN format('%I.organization_id = %L', p_alias, p_organization_id)
    ELSE format('(%I.organization_id IS NULL AND %I.user_id = %L)', p_alias, p_alias,
                coalesce(nullif(p_user_id, ''), public.uid()))
  END
$$;

-- params = {"user_id", "organization_id", "filters"} of the three chart functions.
CREATE OR REPLACE FUNCTION app_private.chart_where_sql(params jsonb, p_alias text DEFAULT 't')
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  c_hint constant text :=
    'params is {"user_id": <text or null>, "organization_id": <text or null>, "filters": [<filter>, …]}';
  v_params jsonb := params;
  v_key    text;
BEGIN
  IF v_params IS NULL OR jsonb_typeof(v_params) = 'null' THEN
    v_params := '{}';
  END IF;
  IF jsonb_typeof(v_params) <> 'object' THEN
    PERFORM app_private.invalid_argument(
      format('invalid params: expected a JSON object, got a JSON %s', jsonb_typeof(v_params)),
      format('params = %s', left(v_params::text, 200)), c_hint);
  END IF;
  FOREACH v_key IN ARRAY ARRAY['user_id', 'organization_id'] LOOP
    IF jsonb_typeof(v_params -> v_key) NOT IN ('string', 'null') THEN
      PERFORM app_private.invalid_argument(
        format('invalid params.%s: expected a string or null, got a JSON %s', v_key, jsonb_typeof(v_params -> v_key)),
        format('params.%s = %s', v_key, left((v_params -> v_key)::text, 200)), c_hint);
    END IF;
  END LOOP;
  RETURN app_private.transaction_scope_sql(v_params ->> 'user_id', v_params ->> 'organization_id', p_alias)
         || ' AND '
         || app_private.transaction_filter_sql(v_params -> 'filters', 'params.filters', p_alias);
END
$$;

-- The measure of get_transaction_stat / get_transaction_aggregate.
--   p_transaction_type  balance: every row, its amount as signed
--                       credit:  rows with amount < 0, counted as -amount (money out, positive)
--                       debit:   rows with amount > 0, counted as amount (money in)
--                       (the chart functions' credit/debit columns, summed)
--   p_aggregate_fn      sum (0 over no row), avg (rounded to cents), count (rows), min, max
--                       (null over no row)
-- NULL for either means its default (sum, balance); both are case-insensitive.
CREATE OR REPLACE FUNCTION app_private.transaction_measure(
  p_aggregate_fn text, p_transaction_type text, p_alias text DEFAULT 't',
  OUT aggregate_sql text, OUT row_sql text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_fn    text := lower(btrim(coalesce(p_aggregate_fn, 'sum')));
  v_type  text := lower(btrim(coalesce(p_transaction_type, 'balance')));
  v_value text;
BEGIN
  IF v_fn NOT IN ('sum', 'avg', 'count', 'min', 'max') THEN
    PERFORM app_private.invalid_argument(
      format('invalid p_aggregate_fn: %s is not an aggregate function', to_jsonb(p_aggregate_fn)),
      format('p_aggregate_fn = %s', to_jsonb(p_aggregate_fn)),
      'p_aggregate_fn is one of: sum, avg, count, min, max');
  END IF;
  IF v_type NOT IN ('balance', 'credit', 'debit') THEN
    PERFORM app_private.invalid_argument(
      format('invalid p_transaction_type: %s is not a transaction type', to_jsonb(p_transaction_type)),
      format('p_transaction_type = %s', to_jsonb(p_transaction_type)),
      'p_transaction_type is one of: balance (all amounts, signed), credit (amounts < 0, as positive values), debit (amounts > 0)');
  END IF;
  v_value := CASE v_type WHEN 'credit' THEN format('(- %I.amount)', p_alias)
                         ELSE format('%I.amount', p_alias) END;
  row_sql := CASE v_type WHEN 'credit' THEN format('%I.amount < 0', p_alias)
                         WHEN 'debit'  THEN format('%I.amount > 0', p_alias)
                         ELSE 'true' END;
  aggregate_sql := CASE v_fn
    WHEN 'sum'   THEN format('coalesce(sum(%s), 0)', v_value)
    WHEN 'avg'   THEN format('round(avg(%s), 2)', v_value)
    WHEN 'count' THEN format('count(%s)::numeric', v_value)
    WHEN 'min'   THEN format('min(%s)', v_value)
    WHEN 'max'   THEN format('max(%s)', v_value)
  END;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The app's chart functions.

-- The filtered transactions summed per category; uncategorized rows form one group (null
-- category_id and name). A category the caller cannot see shows its id with a null name.
CREATE OR REPLACE FUNCTION public.get_transaction_by_category(params jsonb)
RETURNS TABLE (amount numeric(10,2), name varchar(255), category_id uuid)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT coalesce(sum(t.amount), 0)::numeric, c.name, t.category_id
       FROM public.transactions t
       LEFT JOIN public.categories c ON c.id = t.category_id
      WHERE %s
      GROUP BY t.category_id, c.name
      ORDER BY c.name NULLS LAST, t.category_id NULLS LAST',
    app_private.chart_where_sql(params, 't'));
END
$$;
COMMENT ON FUNCTION public.get_transaction_by_category(jsonb) IS
  'Sum of the filtered transactions per category. params: {"user_id", "organization_id", "filters"}.';

-- Per day and category: credit = -(sum of negative amounts), debit = sum of positive amounts,
-- balance = sum of all; ordered by day.
CREATE OR REPLACE FUNCTION public.get_transaction_distribution_by_category(params jsonb)
RETURNS TABLE (category_id uuid, day date, credit numeric, debit numeric, balance numeric, name varchar(255))
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT t.category_id, t.transaction_date::date,
            coalesce(-sum(t.amount) FILTER (WHERE t.amount < 0), 0)::numeric,
            coalesce(sum(t.amount) FILTER (WHERE t.amount > 0), 0)::numeric,
            coalesce(sum(t.amount), 0)::numeric,
            c.name
       FROM public.transactions t
       LEFT JOIN public.categories c ON c.id = t.category_id
      WHERE %s
      GROUP BY t.transaction_date::date, t.category_id, c.name
      ORDER BY t.transaction_date::date, c.name NULLS LAST, t.category_id NULLS LAST',
    app_private.chart_where_sql(params, 't'));
END
$$;
COMMENT ON FUNCTION public.get_transaction_distribution_by_category(jsonb) IS
  'Credit (money out, positive), debit (money in) and balance per day and category. params: {"user_id", "organization_id", "filters"}.';

-- The same split by day and status.
CREATE OR REPLACE FUNCTION public.get_transaction_distribution_by_status(params jsonb)
RETURNS SETOF public.transaction_distribution_by_status
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT t.status, t.transaction_date::date,
            coalesce(-sum(t.amount) FILTER (WHERE t.amount < 0), 0)::numeric,
            coalesce(sum(t.amount) FILTER (WHERE t.amount > 0), 0)::numeric,
            coalesce(sum(t.amount), 0)::numeric
       FROM public.transactions t
      WHERE %s
      GROUP BY t.transaction_date::date, t.status
      ORDER BY t.transaction_date::date, t.status NULLS LAST',
    app_private.chart_where_sql(params, 't'));
END
$$;
COMMENT ON FUNCTION public.get_transaction_distribution_by_status(jsonb) IS
  'Credit (money out, positive), debit (money in) and balance per day and status. params: {"user_id", "organization_id", "filters"}.';

-- ---------------------------------------------------------------------------------------------
-- Every transaction the caller can see (personal and active organization's) that passes the
-- filters, newest first.
CREATE OR REPLACE FUNCTION public.get_filtered_transactions(filters jsonb DEFAULT '[]')
RETURNS SETOF public.transactions
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT t.* FROM public.transactions t WHERE %s
      ORDER BY t.transaction_date DESC NULLS LAST, t.id',
    app_private.transaction_filter_sql(filters, 'filters', 't'));
END
$$;
COMMENT ON FUNCTION public.get_filtered_transactions(jsonb) IS
  'The transactions the caller can see that pass every filter of the array, newest first.';

-- One number: p_aggregate_fn over the p_transaction_type measure of the filtered transactions
-- of the organization (p_organization_id) or of the user's personal ones (p_user_id, default
-- the caller).
CREATE OR REPLACE FUNCTION public.get_transaction_stat(
  p_user_id          text  DEFAULT NULL,
  p_organization_id  text  DEFAULT NULL,
  p_filters          jsonb DEFAULT '[]',
  p_aggregate_fn     text  DEFAULT 'sum',
  p_transaction_type text  DEFAULT 'balance')
RETURNS numeric
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
DECLARE
  v_measure record;
  v_result  numeric;
BEGIN
  SELECT * INTO v_measure FROM app_private.transaction_measure(p_aggregate_fn, p_transaction_type, 't');
  EXECUTE format(
    'SELECT %s FROM public.transactions t WHERE %s AND %s AND %s',
    v_measure.aggregate_sql,
    app_private.transaction_scope_sql(p_user_id, p_organization_id, 't'),
    v_measure.row_sql,
    app_private.transaction_filter_sql(p_filters, 'p_filters', 't'))
  INTO v_result;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION public.get_transaction_stat(text, text, jsonb, text, text) IS
  'sum|avg|count|min|max of balance (signed amounts) | credit (-amount of amounts < 0) | debit (amounts > 0) over the filtered transactions.';

-- get_transaction_stat per group. p_group_by:
--   category  group_key = category id (null: uncategorized), label = category name
--   status    group_key = label = status
--   day       group_key = label = 'YYYY-MM-DD',   period = the day
--   week      group_key = label = 'IYYY-"W"IW' (ISO week), period = its Monday
--   month     group_key = label = 'YYYY-MM',      period = its first day
--   year      group_key = label = 'YYYY',         period = 1 January
-- value = the aggregate, transaction_count = rows in the group. Only groups with at least one
-- row of the transaction type appear. Time groups are ordered by period; category and status
-- groups by value, largest first.
CREATE OR REPLACE FUNCTION public.get_transaction_aggregate(
  p_user_id          text  DEFAULT NULL,
  p_organization_id  text  DEFAULT NULL,
  p_filters          jsonb DEFAULT '[]',
  p_aggregate_fn     text  DEFAULT 'sum',
  p_transaction_type text  DEFAULT 'balance',
  p_group_by         text  DEFAULT 'category')
RETURNS TABLE (group_key text, label text, period date, value numeric, transaction_count bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = public
AS $$
DECLARE
  v_measure record;
  v_group   text := lower(btrim(coalesce(p_group_by, 'category')));
  v_key     text;
  v_label   text;
  v_period  text;
  v_join    text := '';
  v_order   text;
BEGIN
  SELECT * INTO v_measure FROM app_private.transaction_measure(p_aggregate_fn, p_transaction_type, 't');
  CASE v_group
    WHEN 'category' THEN
      v_key := 't.category_id::text'; v_label := 'c.name::text'; v_period := 'NULL::date';
      v_join := 'LEFT JOIN public.categories c ON c.id = t.category_id';
    WHEN 'status' THEN
      v_key := 't.status::text'; v_label := 't.status::text'; v_period := 'NULL::date';
    WHEN 'day' THEN
      v_period := 't.transaction_date::date';
      v_key := format('to_char(%s, %L)', v_period, 'YYYY-MM-DD'); v_label := v_key;
    WHEN 'week' THEN
      v_period := 'date_trunc(''week'', t.transaction_date)::date';
      v_key := format('to_char(%s, %L)', v_period, 'IYYY-"W"IW'); v_label := v_key;
    WHEN 'month' THEN
      v_period := 'date_trunc(''month'', t.transaction_date)::date';
      v_key := format('to_char(%s, %L)', v_period, 'YYYY-MM'); v_label := v_key;
    WHEN 'year' THEN
      v_period := 'date_trunc(''year'', t.transaction_date)::date';
      v_key := format('to_char(%s, %L)', v_period, 'YYYY'); v_label := v_key;
    ELSE
      PERFORM app_private.invalid_argument(
        format('invalid p_group_by: %s is not a grouping', to_jsonb(p_group_by)),
        format('p_group_by = %s', to_jsonb(p_group_by)),
        'p_group_by is one of: category, status, day, week, month, year');
  END CASE;
  v_order := CASE WHEN v_group IN ('category', 'status') THEN '4 DESC NULLS LAST, 2 NULLS LAST, 1 NULLS LAST'
                  ELSE '3, 1' END;
  RETURN QUERY EXECUTE format(
    'SELECT %s, %s, %s, %s, count(*)
       FROM public.transactions t %s
      WHERE %s AND %s AND %s
      GROUP BY 1, 2, 3
      ORDER BY %s',
    v_key, v_label, v_period, v_measure.aggregate_sql, v_join,
    app_private.transaction_scope_sql(p_user_id, p_organization_id, 't'),
    v_measure.row_sql,
    app_private.transaction_filter_sql(p_filters, 'p_filters', 't'),
    v_order);
END
$$;
COMMENT ON FUNCTION public.get_transaction_aggregate(text, text, jsonb, text, text, text) IS
  'get_transaction_stat per category|status|day|week|month|year (p_group_by, default category).';

-- ---------------------------------------------------------------------------------------------
-- Deletes a category of the caller's; with p_cascade_delete its transactions first (else they
-- stay, uncategorized). Row-level security decides what "the caller's" is: a category the
-- caller cannot see is left alone (no error, as the app). If the caller may not delete every
-- transaction of the category they can see (an organization viewer), nothing is deleted:
-- 42501 (the API: 403).
CREATE OR REPLACE FUNCTION public.delete_category(p_category_id uuid, p_cascade_delete boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = public
AS $$
DECLARE
  v_visible bigint;
  v_deleted bigint;
BEGIN
  IF p_category_id IS NULL THEN
    PERFORM app_private.invalid_argument('invalid p_category_id: null',
      'p_category_id = null', 'p_category_id is the id (uuid) of a category of yours');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.categories WHERE id = p_category_id) THEN
    RETURN;
  END IF;
  IF coalesce(p_cascade_delete, false) THEN
    SELECT count(*) INTO v_visible FROM public.transactions WHERE category_id = p_category_id;
    DELETE FROM public.transactions WHERE category_id = p_category_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    IF v_deleted < v_visible THEN
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = format('permission denied to delete the transactions of category %s', p_category_id),
        DETAIL = format('%s of its %s transactions may be deleted by you', v_deleted, v_visible),
        HINT = 'call delete_category with p_cascade_delete = false to keep them, uncategorized';
    END IF;
  END IF;
  DELETE FROM public.categories WHERE id = p_category_id;
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  -- Visible but not deleted: a policy refused it (an organization viewer, say).
  IF v_deleted = 0 THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = format('permission denied to delete category %s', p_category_id),
      HINT = 'deleting an organization''s category needs its ''transaction'' delete right';
  END IF;
END
$$;
COMMENT ON FUNCTION public.delete_category(uuid, boolean) IS
  'Deletes one of the caller''s categories; with p_cascade_delete its transactions too (else they become uncategorized).';
