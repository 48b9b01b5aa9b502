-- The transaction PostgREST v13 runs for `GET /transactions?select=*,category:categories(name,color)&limit=100`
-- with the bench user's token. The to-one embed is a LEFT JOIN LATERAL aliased transactions_category_1,
-- its row as jsonb; row-level security applies to categories inside it too.
-- PostgREST v13 runs BEGIN (read only for a read), one statement setting the transaction's
-- settings, the read statement, COMMIT; with db-prepared-statements (its default) each is a
-- prepared statement and every value a parameter of type unknown (hasql's unknownEncoder).
-- Here each value is a pgbench variable (-D, see .ci/bench), which -M prepared sends the same
-- way. search_path, role, the token's claims (compact JSON, keys sorted, as aeson encodes
-- them), method, path, the request's headers (lowercase names, without cookie) and cookies.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
select set_config('search_path', :search_path, true), set_config('role', :role, true), set_config('request.jwt.claims', :claims, true), set_config('request.method', :method, true), set_config('request.path', :path, true), set_config('request.headers', :headers, true), set_config('request.cookies', :cookies, true);
WITH pgrst_source AS ( SELECT "public"."transactions".*, row_to_json("transactions_category_1".*)::jsonb AS "category" FROM "public"."transactions" LEFT JOIN LATERAL ( SELECT "categories_1"."name", "categories_1"."color" FROM "public"."categories" AS "categories_1" WHERE "categories_1"."id" = "public"."transactions"."category_id" ) AS "transactions_category_1" ON TRUE LIMIT :limit OFFSET :offset ) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t;
COMMIT;
