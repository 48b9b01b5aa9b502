-- The transaction PostgREST v13 runs for `GET /transactions?limit=1` as the anonymous role:
-- BEGIN; one set_config batch; the json_agg read statement; COMMIT. pgbench -M prepared.
BEGIN;
SELECT pg_catalog.set_config('search_path', '"public", "public"', true), pg_catalog.set_config('role', 'anon', true), pg_catalog.set_config('request.method', 'GET', true), pg_catalog.set_config('request.path', '/transactions', true), pg_catalog.set_config('request.headers', '{"host":"127.0.0.1:5101","user-agent":"wrk"}', true), pg_catalog.set_config('request.cookies', '{}', true);
WITH pgrst_source AS (SELECT "public"."transactions".* FROM "public"."transactions" LIMIT 1) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]')::text AS body FROM (SELECT * FROM pgrst_source) _postgrest_t;
COMMIT;
