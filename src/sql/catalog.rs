//! Catalog queries that fill the schema cache. Each takes the exposed schemas as `$1 text[]`.

/// One row per column of every table, view, materialized view, foreign and partitioned table
/// (relations without columns appear once with NULL column fields).
pub const COLUMNS: &str = "\
SELECT n.nspname::text, c.relname::text, c.relkind::text, a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid::int8,
       NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r','v','m','f','p') AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, a.attnum";

/// Primary keys, one row per column in key order.
pub const PRIMARY_KEYS: &str = "\
SELECT n.nspname::text, c.relname::text, a.attname::text
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum
WHERE k.contype = 'p' AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, u.ord";

/// Foreign keys, one row per constraint with its column lists in order.
pub const FOREIGN_KEYS: &str = "\
SELECT n.nspname::text, c.relname::text, k.conname::text,
       (SELECT pg_catalog.array_agg(a.attname::text ORDER BY u.ord)
          FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
       fn.nspname::text, fc.relname::text,
       (SELECT pg_catalog.array_agg(a.attname::text ORDER BY u.ord)
          FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum)
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE k.contype = 'f' AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, k.conname";

/// Functions callable through /rpc.
pub const FUNCTIONS: &str = "\
SELECT n.nspname::text, p.proname::text, pg_catalog.pg_get_function_arguments(p.oid),
       pg_catalog.format_type(p.prorettype, NULL), p.proretset, p.provolatile::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f','p') AND n.nspname = ANY($1)
ORDER BY n.nspname, p.proname, p.oid";

/// Views' keys, as PostgREST infers them from the view's rule: a view over one table that
/// shows that table's primary-key columns (under the same names) has that key. Lets PUT and
/// `Location` work through auto-updatable views. (information_schema would hide tables the
/// authenticator does not own, so this reads pg_depend.)
pub const VIEW_KEYS: &str = "\
SELECT vn.nspname::text, v.relname::text, a.attname::text
FROM pg_catalog.pg_class v
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
JOIN pg_catalog.pg_constraint k ON k.conrelid = d.refobjid AND k.contype = 'p'
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     AND a.attnum = ANY (k.conkey)
WHERE v.relkind = 'v' AND vn.nspname = ANY($1)
  AND (SELECT count(DISTINCT d2.refobjid) FROM pg_catalog.pg_depend d2
        WHERE d2.classid = 'pg_catalog.pg_rewrite'::regclass AND d2.objid = r.oid
          AND d2.refclassid = 'pg_catalog.pg_class'::regclass AND d2.refobjid <> v.oid) = 1
GROUP BY 1, 2, 3, k.conkey, a.attnum
ORDER BY 1, 2, array_position(k.conkey, a.attnum)";
