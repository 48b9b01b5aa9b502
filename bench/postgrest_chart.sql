-- The transaction PostgREST v13 runs for the web app's chart: `POST /rpc/get_transaction_by_category`
-- with {"params": {"user_id", "organization_id", "filters": []}}. A STABLE function, so read
-- only; the body is one json parameter read by json_to_record typed by the function's
-- parameter (LIMIT 1), the call LATERAL, its rows aggregated as the function's
-- (QueryBuilder.callPlanToQuery, Statements.prepareCall).
-- PostgREST v13 runs BEGIN, one statement setting the transaction's settings, the main
-- statement, COMMIT; with db-prepared-statements (its default) each is a prepared statement and
-- every value a parameter (hasql's unknownEncoder; the body json). Here each value is a pgbench
-- variable (-D, see .ci/bench), which -M prepared sends the same way: search_path, role, the
-- token's claims (compact JSON, keys sorted, as aeson encodes them), method, path, the request's
-- headers (lowercase names, without cookie) and cookies.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS (SELECT pgrst_call.* FROM (SELECT :body::json AS json_data) pgrst_payload, LATERAL (SELECT "params" FROM json_to_record(pgrst_payload.json_data) AS _("params" jsonb) LIMIT 1) pgrst_body , LATERAL "public"."get_transaction_by_category"("params" := pgrst_body."params") pgrst_call) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM (SELECT "get_transaction_by_category".* FROM "pgrst_source" AS "get_transaction_by_category") _postgrest_t;
COMMIT;
