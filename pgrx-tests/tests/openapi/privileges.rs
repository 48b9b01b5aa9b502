//! Whose document: follow-privileges describes what the request's role may use (anonymous:
//! `db_anon_role`; with a JWT: its role claim), ignore-privileges describes the whole schema.
//!
//! PostgREST facts:
//! - Query.hs `actionQuery` (`MaybeDb InspectPlan`), follow-privileges: runs, as the request's
//!   role and after the request's `search_path` is set, `accessibleTables` (owner, or any table
//!   privilege, or any column privilege; no partitions) to filter the schema cache's tables, and
//!   `accessibleFuncs` (`funcsSqlQuery` + `has_function_privilege(p.oid, 'execute')`) for the
//!   routines; ignore-privileges: every cached table and routine whose schema is the request's.
//! - SchemaCache.hs: the cache is loaded after `set local schema ''`, so `type::regtype::text`
//!   of `api.txn_status` is `api.txn_status` there, while `accessibleFuncs`, under the request's
//!   `search_path` ("api", "public"), reads `txn_status`.
//! - OpenApiSpec: "doesn't include privileged table for anonymous", "includes table if user has
//!   permission", "doesn't include privileged function for anonymous", "includes function if user
//!   has permission". IgnorePrivOpenApiSpec: "includes privileged table even if user does not have
//!   permission", "includes privileged function even if user does not have permission", "only
//!   includes tables that belong to another schema if the Accept-Profile header is used", "only
//!   includes functions that belong to another schema if the Accept-Profile header is used",
//!   "includes comments on tables".
//! - Response.hs `profileHeader`: several exposed schemas → `Content-Profile` always.

use crate::expected::*;
use crate::{
    DocCase, absent, bearer_for, field, ignore_cluster, main_cluster, path_ptr, run_doc_cases,
};
use serde_json::json;

/// `anon` and `authenticated` read different documents from the same cluster.
#[test]
fn follow_privileges_anon_and_authenticated() {
    let auth = bearer_for("authenticated");
    let hidden_from_anon: &[(&str, &str)] = &[
        (
            "/transactions",
            "a table anon has no privilege on is not listed",
        ),
        ("/spending", "nor is a view anon has no privilege on"),
        ("/receipts", "nor any other ungranted table"),
        (
            "/rpc/admin_report",
            "a function anon may not EXECUTE is not listed",
        ),
        ("/audit_log", "a table granted to no one"),
        ("/ledger_2024", "a partition, never"),
        (
            "/rpc/add_pair",
            "a function with two unnamed arguments, never",
        ),
        ("/rpc/touch", "a trigger function, never"),
        ("/rpc/rebuild", "a procedure, never"),
    ];
    let mut anon_fields: Vec<_> = hidden_from_anon
        .iter()
        .map(|(p, why)| absent(format!("anon: {p}: {why}"), path_ptr(p)))
        .collect();
    anon_fields.push(absent(
        "anon: no definition of transactions",
        "/definitions/transactions",
    ));

    let mut auth_fields = vec![
        field(
            "authenticated: definitions.transactions — every type mapping, default and note",
            "/definitions/transactions",
            definition("transactions"),
        ),
        field(
            "authenticated: paths./transactions — summary is the first line, the description the rest without its leading newlines",
            path_ptr("/transactions"),
            table_path_item(relation("transactions")),
        ),
        field(
            "authenticated: definitions.spending — a view: no required; PK and FK of its base table",
            "/definitions/spending",
            definition("spending"),
        ),
        field(
            "authenticated: paths./spending — an auto-updatable view has POST, PATCH, DELETE",
            path_ptr("/spending"),
            table_path_item(relation("spending")),
        ),
        field(
            "authenticated: definitions.receipts — a PK that is also a FK gets both notes",
            "/definitions/receipts",
            definition("receipts"),
        ),
        field(
            "authenticated: paths./receipts — a comment starting with a newline: summary \"\", description the rest",
            path_ptr("/receipts"),
            table_path_item(relation("receipts")),
        ),
        field(
            "authenticated: definitions.budget_lines — composite PK: both columns noted",
            "/definitions/budget_lines",
            definition("budget_lines"),
        ),
        field(
            "authenticated: definitions.line_adjustments — a two-column FK gets no FK note; a generated column no default",
            "/definitions/line_adjustments",
            definition("line_adjustments"),
        ),
        field(
            "authenticated: paths./rpc/admin_report — EXECUTE granted to the role",
            path_ptr("/rpc/admin_report"),
            rpc_path_item("admin_report", "txn_status"),
        ),
        absent(
            "authenticated: /audit_log is granted to no one",
            path_ptr("/audit_log"),
        ),
        field(
            "authenticated: the same info as anon",
            "/info/title",
            json!("Budget Bee API"),
        ),
    ];
    auth_fields.extend(whole_document(
        "authenticated",
        AUTHENTICATED_TABLES,
        ALL_FUNCTIONS,
        "txn_status",
    ));

    run_doc_cases(
        main_cluster(),
        &[
            DocCase::get("GET / as anon (no token)").fields(anon_fields),
            DocCase::get("GET / with a JWT for role authenticated")
                .header("Authorization", &auth)
                .fields(auth_fields),
        ],
    );
}

/// `openapi_mode = ignore-privileges`: everything in the schema, whoever asks.
#[test]
fn ignore_privileges_shows_the_whole_schema() {
    let auth = bearer_for("authenticated");
    let named = |who: &str| {
        vec![
            field(
                format!("{who}: /audit_log, granted to no one, is listed"),
                path_ptr("/audit_log"),
                table_path_item(relation("audit_log")),
            ),
            field(
                format!(
                    "{who}: definitions.audit_log — a timestamp default loses its ::timestamp without time zone suffix; a FK into an unexposed schema gets no note"
                ),
                "/definitions/audit_log",
                definition("audit_log"),
            ),
            field(
                format!("{who}: definitions.markers — a table without columns is a bare object"),
                "/definitions/markers",
                definition("markers"),
            ),
            field(
                format!("{who}: paths./markers — no row filters, only the standard parameters"),
                path_ptr("/markers"),
                table_path_item(relation("markers")),
            ),
            field(
                format!("{who}: /rpc/admin_report, not executable by anon, is listed"),
                path_ptr("/rpc/admin_report"),
                rpc_path_item("admin_report", "api.txn_status"),
            ),
            field(
                format!(
                    "{who}: routines come from the schema cache, read with an empty search_path: the enum argument's format is api.txn_status"
                ),
                format!(
                    "{}/get/parameters/1/format",
                    path_ptr("/rpc/search_transactions")
                ),
                json!("api.txn_status"),
            ),
            field(
                format!(
                    "{who}: comments on tables still give summary and description (IgnorePrivOpenApiSpec)"
                ),
                format!("{}/get/description", path_ptr("/transactions")),
                json!("Every money movement of a user.\nAmounts are signed."),
            ),
            absent(
                format!("{who}: v2's tables are not in api's document"),
                path_ptr("/children"),
            ),
            absent(
                format!("{who}: nor v2's functions"),
                path_ptr("/rpc/get_children"),
            ),
        ]
    };
    let whole = |who: &str| whole_document(who, ALL_TABLES, ALL_FUNCTIONS, "api.txn_status");
    run_doc_cases(
        ignore_cluster(),
        &[
            DocCase::get("ignore-privileges: GET / as anon")
                .expect_header("Content-Profile", "api")
                .fields(named("anon"))
                .fields(whole("anon")),
            DocCase::get("ignore-privileges: GET / as authenticated — the token changes nothing")
                .header("Authorization", &auth)
                .expect_header("Content-Profile", "api")
                .fields(named("authenticated"))
                .fields(whole("authenticated")),
            DocCase::get(
                "ignore-privileges: Accept-Profile: v2 describes v2, ungranted table included",
            )
            .header("Accept-Profile", "v2")
            .expect_header("Content-Profile", "v2")
            .fields(vec![field(
                "v2: info from a one-line schema comment — the title, and an empty description",
                "/info",
                json!({"title": "Version two", "description": "", "version": "0.2.0"}),
            )])
            .fields(whole_document(
                "v2",
                &["children", "hidden"],
                &["get_children"],
                "",
            )),
        ],
    );
}
