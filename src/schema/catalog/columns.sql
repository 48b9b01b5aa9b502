-- One row per column of every table, view, materialized view, foreign and partitioned table in
-- the exposed schemas ($1), as PostgREST's tablesSqlQuery reads them; a relation without
-- columns appears once with NULL column fields. Partitions are not resources (PostgREST leaves
-- them out too). Run with an empty search_path, as PostgREST's whole schema cache load is, so
-- types outside pg_catalog come schema-qualified.
--
-- Per relation: its comment, and whether it takes INSERT, UPDATE and DELETE (tables always;
-- views and foreign tables when pg_relation_is_updatable says so: 8, 4 and 16 are
-- 1 << CMD_INSERT, CMD_UPDATE, CMD_DELETE). Per column: the nominal type (format_type with the
-- modifier, what a cast is written as), PostgREST's data_type (pg_catalog types without their
-- modifier, a domain over one as its base type), nullability (a NOT NULL domain counts), the
-- default (a domain's, an identity column's nextval, none for a generated column), the
-- character maximum length, the comment and an enum's labels.
SELECT n.nspname::text,
       c.relname::text,
       c.relkind::text,
       a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.atttypid::int8,
       NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
       CASE
         WHEN t.typbasetype <> 0 THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0)
         WHEN a.attidentity = 'd' THEN pg_catalog.format('nextval(%s)',
           pg_catalog.quote_literal(seqsch.nspname || '.' || seqclass.relname))
         WHEN a.attgenerated = 's' THEN NULL
         ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)::text
       END,
       CASE
         WHEN t.typtype = 'd' THEN
           CASE WHEN nbt.nspname = 'pg_catalog' THEN pg_catalog.format_type(t.typbasetype, NULL)
                ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END
         ELSE
           CASE WHEN nt.nspname = 'pg_catalog' THEN pg_catalog.format_type(a.atttypid, NULL)
                ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END
       END,
       information_schema._pg_char_max_length(
         information_schema._pg_truetypid(a.*, t.*),
         information_schema._pg_truetypmod(a.*, t.*))::int4,
       cd.description,
       (SELECT pg_catalog.array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
        FROM pg_catalog.pg_enum e
        JOIN pg_catalog.pg_type et ON et.oid = e.enumtypid
        WHERE et.typname = coalesce(bt.typname, t.typname)),
       td.description,
       c.relkind IN ('r', 'p') OR (c.relkind IN ('v', 'f')
         AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 8) = 8),
       c.relkind IN ('r', 'p') OR (c.relkind IN ('v', 'f')
         AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 4) = 4),
       c.relkind IN ('r', 'p') OR (c.relkind IN ('v', 'f')
         AND (pg_catalog.pg_relation_is_updatable(c.oid::regclass, true) & 16) = 16)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_catalog.pg_class'::regclass AND td.objsubid = 0
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
LEFT JOIN (pg_catalog.pg_type t JOIN pg_catalog.pg_namespace nt ON nt.oid = t.typnamespace)
       ON t.oid = a.atttypid
LEFT JOIN (pg_catalog.pg_type bt JOIN pg_catalog.pg_namespace nbt ON nbt.oid = bt.typnamespace)
       ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_description cd
       ON cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::regclass AND cd.objsubid = a.attnum
LEFT JOIN pg_catalog.pg_depend dep
       ON dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
       AND dep.classid = 'pg_catalog.pg_class'::regclass
LEFT JOIN pg_catalog.pg_class seqclass ON seqclass.oid = dep.objid AND seqclass.relkind = 'S'
LEFT JOIN pg_catalog.pg_namespace seqsch ON seqsch.oid = seqclass.relnamespace
WHERE c.relkind IN ('r','v','m','f','p') AND NOT c.relispartition AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, a.attnum
