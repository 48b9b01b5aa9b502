//! What `/` answers to which request: the media types it serves, HEAD, the methods it refuses,
//! and the two root requests of Budget Bee's PostgREST guide.
//!
//! PostgREST facts:
//! - Plan.hs `inspectPlan`: produced types are `application/openapi+json`, `application/json`,
//!   `*/*`; if any accepted type is one of them the answer is `application/openapi+json`, else
//!   `MediaTypeError` (PGRST107, 406, "None of these media types are available: " + the accepted
//!   types joined by ", "). No `Accept` header means `*/*` (ApiRequest.hs `iAcceptMediaType`).
//! - Response.hs (`MaybeDbResult`): status 200, `Content-Type: application/openapi+json;
//!   charset=utf-8` whatever was accepted, `Content-Profile` only when negotiated by profile (one
//!   exposed schema and no `Accept-Profile`: not sent), no body for HEAD (`ipHdrsOnly`), no
//!   `Content-Range`.
//! - ApiRequest.hs `getAction`: the root takes GET, HEAD, OPTIONS; anything else is
//!   `UnsupportedMethod` (PGRST117, 405, "Unsupported HTTP method: <M>").
//! - Error.hs `errorResponseFor`: JSON body `{code, details, hint, message}`, `Content-Type:
//!   application/json; charset=utf-8`, `Content-Length`; v13 adds `Proxy-Status: PostgREST;
//!   error=<code>`.
//! - OpenApiSpec: "root path returns a valid openapi spec" (HEAD / → 200 with the OpenAPI
//!   content type), "should respond to openapi request with unsupported media type with 406"
//!   (`Accept: text/csv`).
//! - The seed (`budgetbee-postgrest-doc.txt`): "Check PostgREST Status: curl
//!   http://localhost:5101/" and "OpenAPI Spec: curl http://localhost:5101/ -H "Accept:
//!   application/openapi+json"", against `PGRST_DB_SCHEMA: public` (whose comment is PostgreSQL's
//!   own 'standard public schema': the title, with an empty description).

use crate::expected::{external_docs, media_types, root_path_item};
use crate::{
    ABSENT, DocCase, JSON_CT, OPENAPI_CT, PUBLIC_SERIAL, field, main_cluster, path_ptr,
    public_cluster, run_doc_cases,
};
use budgetbee_e2e::{Case, run_cases};
use serde_json::json;

/// Every `Accept` PostgREST answers with the document.
#[test]
fn accepted_media_types_get_the_document() {
    let accepted: &[(&str, Option<&str>)] = &[
        ("no Accept header: */* is assumed", None),
        ("Accept: */*", Some("*/*")),
        ("Accept: application/json", Some("application/json")),
        (
            "Accept: application/openapi+json",
            Some("application/openapi+json"),
        ),
        (
            "Accept: text/csv, */* — one acceptable type is enough",
            Some("text/csv, */*"),
        ),
        (
            "Accept: text/csv, application/json — one acceptable type is enough",
            Some("text/csv, application/json"),
        ),
    ];
    let cases: Vec<DocCase> = accepted
        .iter()
        .map(|(name, accept)| {
            let mut c = DocCase::get(format!(
                "{name} → 200, Content-Type application/openapi+json; charset=utf-8"
            ))
            .expect_header("Content-Profile", ABSENT)
            .expect_header("Content-Range", ABSENT)
            .fields(vec![
                field("a Swagger 2.0 document", "/swagger", json!("2.0")),
                field(
                    "of the exposed schema",
                    "/info/title",
                    json!("Budget Bee API"),
                ),
            ]);
            if let Some(a) = accept {
                c = c.header("Accept", a);
            }
            c
        })
        .collect();
    run_doc_cases(main_cluster(), &cases);
}

/// HEAD, the types `/` does not produce, and the methods it refuses.
#[test]
fn head_unavailable_types_and_other_methods() {
    let csv = r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/csv"}"#;
    let csv_len = csv.len().to_string();
    run_cases(
        main_cluster(),
        &[
            Case {
                name: "HEAD / → 200, the document's headers, no body",
                method: "HEAD",
                path: "/",
                headers: &[],
                status: 200,
                expect_headers: &[OPENAPI_CT, ("Content-Profile", ABSENT)],
                body: "",
            },
            Case {
                name: "HEAD / with Accept: application/openapi+json (OpenApiSpec)",
                method: "HEAD",
                path: "/",
                headers: &[("Accept", "application/openapi+json")],
                status: 200,
                expect_headers: &[OPENAPI_CT],
                body: "",
            },
            Case {
                name: "Accept: text/csv → 406 PGRST107",
                method: "GET",
                path: "/",
                headers: &[("Accept", "text/csv")],
                status: 406,
                expect_headers: &[
                    JSON_CT,
                    ("Content-Length", csv_len.as_str()),
                    ("Proxy-Status", "PostgREST; error=PGRST107"),
                ],
                body: csv,
            },
            Case {
                name: "Accept: application/vnd.pgrst.object+json → 406 PGRST107 (the root has no singular form)",
                method: "GET",
                path: "/",
                headers: &[("Accept", "application/vnd.pgrst.object+json")],
                status: 406,
                expect_headers: &[JSON_CT, ("Proxy-Status", "PostgREST; error=PGRST107")],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/vnd.pgrst.object+json"}"#,
            },
            Case {
                name: "every unavailable type is listed, in order",
                method: "GET",
                path: "/",
                headers: &[("Accept", "text/csv, text/plain")],
                status: 406,
                expect_headers: &[JSON_CT, ("Proxy-Status", "PostgREST; error=PGRST107")],
                body: r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: text/csv, text/plain"}"#,
            },
            Case {
                name: "POST / → 405 PGRST117 (the root takes GET, HEAD, OPTIONS)",
                method: "POST",
                path: "/",
                headers: &[],
                status: 405,
                expect_headers: &[JSON_CT, ("Proxy-Status", "PostgREST; error=PGRST117")],
                body: r#"{"code":"PGRST117","details":null,"hint":null,"message":"Unsupported HTTP method: POST"}"#,
            },
        ],
    );
}

/// The guide's two root requests, against the guide's configuration (`public`).
#[test]
fn the_seed_requests() {
    let _turn = PUBLIC_SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = public_cluster();
    let common = || {
        vec![
            field("a Swagger 2.0 document", "/swagger", json!("2.0")),
            field(
                "info: public's comment is PostgreSQL's 'standard public schema', a single line: the title, and an empty description",
                "/info",
                json!({
                    "title": "standard public schema",
                    "description": "",
                    "version": "0.2.0"
                }),
            ),
            field("host", "/host", json!(format!("127.0.0.1:{}", c.http_port))),
            field("basePath", "/basePath", json!("/")),
            field("schemes", "/schemes", json!(["http"])),
            field("produces", "/produces", media_types()),
            field("externalDocs", "/externalDocs", external_docs()),
            field("the root path item", path_ptr("/"), root_path_item()),
        ]
    };
    run_doc_cases(
        c,
        &[
            DocCase::get("Check PostgREST Status: curl http://localhost:5101/")
                .header("Accept", "*/*")
                .header("User-Agent", "curl/8.5.0")
                .expect_header("Content-Profile", ABSENT)
                .fields(common()),
            DocCase::get(
                "OpenAPI Spec: curl http://localhost:5101/ -H \"Accept: application/openapi+json\"",
            )
            .header("Accept", "application/openapi+json")
            .header("User-Agent", "curl/8.5.0")
            .expect_header("Content-Profile", ABSENT)
            .fields(common()),
        ],
    );
}
