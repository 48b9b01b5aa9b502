//! `ApiRequest`: what a client asked for, parsed and validated before any database work. Pure
//! Rust: this runs on the I/O thread, body included.

pub mod media;
mod parse_error;
pub mod payload;
pub mod prefer;
pub mod query;

use crate::error::Error;
pub use payload::{CallBody, ContentType, Payload};
pub use prefer::{Count, Preferences};
pub use query::{
    Aggregate, Arrow, Direction, Field, Filter, FtsOperator, IsValue, JoinType, JsonKey, LogicTree,
    Nulls, Operation, Operator, OrderTarget, OrderTerm, Quantifier, SelectItem,
};

/// The embedded resources a query parameter goes through (`a.b.col=...` → `["a", "b"]`);
/// empty for the requested table itself.
pub type EmbedPath = Vec<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// GET or HEAD on a table or view. HEAD skips building the body.
    Read { head: bool },
    /// POST: insert (or upsert with `Prefer: resolution=`).
    Insert,
    /// PATCH with filters.
    Update,
    /// PUT: a single-row upsert addressed by its primary key.
    Put,
    /// DELETE with filters.
    Delete,
    /// `/rpc/<function>`: GET and HEAD take the arguments from the query string, POST from
    /// the body.
    Call(Invoke),
    /// GET or HEAD on `/`: the OpenAPI description of the schema; `/openapi.json` asks for
    /// the OpenAPI 3.1 document (`v3`).
    Inspect { head: bool, v3: bool },
    /// OPTIONS (not a CORS preflight, which the HTTP layer answers): the methods the resource
    /// takes, from the schema cache alone.
    Info(InfoTarget),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoTarget {
    Relation,
    /// A function, found as a GET would find it: by the query string's argument names.
    Routine,
    Root,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invoke {
    Get,
    Head,
    Post,
}

impl Action {
    /// GET and HEAD: the profile comes from `Accept-Profile`, and the transaction only reads.
    pub fn is_read(&self) -> bool {
        matches!(
            self,
            Action::Read { .. }
                | Action::Call(Invoke::Get | Invoke::Head)
                | Action::Inspect { .. }
                | Action::Info(_)
        )
    }
}

/// Rows `first..=last` (`last` open when `None`), as PostgREST's ranges: from `limit`/`offset`
/// intersected with a `Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub first: i64,
    pub last: Option<i64>,
}

impl Range {
    pub const ALL: Range = Range {
        first: 0,
        last: None,
    };

    fn intersect(self, other: Range) -> Range {
        Range {
            first: self.first.max(other.first),
            last: match (self.last, other.last) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// `LIMIT`, if any.
    pub fn limit(&self) -> Option<i64> {
        self.last.map(|l| (l - self.first + 1).max(0))
    }

    /// Caps the range at `max` rows (`db-max-rows`).
    pub fn restrict(self, max: Option<i64>) -> Range {
        match max {
            Some(m) => self.intersect(Range {
                first: 0,
                last: Some(self.first + m - 1),
            }),
            None => self,
        }
    }
}

/// The query string's read parameters, each with the embedded resource it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadQuery {
    pub select: Vec<SelectItem>,
    pub filters: Vec<(EmbedPath, Filter)>,
    pub logic: Vec<(EmbedPath, LogicTree)>,
    pub order: Vec<(EmbedPath, Vec<OrderTerm>)>,
    /// The requested table's rows: `limit`/`offset` with the `Range` header.
    pub range: Range,
    /// `rel.limit` / `rel.offset` of embedded resources.
    pub embed_ranges: Vec<(EmbedPath, Range)>,
    /// GET and HEAD on a function: the parameters whose values are not filters, in order
    /// (a repeated one fills a VARIADIC parameter).
    pub arguments: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: String,
    pub action: Action,
    /// The path as sent (`request.path`).
    pub path: String,
    /// The table, view or function named by the path, percent-decoded.
    pub resource: String,
    pub query: ReadQuery,
    /// `on_conflict=`: the upsert's conflict target.
    pub on_conflict: Option<Vec<String>>,
    /// Whether `limit` or `offset` was given (PUT refuses them).
    pub has_limit_or_offset: bool,
    /// The body of an insert or update, parsed; its error is kept until the resource is known
    /// to exist, as PostgREST answers an unknown table first.
    pub payload: Option<Result<Payload, Error>>,
    /// `POST /rpc/<function>`: the body, parsed as the `Content-Type` says.
    pub call_body: Option<CallBody>,
    /// The request's `Content-Type` (absent: JSON).
    pub content_type: ContentType,
    /// `Accept-Profile` (reads) / `Content-Profile` (writes): the schema asked for.
    pub profile: Option<String>,
    /// `Content-Location` of a read: the path and the query parameters sorted by name.
    pub canonical: String,
    /// `Accept`, best first (empty: no preference).
    pub accept: Vec<String>,
    pub prefer: Preferences,
    /// The `Authorization` header, verified on the main thread (`auth`).
    pub authorization: Option<String>,
    /// `request.headers`: lower-cased names, no cookie (PostgREST keeps cookies apart).
    pub headers_json: String,
    /// `request.cookies`.
    pub cookies_json: String,
}

impl ApiRequest {
    /// Builds the request from the HTTP pieces. Errors are PostgREST's, in PostgREST's order:
    /// the path first, then the method, then the query string and ranges.
    pub fn parse(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &[(String, String)],
        body: bytes::Bytes,
    ) -> Result<ApiRequest, Error> {
        let resource = resource_of(path)?;
        let action = match (method, &resource) {
            ("GET", Resource::Rpc(_)) => Action::Call(Invoke::Get),
            ("HEAD", Resource::Rpc(_)) => Action::Call(Invoke::Head),
            ("POST", Resource::Rpc(_)) => Action::Call(Invoke::Post),
            ("GET", Resource::Relation(_)) => Action::Read { head: false },
            ("HEAD", Resource::Relation(_)) => Action::Read { head: true },
            ("POST", Resource::Relation(_)) => Action::Insert,
            ("PATCH", Resource::Relation(_)) => Action::Update,
            ("PUT", Resource::Relation(_)) => Action::Put,
            ("DELETE", Resource::Relation(_)) => Action::Delete,
            ("OPTIONS", Resource::Relation(_)) => Action::Info(InfoTarget::Relation),
            ("OPTIONS", Resource::Rpc(_)) => Action::Info(InfoTarget::Routine),
            (_, Resource::Rpc(_)) => return Err(Error::invalid_rpc_method(method)),
            ("GET" | "HEAD", Resource::Root { v3 }) => Action::Inspect {
                head: method == "HEAD",
                v3: *v3,
            },
            ("OPTIONS", Resource::Root { .. }) => Action::Info(InfoTarget::Root),
            _ => return Err(Error::unsupported_method(method)),
        };
        let resource = match resource {
            Resource::Relation(name) | Resource::Rpc(name) => name,
            Resource::Root { .. } => String::new(),
        };
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let calls_with_query = matches!(
            action,
            Action::Call(Invoke::Get | Invoke::Head) | Action::Info(InfoTarget::Routine)
        );
        let raw_pairs = query_pairs(query.unwrap_or(""));
        let pairs: Vec<(String, String)> = raw_pairs
            .iter()
            // A function's argument may be empty (`?a=`); a bare `?a` is nothing, as for
            // PostgREST (which only reads parameters that have a value).
            .filter(|&(_, v)| !calls_with_query || v.is_some())
            .cloned()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect();
        let mut q = read_query(&pairs, calls_with_query)?;
        // A bare `?columns` is no list; `?columns=` is an empty one, which is an error.
        let list = |name: &str| {
            raw_pairs
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.as_deref())
                .map(|v| query::parse_columns(name, v))
                .transpose()
        };
        let columns = list("columns")?;
        let on_conflict = list("on_conflict")?;
        let has_limit_or_offset = pairs.iter().any(|(k, _)| k == "limit" || k == "offset");
        // RFC 9110: the Range header only applies to GET.
        let header_range = if method == "GET" {
            header("range").and_then(parse_range_header)
        } else {
            None
        };
        q.range = ranges(q.range, header_range)?;
        let payload = match action {
            Action::Insert | Action::Update | Action::Put => Some(payload::parse(
                header("content-type"),
                &body,
                columns.as_deref(),
            )),
            Action::Read { .. }
            | Action::Delete
            | Action::Call(_)
            | Action::Inspect { .. }
            | Action::Info(_) => None,
        };
        let content_type = ContentType::of(header("content-type"));
        // A call's body is read before the function is looked up, as PostgREST does.
        let call_body = match action {
            Action::Call(Invoke::Post) => {
                Some(payload::call(&content_type, &body, columns.as_deref())?)
            }
            _ => None,
        };
        Ok(ApiRequest {
            method: method.to_string(),
            action,
            path: path.to_string(),
            resource,
            query: q,
            on_conflict,
            has_limit_or_offset,
            payload,
            call_body,
            content_type,
            // Reads name their schema with Accept-Profile, writes with Content-Profile.
            profile: if action.is_read() {
                header("accept-profile")
            } else {
                header("content-profile")
            }
            .map(|s| s.trim().to_string()),
            canonical: canonical_location(path, &pairs),
            accept: media::accepted(header("accept")),
            prefer: Preferences::parse(
                headers
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("prefer"))
                    .map(|(_, v)| v.as_str()),
            ),
            authorization: header("authorization").map(str::to_string),
            headers_json: headers_json(headers),
            cookies_json: cookies_json(headers),
        })
    }
}

enum Resource {
    /// `/`, or `/openapi.json` for the OpenAPI 3.1 document (budgetbee's; PostgREST has none).
    Root {
        v3: bool,
    },
    Relation(String),
    Rpc(String),
}

/// PostgREST routes one level only: `/`, `/<relation>`, `/rpc/<function>`.
fn resource_of(path: &str) -> Result<Resource, Error> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let segments: Vec<String> = path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .map(decode)
        .collect();
    match segments.as_slice() {
        [s] if s.is_empty() => Ok(Resource::Root { v3: false }),
        [s] if s == "openapi.json" => Ok(Resource::Root { v3: true }),
        [rel] => Ok(Resource::Relation(rel.clone())),
        // `/rpc/` names the function "" (PostgREST's path segments keep the empty last one).
        [rpc, func] if rpc == "rpc" => Ok(Resource::Rpc(func.clone())),
        _ => Err(Error::invalid_path()),
    }
}

/// Query parameters PostgREST reserves at the top level only.
const RESERVED: &[&str] = &["select", "columns", "on_conflict"];

/// Query parameters that may also name an embedded resource: `order`, `rel.order`, ...
const EMBEDDABLE: &[&str] = &["order", "limit", "offset", "and", "or"];

/// The query string as (name, value) pairs, decoded; no value for a name without `=`. Like
/// PostgREST (http-types' parseQuery), `;` separates parameters as `&` does, and `+` is a
/// space.
fn query_pairs(qs: &str) -> Vec<(String, Option<String>)> {
    qs.split(['&', ';'])
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            let bare = !p.contains('=');
            form_urlencoded::parse(p.as_bytes())
                .map(move |(k, v)| (k.into_owned(), (!bare).then(|| v.into_owned())))
        })
        .collect()
}

/// PostgREST's canonical location: parameters sorted by name (stably), each name and value
/// percent-encoded except ASCII letters, digits and `-_.~`, repeated names joined with `,`.
fn canonical_location(path: &str, pairs: &[(String, String)]) -> String {
    let encode = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend([
                    '%',
                    HEX[usize::from(b >> 4)] as char,
                    HEX[usize::from(b & 15)] as char,
                ]);
            }
        }
        out
    };
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let name = &sorted[i].0;
        let mut values = vec![encode(&sorted[i].1)];
        while i + 1 < sorted.len() && &sorted[i + 1].0 == name {
            i += 1;
            values.push(encode(&sorted[i].1));
        }
        parts.push(format!("{}={}", encode(name), values.join(",")));
        i += 1;
    }
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// The read parameters; on a function (`call`), a parameter whose value is not a filter is
/// an argument.
fn read_query(pairs: &[(String, String)], call: bool) -> Result<ReadQuery, Error> {
    let mut q = ReadQuery {
        select: vec![SelectItem::Star],
        filters: Vec::new(),
        logic: Vec::new(),
        order: Vec::new(),
        range: Range::ALL,
        embed_ranges: Vec::new(),
        arguments: Vec::new(),
    };
    let mut limit = None;
    let mut offset = 0;
    // `rel.limit` and `rel.offset` of each embedded resource, in the order first seen.
    let mut embedded: Vec<(EmbedPath, Option<i64>, i64)> = Vec::new();
    for (key, value) in pairs {
        let (key, value) = (key.as_str(), value.as_str());
        // As PostgREST: the last dot-separated word of a key says what it is.
        let last = key.rsplit('.').next().unwrap_or(key);
        match key {
            "select" => q.select = query::parse_select(value)?,
            // PostgREST reads these with readMaybe: a value that is not a number is ignored.
            "limit" => limit = value.trim().parse::<i64>().ok().or(limit),
            "offset" => offset = value.trim().parse::<i64>().unwrap_or(offset),
            k if RESERVED.contains(&k) => {}
            _ if EMBEDDABLE.contains(&last) => {
                let names = query::parse_dotted(key)?;
                let negated = names.iter().any(|n| n == "not");
                let path: EmbedPath = names[..names.len() - 1]
                    .iter()
                    .filter(|n| *n != "not")
                    .cloned()
                    .collect();
                match last {
                    "order" if !value.is_empty() => {
                        let terms = query::parse_order(value)?;
                        q.order.retain(|(p, _)| *p != path);
                        q.order.push((path, terms));
                    }
                    "order" => {}
                    "limit" | "offset" => {
                        let i = match embedded.iter().position(|(p, _, _)| *p == path) {
                            Some(i) => i,
                            None => {
                                embedded.push((path, None, 0));
                                embedded.len() - 1
                            }
                        };
                        let n = value.trim().parse::<i64>().ok();
                        if last == "limit" {
                            embedded[i].1 = n.or(embedded[i].1);
                        } else {
                            embedded[i].2 = n.unwrap_or(embedded[i].2);
                        }
                    }
                    _ => {
                        let tree = query::parse_logic(negated, last == "or", value)?;
                        q.logic.push((path, tree));
                    }
                }
            }
            _ if value.is_empty() && !call => {} // PostgREST ignores parameters without a value
            k => {
                let (path, field) = query::parse_tree_path(k)?;
                if call && query::is_argument(value) {
                    q.arguments.push((field.name, value.to_string()));
                } else {
                    q.filters.push((path, query::parse_filter(field, value)?));
                }
            }
        }
    }
    if let Some(l) = limit
        && l < 0
    {
        return Err(Error::invalid_range(
            "Limit should be greater than or equal to zero.",
        ));
    }
    let first = offset.max(0);
    q.range = Range {
        first,
        last: limit.map(|l| first + l - 1),
    };
    q.embed_ranges = embedded
        .into_iter()
        .map(|(path, limit, offset)| {
            let first = offset.max(0);
            let range = Range {
                first,
                last: limit.map(|l| first + l - 1),
            };
            (path, range)
        })
        .collect();
    Ok(q)
}

/// `Range: 0-9` / `Range: 10-` → rows; anything else is ignored, as PostgREST does.
fn parse_range_header(value: &str) -> Option<Range> {
    // PostgREST matches ^([0-9]+)-([0-9]*)$ and ignores anything else (`items=0-9` too).
    let (a, b) = value.trim().split_once('-')?;
    if a.is_empty()
        || !a.bytes().all(|c| c.is_ascii_digit())
        || !b.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let first: i64 = a.parse().ok()?;
    let last = if b.is_empty() {
        None
    } else {
        Some(b.parse().ok()?)
    };
    Some(Range { first, last })
}

/// The page to read: `limit`/`offset` intersected with the Range header. A header whose upper
/// bound is below its lower one is a 416.
fn ranges(query: Range, header: Option<Range>) -> Result<Range, Error> {
    let Some(h) = header else { return Ok(query) };
    if matches!(h.last, Some(l) if l < h.first) {
        return Err(Error::invalid_range(
            "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
        ));
    }
    if query.limit() == Some(0) {
        // limit=0 wins over any header range (PostgREST's "limit zero range").
        return Ok(query);
    }
    Ok(h.intersect(query))
}

fn headers_json(headers: &[(String, String)]) -> String {
    object_json(
        headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
            .filter(|(k, _)| k != "cookie")
            .collect(),
    )
}

fn cookies_json(headers: &[(String, String)]) -> String {
    object_json(
        headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim()))
            .collect(),
    )
}

/// A JSON object of string values as serde_json's `Map` (a BTreeMap) writes it: keys in byte
/// order, a repeated key's last value. Written directly: building the map and its values only to
/// print them was a quarter of the I/O thread's request parsing in `make profile`.
fn object_json(mut pairs: Vec<(String, &str)>) -> String {
    // Stable: of equal keys, the last stays last.
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::with_capacity(
        pairs
            .iter()
            .map(|(k, v)| k.len() + v.len() + 6)
            .sum::<usize>()
            + 2,
    );
    out.push(b'{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if pairs.get(i + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        if out.len() > 1 {
            out.push(b',');
        }
        // Writing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, v);
    }
    out.push(b'}');
    // serde_json writes valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod unit;
