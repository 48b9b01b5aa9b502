//! Plan + result row → status, headers and body, as PostgREST's `Response.hs` decides them by
//! the kind of plan: `Content-Range`, `Content-Location`, `Location`, `Preference-Applied`,
//! 200/201/204/206/416, and whatever SQL set in `response.headers` / `response.status`.

mod error;
mod openapi;

pub use error::error;

use crate::api::prefer::Honoured;
use crate::api::{Action, ApiRequest};
use crate::error::Error;
use crate::exec::ResultRow;
use crate::plan::{CallPlan, InfoPlan, InspectPlan, MutatePlan, Plan, ReadPlan, Return};
use serde_json::Value;

/// What goes back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Names as sent; SQL can add any (`response.headers`, `RAISE SQLSTATE 'PGRST'`).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How a streamed JSON body joins its rows: as `json_agg` joins composite values (and
/// `coalesce(…, '[]')` answers none), so it is byte for byte the body built whole.
pub struct Framing {
    pub open: &'static [u8],
    pub separator: &'static [u8],
    pub close: &'static [u8],
}

pub const JSON_ARRAY: Framing = Framing {
    open: b"[",
    separator: b", \n ",
    close: b"]",
};

/// `content_profile`: the schema to name in `Content-Profile`, when PostgREST names it (more
/// than one exposed schema, or the client chose one).
pub fn respond(
    plan: &Plan,
    req: &ApiRequest,
    result: ResultRow,
    content_profile: Option<&str>,
) -> Result<Response, Error> {
    if let Some(explain) = plan.explain() {
        // PostgREST answers a plan with its type alone: no ranges, no preferences, and what
        // the statement set in response.* does not apply.
        let mut headers = vec![("Content-Type".to_string(), explain.content_type.clone())];
        headers.extend(content_profile.map(|s| ("Content-Profile".to_string(), s.to_string())));
        return Ok(Response {
            status: 200,
            headers,
            body: result.body,
        });
    }
    let headers = result.response_headers.clone();
    let status = result.response_status.clone();
    let mut response = match plan {
        Plan::Read(p) => read(p, req, result),
        Plan::Mutate(p) => mutate(p, req, result),
        Plan::Call(p) => call(p, req, result),
        Plan::Inspect(p) => inspect(p, &result),
        Plan::Info(p) => info(p),
    };
    apply_response_gucs(&mut response, headers, status)?;
    // PostgREST names the schema beside the Content-Type: an answer without a body (a write
    // without representation, a void call) names none.
    if let Some(schema) = content_profile
        && response.headers.iter().any(|(n, _)| n == "Content-Type")
    {
        response
            .headers
            .push(("Content-Profile".into(), schema.to_string()));
    }
    Ok(response)
}

fn read(plan: &ReadPlan, req: &ApiRequest, result: ResultRow) -> Response {
    let applied = req.prefer.applied(Honoured {
        tx: plan.tx.applied,
        timezone: plan.timezone.is_some(),
        ..Honoured::default()
    });
    let (status, content_range) = match page(plan.tree.range.first, &result, applied.clone()) {
        Ok(page) => page,
        Err(out_of_range) => return out_of_range,
    };
    let mut headers = vec![
        ("Content-Type".into(), plan.media.content_type().to_string()),
        content_range,
        ("Content-Location".into(), req.canonical.clone()),
    ];
    headers.extend(applied.map(preference_applied));
    rows(status, headers, plan.head, result)
}

/// A call answers as a read of the function's rows, except that a void function answers 204
/// with no body and no `Content-Type` (PostgREST's `invokeResponse`).
fn call(plan: &CallPlan, req: &ApiRequest, result: ResultRow) -> Response {
    let applied = req.prefer.applied(Honoured {
        max_affected: true,
        tx: plan.tx.applied,
        timezone: plan.timezone.is_some(),
        ..Honoured::default()
    });
    let (status, content_range) = match page(plan.read.range.first, &result, applied.clone()) {
        Ok(page) => page,
        Err(out_of_range) => return out_of_range,
    };
    let mut headers = vec![content_range];
    headers.extend(applied.map(preference_applied));
    if plan.routine.returns_void() {
        return Response {
            status: 204,
            headers,
            body: Vec::new(),
        };
    }
    headers.push(("Content-Type".into(), plan.media.content_type().to_string()));
    rows(status, headers, plan.head, result)
}

/// An answer carrying the rows' body, which HEAD leaves out.
fn rows(status: u16, headers: Vec<(String, String)>, head: bool, result: ResultRow) -> Response {
    Response {
        status,
        headers,
        body: if head { Vec::new() } else { result.body },
    }
}

/// `GET /`: the OpenAPI document of what the role may see (PostgREST's `openApiResponse`).
fn inspect(plan: &InspectPlan, result: &ResultRow) -> Response {
    let visible = openapi::Visible::parse(result.inspected.as_deref());
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), plan.version.content_type().into())],
        body: if plan.head {
            Vec::new()
        } else {
            openapi::document(plan, &visible).into_bytes()
        },
    }
}

/// `OPTIONS`: PostgREST's `respondInfo`, which names any origin whether or not the request
/// came from a browser.
fn info(plan: &InfoPlan) -> Response {
    let allow: Vec<&str> = plan.allow.iter().map(|m| m.name()).collect();
    Response {
        status: 200,
        headers: vec![
            ("Access-Control-Allow-Origin".into(), "*".into()),
            ("Allow".into(), allow.join(",")),
        ],
        body: Vec::new(),
    }
}

fn preference_applied(value: String) -> (String, String) {
    ("Preference-Applied".to_string(), value)
}

/// The status and `Content-Range` of a page of rows starting at `first`: 206 when a counted
/// total shows more rows than the page; the 416 answer when the page starts past the end.
fn page(
    first: i64,
    result: &ResultRow,
    applied: Option<String>,
) -> Result<(u16, (String, String)), Response> {
    let last = first + result.page_total - 1;
    let content_range = (
        "Content-Range".to_string(),
        content_range(first, last, result.total),
    );
    match result.total {
        Some(total) if first > total => {
            // PostgREST builds this 416 as an ordinary response: the count headers stay and
            // there is no Proxy-Status.
            let mut r = error(&Error::range_out_of_bounds(first, total), false);
            r.headers.retain(|(name, _)| name != "Proxy-Status");
            r.headers.push(content_range);
            r.headers.extend(applied.map(preference_applied));
            Err(r)
        }
        Some(total) if 1 + last - first < total => Ok((206, content_range)),
        _ => Ok((200, content_range)),
    }
}

/// POST 201 (200 when a merge only updated), PATCH/DELETE 204 (200 with a representation),
/// PUT 204 (201 or 200 with one); `Content-Range` with the affected count when counted;
/// `Location` for `return=headers-only` when exactly one row was inserted.
fn mutate(plan: &MutatePlan, req: &ApiRequest, result: ResultRow) -> Response {
    let representation = plan.returning == Return::Representation;
    let affected = result.page_total;
    let total = if plan.count {
        affected.to_string()
    } else {
        "*".into()
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    let status = match plan.action {
        Action::Insert => {
            if plan.returning == Return::HeadersOnly
                && affected == 1
                && let Some(location) = result
                    .location
                    .as_deref()
                    .and_then(|pk| location(&plan.target.name, pk))
            {
                headers.push(("Location".into(), location));
            }
            headers.push(("Content-Range".into(), format!("*/{total}")));
            // PostgREST's isInsertIfGTZero: a merge that inserted nothing (only updates, or
            // no rows at all) is 200.
            if plan.counts_inserted && result.inserted <= 0 {
                200
            } else {
                201
            }
        }
        Action::Update => {
            let range = if affected > 0 {
                format!("0-{}/{total}", affected - 1)
            } else {
                format!("*/{total}")
            };
            headers.push(("Content-Range".into(), range));
            if representation { 200 } else { 204 }
        }
        Action::Delete => {
            headers.push(("Content-Range".into(), format!("*/{total}")));
            if representation { 200 } else { 204 }
        }
        Action::Put => {
            if !representation {
                204
            } else if result.inserted > 0 {
                201
            } else {
                200
            }
        }
        Action::Read { .. } | Action::Call(_) | Action::Inspect { .. } | Action::Info(_) => {
            unreachable!("a write plan is a write")
        }
    };
    let applied = req.prefer.applied(Honoured {
        resolution: plan.resolution_applies,
        missing: matches!(plan.action, Action::Insert | Action::Update),
        return_: true,
        max_affected: matches!(plan.action, Action::Update | Action::Delete),
        tx: plan.tx.applied,
        timezone: plan.timezone.is_some(),
    });
    headers.extend(applied.map(preference_applied));
    let body = if representation {
        headers.push(("Content-Type".into(), plan.media.content_type().to_string()));
        result.body
    } else {
        Vec::new()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// `Content-Range: <first>-<last>/<total or *>`, with `*` for the range when the page is empty
/// or the total is zero (PostgREST's `contentRangeH`).
pub fn content_range(first: i64, last: i64, total: Option<i64>) -> String {
    let range = if total != Some(0) && first <= last {
        format!("{first}-{last}")
    } else {
        "*".to_string()
    };
    let total = total.map_or("*".to_string(), |t| t.to_string());
    format!("{range}/{total}")
}

/// `Location: /table?pk=eq.value&...` from the first inserted row's key columns, given as a
/// JSON array of `[name, value]` pairs in the row's column order; a null value is `is.null`
/// (PostgREST's `locationF`, rendered by `renderSimpleQuery`).
fn location(table: &str, pairs_json: &str) -> Option<String> {
    let pairs: Vec<(String, Option<String>)> = serde_json::from_str(pairs_json).ok()?;
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .as_ref()
                .map_or_else(|| "is.null".to_string(), |v| format!("eq.{v}"));
            format!("{}={}", encode(k), encode(&v))
        })
        .collect();
    (!query.is_empty()).then(|| format!("/{table}?{}", query.join("&")))
}

/// http-types' renderSimpleQuery: everything but unreserved characters percent-encoded.
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, &UNRESERVED).to_string()
}

const UNRESERVED: percent_encoding::AsciiSet = percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `response.headers` (a JSON array of single-key objects, overriding headers of the same
/// name) and `response.status` set by SQL during the request (PGRST111 / PGRST112 if invalid).
fn apply_response_gucs(
    response: &mut Response,
    headers: Option<String>,
    status: Option<String>,
) -> Result<(), Error> {
    if let Some(h) = headers {
        let pairs: Option<Vec<(String, String)>> = serde_json::from_str::<Value>(&h)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .and_then(|items| {
                items
                    .iter()
                    .map(|item| {
                        let obj = item.as_object()?;
                        if obj.len() != 1 {
                            return None;
                        }
                        let (k, v) = obj.iter().next()?;
                        Some((k.clone(), v.as_str()?.to_string()))
                    })
                    .collect()
            });
        let pairs = pairs.ok_or_else(Error::guc_headers)?;
        for (name, _) in &pairs {
            response
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        }
        response.headers.extend(pairs);
    }
    if let Some(s) = status {
        let code = s
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(Error::guc_status)?;
        response.status = code;
    }
    Ok(())
}
