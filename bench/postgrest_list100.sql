-- The transaction PostgREST v13 runs for the web app's list as a member of an organization:
-- `GET /transactions?select=*&organization_id=eq.<org>&organization_id=eq.<org>&order=transaction_date.desc&limit=100`
-- (the app adds its scope filter twice). Each filter value is its own parameter.
-- PostgREST v13 runs BEGIN, one statement setting the transaction's settings, the main
-- statement, COMMIT; with db-prepared-statements (its default) each is a prepared statement and
-- every value a parameter (hasql's unknownEncoder; the body json). Here each value is a pgbench
-- variable (-D, see .ci/bench), which -M prepared sends the same way: search_path, role, the
-- token's claims (compact JSON, keys sorted, as aeson encodes them), method, path, the request's
-- headers (lowercase names, without cookie) and cookies.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS ( SELECT "public"."transactions".* FROM "public"."transactions" WHERE  "public"."transactions"."organization_id" = :org AND  "public"."transactions"."organization_id" = :org ORDER BY "public"."transactions"."transaction_date" DESC LIMIT :limit OFFSET :offset ) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
COMMIT;
