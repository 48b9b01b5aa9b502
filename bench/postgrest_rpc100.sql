-- The transaction PostgREST v13 runs for `POST /rpc/bench_transactions_since` with alice's token
-- and the body {"since" "2026-01-01T00.00.00Z"} (colons left out here; the variable body holds
-- the real JSON). A STABLE function, so read only; the body is a parameter of type json (written
-- as a cast of the unknown parameter, which types the parameter json as hasql's json encoder
-- does), read by json_to_record typed by the function's parameter, the call LATERAL, its rows
-- read as the table's.
-- PostgREST v13 runs BEGIN (read only for a read), one statement setting the transaction's
-- settings, the read statement, COMMIT; with db-prepared-statements (its default) each is a
-- prepared statement and every value a parameter of type unknown (hasql's unknownEncoder).
-- Here each value is a pgbench variable (-D, see .ci/bench), which -M prepared sends the same
-- way. search_path, role, the token's claims (compact JSON, keys sorted, as aeson encodes
-- them), method, path, the request's headers (lowercase names, without cookie) and cookies.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS (SELECT pgrst_call.* FROM (SELECT :body::json AS json_data) pgrst_payload, LATERAL (SELECT "since" FROM json_to_record(pgrst_payload.json_data) AS _("since" timestamp with time zone) LIMIT 1) pgrst_body , LATERAL "public"."bench_transactions_since"("since" := pgrst_body."since") pgrst_call) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM (SELECT "bench_transactions_since".* FROM "pgrst_source" AS "bench_transactions_since") _postgrest_t;
COMMIT;
