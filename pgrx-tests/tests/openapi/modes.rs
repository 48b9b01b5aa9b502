//! The settings around the document: `openapi_mode = disabled`, `openapi_server_proxy_uri`,
//! `openapi_security_active`, and `server_host` as the document shows it.
//!
//! PostgREST facts:
//! - ApiRequest.hs `getResource`: the root with `openapi-mode = disabled` (and no
//!   `db-root-spec`) is `OpenAPIDisabled`; Error.hs: PGRST126, 404, "Root endpoint metadata is
//!   disabled", details and hint null. DisabledOpenApiSpec: exactly that body with
//!   `Content-Length: 93`. Other paths are untouched.
//! - OpenAPI.hs `proxyUri`/`pickProxy`: with `openapi-server-proxy-uri`, `schemes` is its scheme
//!   (lower-cased), `host` its host with its port (80 for http, 443 for https when none is given),
//!   `basePath` its path ("/" when empty); ProxySpec.
//! - OpenAPI.hs `makeSecurityDefinitions` and `postgrestSpec`: with `openapi-security-active`,
//!   `securityDefinitions.JWT = {type: apiKey, in: header, name: Authorization, description: "Add
//!   the token prepending \"Bearer \" (without quotes) to it"}` and `security = [{"JWT": []}]`;
//!   SecurityOpenApiSpec.
//! - OpenAPI.hs `escapeHostName`: `*`, `*4`, `!4`, `*6`, `!6` are shown as `0.0.0.0`.

use crate::expected::*;
use crate::{
    DocCase, JSON_CT, PROXY_URI, absent, disabled_cluster, field, keys, proxy_cluster,
    run_doc_cases, security_cluster,
};
use budgetbee_e2e::{Case, run_cases};
use serde_json::json;

const DISABLED: &str = r#"{"code":"PGRST126","details":null,"hint":null,"message":"Root endpoint metadata is disabled"}"#;

#[test]
fn disabled_mode_answers_404() {
    let err = [
        JSON_CT,
        ("Content-Length", "93"),
        ("Proxy-Status", "PostgREST; error=PGRST126"),
    ];
    run_cases(
        disabled_cluster(),
        &[
            Case {
                name: "GET / with Accept: application/openapi+json → 404 PGRST126 (DisabledOpenApiSpec)",
                method: "GET",
                path: "/",
                headers: &[("Accept", "application/openapi+json")],
                status: 404,
                expect_headers: &err,
                body: DISABLED,
            },
            Case {
                name: "GET / without Accept → the same 404",
                method: "GET",
                path: "/",
                headers: &[],
                status: 404,
                expect_headers: &err,
                body: DISABLED,
            },
            Case {
                name: "the path is refused before content negotiation: Accept: text/csv is the same 404",
                method: "GET",
                path: "/",
                headers: &[("Accept", "text/csv")],
                status: 404,
                expect_headers: &err,
                body: DISABLED,
            },
            Case {
                name: "HEAD / → 404, no body",
                method: "HEAD",
                path: "/",
                headers: &[],
                status: 404,
                expect_headers: &[JSON_CT],
                body: "",
            },
            Case {
                name: "only the root is disabled: tables are served",
                method: "GET",
                path: "/categories",
                headers: &[],
                status: 200,
                expect_headers: &[JSON_CT],
                body: "[]",
            },
        ],
    );
}

#[test]
fn proxy_uri_sets_host_base_path_and_scheme() {
    run_doc_cases(
        proxy_cluster(),
        &[
            DocCase::get(format!("openapi_server_proxy_uri = {PROXY_URI}")).fields(vec![
                field(
                    "host: the proxy's host, with https's default port",
                    "/host",
                    json!("example.org:443"),
                ),
                field("basePath: the proxy's path", "/basePath", json!("/api")),
                field("schemes: the proxy's scheme", "/schemes", json!(["https"])),
                field(
                    "the rest of the document is unchanged",
                    "/info/title",
                    json!("Budget Bee API"),
                ),
                keys("no security keys either", "", TOP_LEVEL),
            ]),
        ],
    );
}

#[test]
fn security_active_adds_the_jwt_scheme() {
    let c = security_cluster();
    let mut top: Vec<&str> = TOP_LEVEL.to_vec();
    top.extend(["security", "securityDefinitions"]);
    run_doc_cases(
        c,
        &[DocCase::get("openapi_security_active = on, server_host = '!4'").fields(vec![
            field(
                "securityDefinitions: JWT, an API key in the Authorization header (SecurityOpenApiSpec)",
                "/securityDefinitions",
                json!({
                    "JWT": {
                        "description": "Add the token prepending \"Bearer \" (without quotes) to it",
                        "in": "header",
                        "name": "Authorization",
                        "type": "apiKey"
                    }
                }),
            ),
            field(
                "security: JWT required, no scopes (SecurityOpenApiSpec)",
                "/security",
                json!([{"JWT": []}]),
            ),
            keys("top-level keys: the usual ones plus security and securityDefinitions", "", &top),
            field(
                "host: escapeHostName shows !4 as 0.0.0.0, with server_port",
                "/host",
                json!(format!("0.0.0.0:{}", c.http_port)),
            ),
            absent(
                "operations carry no security of their own",
                "/paths/~1categories/get/security",
            ),
        ])],
    );
}
