//! Unit tests of `ApiRequest::parse`: routes, the request GUCs' JSON, the canonical location.

use super::*;

fn get(path: &str, query: Option<&str>) -> Result<ApiRequest, Error> {
    ApiRequest::parse("GET", path, query, &[], bytes::Bytes::new())
}

#[test]
fn canonical_location_sorts_encodes_and_joins() {
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        canonical_location(
            "/t",
            &pairs(&[("b", "x y"), ("a", "\u{e9}*"), ("b", "2~-_.")])
        ),
        "/t?a=%C3%A9%2A&b=x%20y,2~-_."
    );
    assert_eq!(canonical_location("/t", &[]), "/t");
}

#[test]
fn headers_and_cookies_json_are_serde_jsons_map() {
    let map = |pairs: &[(&str, &str)]| {
        let m: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        serde_json::Value::Object(m).to_string()
    };
    let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let headers = h(&[
        ("X-B", "2"),
        ("x-a", "1"),
        ("X-A", "last \"wins\"\u{7}\u{e9}"),
        ("Cookie", "a=1; b = two ;c=x=y;bad"),
        ("cookie", "a=3"),
        ("Accept", "*/*"),
    ]);
    assert_eq!(
        headers_json(&headers),
        map(&[
            ("x-b", "2"),
            ("x-a", "1"),
            ("x-a", "last \"wins\"\u{7}\u{e9}"),
            ("accept", "*/*"),
        ])
    );
    assert_eq!(
        cookies_json(&headers),
        map(&[("a", "1"), ("b", "two"), ("c", "x=y"), ("a", "3")])
    );
    assert_eq!(headers_json(&[]), "{}");
    assert_eq!(cookies_json(&headers[..3]), "{}");
}

#[test]
fn routes() {
    assert_eq!(get("/transactions", None).unwrap().resource, "transactions");
    assert_eq!(get("/my%20table", None).unwrap().resource, "my table");
    assert_eq!(get("/a/b", None).unwrap_err().code(), "PGRST125");
    assert_eq!(get("/transactions/", None).unwrap_err().code(), "PGRST125");
    assert_eq!(
        get("/rpc/f", None).unwrap().action,
        Action::Call(Invoke::Get)
    );
    assert_eq!(get("/rpc/", None).unwrap().resource, "");
    assert_eq!(
        get("/", None).unwrap().action,
        Action::Inspect {
            head: false,
            v3: false
        }
    );
    let e = ApiRequest::parse("BREW", "/t", None, &[], bytes::Bytes::new()).unwrap_err();
    assert_eq!(e.code(), "PGRST117");
    assert_eq!(e.status(false), 405);
    assert_eq!(
        ApiRequest::parse("HEAD", "/t", None, &[], bytes::Bytes::new())
            .unwrap()
            .action,
        Action::Read { head: true }
    );
}

#[test]
fn limit_offset() {
    let q = get("/t", Some("limit=2&offset=4")).unwrap().query;
    assert_eq!(
        q.range,
        Range {
            first: 4,
            last: Some(5)
        }
    );
    assert_eq!(q.range.limit(), Some(2));
    assert_eq!(get("/t", Some("limit=-1")).unwrap_err().code(), "PGRST103");
    assert_eq!(get("/t", Some("limit=x")).unwrap().query.range, Range::ALL);
    assert_eq!(get("/t", Some("limit=")).unwrap().query.range, Range::ALL);
}

#[test]
fn range_header_intersects_limit_on_get_only() {
    let h = |v: &str| vec![("Range".to_string(), v.to_string())];
    let r = ApiRequest::parse(
        "GET",
        "/t",
        Some("limit=5"),
        &h("2-10"),
        bytes::Bytes::new(),
    )
    .unwrap();
    assert_eq!(
        r.query.range,
        Range {
            first: 2,
            last: Some(4)
        }
    );
    let r = ApiRequest::parse("GET", "/t", None, &h("3-"), bytes::Bytes::new()).unwrap();
    assert_eq!(
        r.query.range,
        Range {
            first: 3,
            last: None
        }
    );
    let r = ApiRequest::parse("HEAD", "/t", None, &h("3-4"), bytes::Bytes::new()).unwrap();
    assert_eq!(r.query.range, Range::ALL);
    let e = ApiRequest::parse("GET", "/t", None, &h("5-2"), bytes::Bytes::new()).unwrap_err();
    assert_eq!(e.code(), "PGRST103");
    let r = ApiRequest::parse("GET", "/t", None, &h("bytes=1-2"), bytes::Bytes::new()).unwrap();
    assert_eq!(r.query.range, Range::ALL);
    assert_eq!(
        Range {
            first: 2,
            last: None
        }
        .restrict(Some(3)),
        Range {
            first: 2,
            last: Some(4)
        }
    );
}

#[test]
fn filters_logic_and_embeds() {
    let q = get(
        "/t",
        Some("a=eq.1&a=lt.5&or=(b.is.null,c.gt.2)&order=a.desc"),
    )
    .unwrap()
    .query;
    assert_eq!(q.filters.len(), 2);
    assert_eq!(q.logic.len(), 1);
    assert_eq!(q.order.len(), 1);
    let q = get(
        "/t",
        Some("clients.id=eq.1&a.b.order=c.desc&a.limit=2&a.offset=1&a.not.or=(x.eq.1)"),
    )
    .unwrap()
    .query;
    assert_eq!(q.filters[0].0, vec!["clients".to_string()]);
    assert_eq!(q.order[0].0, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(
        q.embed_ranges,
        vec![(
            vec!["a".to_string()],
            Range {
                first: 1,
                last: Some(2)
            }
        )]
    );
    assert!(matches!(
        q.logic[0],
        (ref p, LogicTree::Expr { negated: true, or: true, .. }) if p == &vec!["a".to_string()]
    ));
    assert_eq!(get("/t", Some("a=eq")).unwrap_err().code(), "PGRST100");
}

#[test]
fn select_is_percent_and_plus_decoded() {
    let q = get("/t", Some("select=id,%22first+name%22")).unwrap().query;
    assert_eq!(
        q.select,
        vec![SelectItem::column("id"), SelectItem::column("first name")]
    );
}

#[test]
fn headers_and_cookies() {
    let h = vec![
        ("Accept".to_string(), "application/json".to_string()),
        ("Cookie".to_string(), "a=1; b = two".to_string()),
        ("X-Thing".to_string(), "y".to_string()),
    ];
    let r = ApiRequest::parse("GET", "/t", None, &h, bytes::Bytes::new()).unwrap();
    assert_eq!(
        r.headers_json,
        r#"{"accept":"application/json","x-thing":"y"}"#
    );
    assert_eq!(r.cookies_json, r#"{"a":"1","b":"two"}"#);
}
