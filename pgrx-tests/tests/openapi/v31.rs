//! The OpenAPI 3.1 document (budgetbee's; PostgREST has only Swagger 2.0, and its issue for 3.x
//! is open since 2017): `GET /openapi.json`, or `GET /` accepting
//! `application/openapi+json;version=3.1`. The same content as the 2.0 document in 3.1's shape,
//! validated by a real validator (openapi-spec-validator, `pgrx-tests/python/`), as the 2.0
//! documents are too.

use super::*;
use budgetbee_e2e::python;
use serde_json::Value;

const V31_CT: &str = "application/openapi+json;version=3.1; charset=utf-8";

fn document(cluster: &Cluster, path: &str, accept: Option<&str>) -> Value {
    let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
    let r = cluster.request("GET", path, &headers);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn validate(version: &str, doc: &Value) {
    let (ok, out) = python("validate_openapi.py", &[version], &doc.to_string());
    assert!(ok, "the {version} document does not validate:\n{out}");
}

#[test]
fn the_3_1_document_validates_and_says_what_the_2_0_one_says() {
    let c = main_cluster();
    let r = c.request("GET", "/openapi.json", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some(V31_CT));
    let v3 = r.json();
    validate("3.1", &v3);
    assert_eq!(v3["openapi"], "3.1.0");
    let by_accept = document(c, "/", Some("application/openapi+json;version=3.1"));
    assert_eq!(
        by_accept, v3,
        "GET / accepting version=3.1 is the same document"
    );

    let v2 = document(c, "/", None);
    validate("2.0", &v2);
    assert_eq!(v3["info"], v2["info"]);
    assert_eq!(
        v3["servers"],
        serde_json::json!([{ "url": format!("http://127.0.0.1:{}/", c.http_port) }])
    );
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(keys(&v3["paths"]), keys(&v2["paths"]), "the same paths");
    assert_eq!(
        keys(&v3["components"]["schemas"]),
        keys(&v2["definitions"]),
        "a schema per definition"
    );
    // Every operation keeps its methods; body parameters became request bodies.
    for (path, item) in v2["paths"].as_object().unwrap() {
        assert_eq!(keys(item), keys(&v3["paths"][path]), "methods of {path}");
    }
    for (path, item) in v3["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert_ne!(
                    p["in"], "body",
                    "{method} {path} still has a body parameter"
                );
            }
        }
    }
    let post = &v3["paths"]["/rpc/add_transaction"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["required"],
        serde_json::json!(["amount", "name"]),
        "a function's arguments are its request body"
    );
    assert_eq!(
        v3["paths"]["/rpc/sum_amounts"]["get"]["parameters"][0]["explode"], true,
        "a VARIADIC parameter is a repeated query parameter"
    );
}

#[test]
fn nullable_columns_admit_null_and_references_point_at_components() {
    let v3 = document(main_cluster(), "/openapi.json", None);
    let v2 = document(main_cluster(), "/", None);
    let mut checked = 0;
    for (name, def) in v2["definitions"].as_object().unwrap() {
        let required: Vec<&str> = def["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (column, prop) in def["properties"].as_object().into_iter().flatten() {
            let Some(ty) = prop["type"].as_str() else {
                continue;
            };
            let got = &v3["components"]["schemas"][name]["properties"][column]["type"];
            if required.contains(&column.as_str()) {
                assert_eq!(got, ty, "{name}.{column} is NOT NULL");
            } else {
                assert_eq!(got, &serde_json::json!([ty, "null"]), "{name}.{column}");
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "the fixture has typed columns ({checked})");
    let text = v3.to_string();
    assert!(!text.contains("#/definitions/"), "no 2.0 references left");
    assert!(!text.contains("\"#/parameters/"), "no 2.0 references left");
}

#[test]
fn security_proxy_and_other_modes_validate() {
    let sec = document(security_cluster(), "/openapi.json", None);
    validate("3.1", &sec);
    assert_eq!(
        sec["components"]["securitySchemes"]["JWT"],
        serde_json::json!({
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Add the token prepending \"Bearer \" (without quotes) to it",
        })
    );
    assert_eq!(sec["security"], serde_json::json!([{ "JWT": [] }]));
    validate("2.0", &document(security_cluster(), "/", None));

    let proxy = document(proxy_cluster(), "/openapi.json", None);
    validate("3.1", &proxy);
    assert_eq!(proxy["servers"], serde_json::json!([{ "url": PROXY_URI }]));
    validate("2.0", &document(proxy_cluster(), "/", None));

    for cluster in [ignore_cluster(), profiles_cluster()] {
        validate("3.1", &document(cluster, "/openapi.json", None));
        validate("2.0", &document(cluster, "/", None));
    }
}
