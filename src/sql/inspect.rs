//! What `GET /` needs to know as the requesting role (PostgREST's `accessibleTables`,
//! `accessibleFuncs` and `schemaDescription`): the relations it has any privilege on or owns
//! through a role, the functions it may execute (with their parameter types as this request's
//! search_path names them), and the schema's comment. One statement, one JSON object; the
//! document itself is built by the response stage.

use super::Statement;
use crate::plan::InspectPlan;

pub fn inspect(plan: &InspectPlan) -> Statement {
    let mut s = Statement::default();
    let schema = s.bind(plan.schema.clone());
    let (tables, functions) = if plan.follow_privileges {
        (
            format!(
                "(SELECT coalesce(json_agg(c.relname::text ORDER BY c.relname), '[]') \
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema} AND c.relkind IN ('v','r','m','f','p') AND NOT c.relispartition \
                 AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') \
                 OR pg_catalog.has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') \
                 OR pg_catalog.has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')))"
            ),
            // With each function its input types, as regtype shows them to this request's
            // search_path (PostgREST reads its accessible functions afresh, per request).
            format!(
                "(SELECT coalesce(json_object_agg(p.oid, (\
                 SELECT coalesce(json_agg(x.type::pg_catalog.regtype::text ORDER BY x.ord), '[]') \
                 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes) \
                 WITH ORDINALITY AS x(type, mode, ord) \
                 WHERE x.mode IS NULL OR x.mode IN ('i', 'b', 'v'))), '{{}}') \
                 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
                 WHERE n.nspname = {schema} AND p.prokind = 'f' \
                 AND pg_catalog.has_function_privilege(p.oid, 'execute'))"
            ),
        )
    } else {
        ("null".to_string(), "null".to_string())
    };
    s.text = format!(
        "SELECT json_build_object('tables', {tables}, 'functions', {functions}, \
         'description', (SELECT d.description FROM pg_catalog.pg_namespace n \
         JOIN pg_catalog.pg_description d ON d.objoid = n.oid \
         AND d.classoid = 'pg_catalog.pg_namespace'::regclass \
         WHERE n.nspname = {schema}))::text AS inspected, {}",
        super::RESPONSE_SETTINGS
    );
    s
}
