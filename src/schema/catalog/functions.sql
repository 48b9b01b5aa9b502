-- Functions of the exposed schemas ($1) callable through /rpc, as PostgREST's funcsSqlQuery
-- reads them: input parameters in order (name, regtype text, the type a query-string argument
-- is cast to, whether it has no default, whether it is VARIADIC), the return type (the base
-- type of a domain; set or single; composite when a row type or when OUT/INOUT/TABLE
-- parameters make a record; its schema and name, a composite's being its table's), the
-- volatility, the SET clauses (the isolation level apart), the comment and the oid. Run with an empty search_path,
-- so types outside pg_catalog come schema-qualified as PostgREST shows them.
--
-- Input parameters come from proallargtypes where there is one, so an OUT parameter written
-- before an IN one does not shift the types. A function with unnamed parameters is callable
-- only with exactly one, of a type a whole request body can be (PostgREST's "callable").
WITH RECURSIVE procs AS (
  SELECT p.oid, n.nspname, p.proname, p.pronargs, p.pronargdefaults, p.proargnames,
         p.proargtypes, p.proallargtypes, p.proargmodes, p.prorettype, p.proretset,
         p.provolatile, p.provariadic, p.proconfig
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE p.prokind = 'f' AND n.nspname = ANY($1)
),
-- Each return type down to its base type, through domains over domains.
bases(oid, base) AS (
  SELECT DISTINCT prorettype, prorettype FROM procs
  UNION
  SELECT b.oid, t.typbasetype
  FROM bases b JOIN pg_catalog.pg_type t ON t.oid = b.base
  WHERE t.typbasetype <> 0
),
inputs AS (
  SELECT p.oid, x.name, x.type, x.mode,
         p.pronargs - p.pronargdefaults AS required_count,
         row_number() OVER (PARTITION BY p.oid ORDER BY x.ord) AS idx
  FROM procs p,
       unnest(p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes)
         WITH ORDINALITY AS x(name, type, mode, ord)
  WHERE x.type IS NOT NULL AND (x.mode IS NULL OR x.mode IN ('i', 'b', 'v'))
),
args AS (
  SELECT oid,
         array_agg(coalesce(name, '') ORDER BY idx) AS names,
         array_agg(type::regtype::text ORDER BY idx) AS types,
         array_agg(CASE type
                     WHEN 'bit'::regtype THEN 'bit varying'
                     WHEN 'bit[]'::regtype THEN 'bit varying[]'
                     WHEN 'character'::regtype THEN 'character varying'
                     WHEN 'character[]'::regtype THEN 'character varying[]'
                     ELSE type::regtype::text
                   END ORDER BY idx) AS cast_types,
         array_agg(idx <= required_count ORDER BY idx) AS required,
         array_agg(coalesce(mode = 'v', false) ORDER BY idx) AS variadic,
         CASE count(*) - count(name)
           WHEN 0 THEN true
           WHEN 1 THEN (array_agg(type ORDER BY idx))[1] IN
             ('bytea'::regtype, 'json'::regtype, 'jsonb'::regtype, 'text'::regtype, 'xml'::regtype)
           ELSE false
         END AS callable
  FROM inputs
  GROUP BY oid
)
SELECT p.nspname::text,
       p.proname::text,
       coalesce(a.names, '{}'),
       coalesce(a.types, '{}'),
       coalesce(a.cast_types, '{}'),
       coalesce(a.required, '{}'),
       coalesce(a.variadic, '{}'),
       tn.nspname::text,
       coalesce(comp.relname, t.typname)::text,
       p.proretset,
       (t.typtype = 'c' OR coalesce(p.proargmodes::text[] && '{t,b,o}', false)),
       p.provolatile::text,
       lower((regexp_split_to_array((regexp_split_to_array(iso.setting, '='))[2], ','))[1]),
       coalesce(s.names, '{}'),
       coalesce(s.values, '{}'),
       d.description,
       p.oid::int8
FROM procs p
LEFT JOIN args a ON a.oid = p.oid
JOIN bases b ON b.oid = p.prorettype
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type d WHERE d.oid = b.base AND d.typbasetype <> 0)
JOIN pg_catalog.pg_type t ON t.oid = b.base
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class comp ON comp.oid = t.typrelid
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
LEFT JOIN LATERAL (
  SELECT c AS setting FROM unnest(p.proconfig) c
  WHERE c LIKE 'default_transaction_isolation%' LIMIT 1
) iso ON true
LEFT JOIN LATERAL (
  SELECT array_agg(substr(c, 1, strpos(c, '=') - 1)) AS names,
         array_agg(lower(substr(c, strpos(c, '=') + 1))) AS values
  FROM unnest(p.proconfig) c
  WHERE c NOT LIKE 'default_transaction_isolation%'
) s ON true
WHERE t.oid <> 'trigger'::regtype AND coalesce(a.callable, true)
ORDER BY 1, 2, p.oid
