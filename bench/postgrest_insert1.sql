-- The transaction PostgREST v13 runs for `POST /transactions` with one JSON object and no
-- Prefer (return=minimal: 201, no body): the columns are the body's keys in order
-- (a set), typed from the schema cache; an object is read with json_to_record; RETURNING 1
-- only counts (QueryBuilder.mutatePlanToQuery, SqlFragment.fromJsonBodyF, Statements.prepareWrite).
-- PostgREST v13 runs BEGIN, one statement setting the transaction's settings, the main
-- statement, COMMIT; with db-prepared-statements (its default) each is a prepared statement and
-- every value a parameter (hasql's unknownEncoder; the body json). Here each value is a pgbench
-- variable (-D, see .ci/bench), which -M prepared sends the same way: search_path, role, the
-- token's claims (compact JSON, keys sorted, as aeson encodes them), method, path, the request's
-- headers (lowercase names, without cookie) and cookies.
BEGIN ISOLATION LEVEL READ COMMITTED;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS (INSERT INTO "public"."transactions"("amount", "category_id", "currency", "name", "organization_id", "status", "transaction_date") SELECT "pgrst_body"."amount", "pgrst_body"."category_id", "pgrst_body"."currency", "pgrst_body"."name", "pgrst_body"."organization_id", "pgrst_body"."status", "pgrst_body"."transaction_date" FROM (SELECT :body::json AS json_data) pgrst_payload, LATERAL (SELECT "amount", "category_id", "currency", "name", "organization_id", "status", "transaction_date" FROM json_to_record(pgrst_payload.json_data) AS _("amount" numeric(10,2), "category_id" uuid, "currency" character varying(3), "name" character varying(255), "organization_id" text, "status" character varying(8), "transaction_date" timestamp without time zone) ) pgrst_body  RETURNING 1) SELECT '' AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, array[]::text[] AS header, ''::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM (SELECT * FROM pgrst_source) _postgrest_t;
COMMIT;
