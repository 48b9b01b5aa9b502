-- The transaction PostgREST v13 runs for `GET /transactions?id=eq.<uuid>` with the bench user's token.
-- PostgREST v13 runs BEGIN (read only for a read), one statement setting the transaction's
-- settings, the read statement, COMMIT; with db-prepared-statements (its default) each is a
-- prepared statement and every value a parameter of type unknown (hasql's unknownEncoder).
-- Here each value is a pgbench variable (-D, see .ci/bench), which -M prepared sends the same
-- way. search_path, role, the token's claims (compact JSON, keys sorted, as aeson encodes
-- them), method, path, the request's headers (lowercase names, without cookie) and cookies.
-- The filter's value is a parameter (the uuid comes in the variable id).
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS ( SELECT "public"."transactions".* FROM "public"."transactions" WHERE "public"."transactions"."id" = :id ) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
COMMIT;
