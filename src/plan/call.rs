//! `/rpc/<function>` → the call to make and how its result is read, as PostgREST's
//! `Plan.callReadPlan`: the overload the argument names select (`findProc`), the arguments
//! (from the query string, a form, or the JSON body read by Postgres), the read tree over the
//! rows the function returns (a table's rows embed like the table's), the access mode, and the
//! function's isolation level and settings hoisted into the transaction.

use super::mutate::{TxOutcome, tx_outcome};
use super::tree::{Condition, ReadNode, Source};
use super::{Explain, MediaType, read};
use crate::api::{ApiRequest, CallBody, ContentType, Count, Invoke};
use crate::config::Config;
use crate::error::Error;
use crate::schema::{
    Isolation, QualifiedName, Routine, RoutineParam, SchemaCache, Volatility, fuzzy,
};
use std::collections::BTreeMap;

/// A query-string or form argument: one value, or all the values a VARIADIC parameter was
/// given (`?v=1&v=2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Fixed(String),
    Variadic(Vec<String>),
}

/// How the function is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arguments {
    /// `f()`.
    None,
    /// `f(a := $1::type, ...)`: each named parameter given a value (absent ones are NULL).
    Direct(Vec<(RoutineParam, Option<ArgValue>)>),
    /// `json_to_record(<body>)` typed by the parameters, then `f(a := pgrst_body.a, ...)`;
    /// `object` picks json_to_record over json_to_recordset.
    Json {
        body: String,
        object: bool,
        params: Vec<RoutineParam>,
    },
    /// `f($1::type)`: one unnamed parameter takes the whole body (bytea as `\x` hex).
    Positional { value: String, type_name: String },
}

#[derive(Debug, Clone)]
pub struct CallPlan {
    /// The exposed schema the request calls into (its profile).
    pub schema: String,
    pub routine: Routine,
    pub arguments: Arguments,
    /// The columns of the function's rows the read needs (selected, joined on, filtered);
    /// empty: all of them.
    pub returning: Vec<String>,
    pub read: ReadNode,
    pub media: MediaType,
    /// `application/vnd.pgrst.plan`: answer the call's EXPLAIN (and never keep what it did).
    pub explain: Option<Explain>,
    /// `count=exact` and `count=estimated` count the rows; `planned` does not on a call.
    pub count: bool,
    pub head: bool,
    /// GET and HEAD, and POST of a function that is not VOLATILE.
    pub read_only: bool,
    pub isolation: Option<Isolation>,
    /// The function's settings PostgREST hoists into the transaction (`db-hoisted-tx-settings`).
    pub settings: Vec<(String, String)>,
    pub tx: TxOutcome,
    /// `max-affected=` under `handling=strict`: the most rows the function may return.
    pub max_affected: Option<i64>,
    /// `Prefer: timezone=`, when the database knows the zone.
    pub timezone: Option<String>,
    /// Rows past which the answer streams (see `ReadPlan::stream_after`); only for sets of
    /// rows from a function that is not VOLATILE, which may then run again for the count and
    /// the cursor on the same snapshot and give the same rows.
    pub stream_after: Option<i64>,
}

pub fn plan(
    req: &ApiRequest,
    cache: &SchemaCache,
    schema: &str,
    invoke: Invoke,
    cfg: &Config,
) -> Result<CallPlan, Error> {
    let post = invoke == Invoke::Post;
    let keys: Vec<String> = match &req.call_body {
        Some(body) if post => body.keys(),
        _ => {
            let mut keys: Vec<String> =
                req.query.arguments.iter().map(|(k, _)| k.clone()).collect();
            keys.sort();
            keys.dedup();
            keys
        }
    };
    let function = QualifiedName::new(schema, &req.resource);
    let routine = find(cache, &function, &keys, &req.content_type, post)?.clone();
    // A function's rows read as its table's, so they embed as the table's would.
    let rows_of = QualifiedName::new(
        &routine.schema,
        routine.table_name().unwrap_or(&routine.name),
    );
    let tree = read::tree_for(req, cache, &rows_of, read::Root::CallResult, cfg)?;
    let (media, explain) = super::represent(req, cache, cfg, &rows_of)?;
    let timezone = super::timezone(req, cache);
    let invalid = req.prefer.invalid_given(timezone.is_some());
    if req.prefer.strict() && !invalid.is_empty() {
        return Err(Error::invalid_preferences(&invalid));
    }
    if req.prefer.max_affected().is_some() && !routine.returns_set() {
        return Err(Error::max_affected_single());
    }
    let arguments = arguments(req, &routine, &keys, post);
    let returning = returning(&tree);
    // Any count on a call is exact.
    let stream_after = super::stream_after(
        routine.returns.set
            && routine.returns.composite
            && routine.volatility != Volatility::Volatile
            && req.prefer.max_affected().is_none()
            && super::streamable(&media, explain.as_ref(), None, invoke == Invoke::Head),
        &tree,
        cfg,
    );
    Ok(CallPlan {
        schema: schema.to_string(),
        arguments,
        returning,
        read: tree,
        media,
        explain,
        count: matches!(req.prefer.count, Some(Count::Exact | Count::Estimated)),
        head: invoke == Invoke::Head,
        read_only: !post || routine.volatility != Volatility::Volatile,
        isolation: routine.isolation,
        settings: routine
            .settings
            .iter()
            .filter(|(k, _)| cfg.db_hoisted_tx_settings.iter().any(|h| h == k))
            .cloned()
            .collect(),
        tx: tx_outcome(cfg.db_tx_end, req.prefer.tx),
        max_affected: req.prefer.max_affected(),
        timezone,
        routine,
        stream_after,
    })
}

/// PostgREST's `findProc`: among the overloads of the name, those whose parameters the
/// argument names fit (every required one given, nothing unknown); failing that, the one
/// whose single unnamed parameter takes a POST body of this content type.
fn find<'c>(
    cache: &'c SchemaCache,
    function: &QualifiedName,
    keys: &[String],
    content: &ContentType,
    post: bool,
) -> Result<&'c Routine, Error> {
    let overloads = cache.routines.get(function).map_or(&[][..], Vec::as_slice);
    let raw_body = post
        && matches!(
            content,
            ContentType::OctetStream | ContentType::TextPlain | ContentType::TextXml
        );
    let fits = |r: &Routine| {
        if r.params.is_empty() {
            return keys.is_empty() && !raw_body;
        }
        let given = |p: &RoutineParam| keys.contains(&p.name);
        r.params.iter().filter(|p| p.required).all(given)
            && keys.iter().all(|k| r.params.iter().any(|p| &p.name == k))
    };
    let takes_body = |r: &Routine| match r.params.as_slice() {
        [p] if post && p.name.is_empty() => matches!(
            (content, p.type_name.as_str()),
            (ContentType::Json, "json" | "jsonb")
                | (ContentType::TextPlain, "text")
                | (ContentType::TextXml, "xml")
                | (ContentType::OctetStream, "bytea")
        ),
        _ => false,
    };
    let named: Vec<&Routine> = overloads.iter().filter(|r| fits(r)).collect();
    let unnamed: Vec<&Routine> = overloads
        .iter()
        .filter(|r| !fits(r) && takes_body(r))
        .collect();
    match (named.as_slice(), unnamed.as_slice()) {
        ([one], _) | ([], [one]) => Ok(one),
        ([], []) => Err(no_rpc(cache, function, keys, content, post, overloads)),
        ([], many) | (many, _) => Err(Error::ambiguous_rpc(
            &many.iter().map(|r| signature(r)).collect::<Vec<_>>(),
        )),
    }
}

/// `schema.f(a => integer, b => text)`, as PostgREST lists ambiguous candidates.
fn signature(r: &Routine) -> String {
    let params: Vec<String> = r
        .params
        .iter()
        .map(|p| format!("{} => {}", p.name, p.type_name))
        .collect();
    format!("{}.{}({})", r.schema, r.name, params.join(", "))
}

/// PGRST202, worded as PostgREST words it for the way the function was looked for, with its
/// fuzzy hint: the closest function name in the schema, or, when the name exists, the closest
/// parameter list among its overloads.
fn no_rpc(
    cache: &SchemaCache,
    function: &QualifiedName,
    keys: &[String],
    content: &ContentType,
    post: bool,
    overloads: &[Routine],
) -> Error {
    let qualified = format!("{}.{}", function.schema, function.name);
    let single_body = post
        && matches!(
            content,
            ContentType::TextPlain | ContentType::TextXml | ContentType::OctetStream
        );
    let listed = keys.join(", ");
    let arguments = match (single_body, keys.is_empty()) {
        (true, _) => String::new(),
        (false, true) => " without parameters".to_string(),
        (false, false) => format!("({listed})"),
    };
    let with_params = if keys.is_empty() {
        " without parameters".to_string()
    } else {
        let s = if keys.len() > 1 { "s" } else { "" };
        format!(" with parameter{s} {listed}")
    };
    let searched = match (post, content) {
        (true, ContentType::TextPlain) => " with a single unnamed text parameter".to_string(),
        (true, ContentType::TextXml) => " with a single unnamed xml parameter".to_string(),
        (true, ContentType::OctetStream) => " with a single unnamed bytea parameter".to_string(),
        (true, ContentType::Json) => {
            format!("{with_params} or with a single unnamed json/jsonb parameter")
        }
        _ => with_params,
    };
    let hint = if single_body {
        None
    } else if overloads.is_empty() {
        let names = cache
            .routines
            .keys()
            .filter(|q| q.schema == function.schema)
            .map(|q| q.name.as_str());
        fuzzy::best(&function.name, names).map(|n| {
            format!(
                "Perhaps you meant to call the function {}.{n}",
                function.schema
            )
        })
    } else {
        let list = |names: Vec<&str>| {
            let mut names = names;
            names.sort();
            format!("({})", names.join(", "))
        };
        let lists: Vec<String> = overloads
            .iter()
            .map(|r| list(r.params.iter().map(|p| p.name.as_str()).collect()))
            .collect();
        fuzzy::best(
            &list(keys.iter().map(String::as_str).collect()),
            lists.iter().map(String::as_str),
        )
        .map(|l| format!("Perhaps you meant to call the function {qualified}{l}"))
    };
    Error::no_rpc(&qualified, &arguments, &searched, hint)
}

/// The arguments, from where the request put them (PostgREST's `callPlan`): only the named
/// parameters the request gives are passed, so the others keep their defaults.
fn arguments(req: &ApiRequest, routine: &Routine, keys: &[String], post: bool) -> Arguments {
    let direct = |pairs: &[(String, String)]| -> BTreeMap<String, ArgValue> {
        let mut args: BTreeMap<String, ArgValue> = BTreeMap::new();
        for (k, v) in pairs {
            let variadic = routine.params.iter().any(|p| &p.name == k && p.variadic);
            match (variadic, args.get_mut(k)) {
                (true, Some(ArgValue::Variadic(values))) => values.push(v.clone()),
                (true, _) => {
                    args.insert(k.clone(), ArgValue::Variadic(vec![v.clone()]));
                }
                // A repeated parameter that is not VARIADIC: the last value counts.
                (false, _) => {
                    args.insert(k.clone(), ArgValue::Fixed(v.clone()));
                }
            }
        }
        args
    };
    let body = if post { req.call_body.as_ref() } else { None };
    if let [param] = routine.params.as_slice()
        && param.name.is_empty()
    {
        let value = match body {
            Some(CallBody::Raw(bytes)) if param.type_name == "bytea" => bytea_hex(bytes),
            Some(CallBody::Raw(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
            Some(CallBody::Json { raw, .. }) => raw.clone(),
            Some(CallBody::Form(pairs)) => json_object(&direct(pairs)),
            None => json_object(&direct(&req.query.arguments)),
        };
        return Arguments::Positional {
            value,
            type_name: param.type_name.clone(),
        };
    }
    let params: Vec<RoutineParam> = routine
        .params
        .iter()
        .filter(|p| keys.contains(&p.name))
        .cloned()
        .collect();
    if params.is_empty() {
        return Arguments::None;
    }
    let pairs = match body {
        Some(CallBody::Json { raw, .. }) => {
            let object = raw
                .trim_start_matches([' ', '\t', '\n', '\r'])
                .starts_with('{');
            return Arguments::Json {
                body: raw.clone(),
                object,
                params,
            };
        }
        Some(CallBody::Form(pairs)) => pairs,
        Some(CallBody::Raw(_)) | None => &req.query.arguments,
    };
    let mut values = direct(pairs);
    Arguments::Direct(
        params
            .into_iter()
            .map(|p| {
                let v = values.remove(&p.name);
                (p, v)
            })
            .collect(),
    )
}

/// `{"a": "1", "v": ["1", "2"]}`: query-string arguments handed to a function of one unnamed
/// JSON parameter.
fn json_object(args: &BTreeMap<String, ArgValue>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = args
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ArgValue::Fixed(s) => serde_json::Value::String(s.clone()),
                ArgValue::Variadic(vs) => vs.clone().into(),
            };
            (k.clone(), v)
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// Bytes as bytea's text input: `\x` and two hex digits each.
fn bytea_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("\\x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// PostgREST's `inferColsEmbedNeeds` plus the filtered columns: what the read over the
/// function's rows needs of them. `*` anywhere in the select, or a computed relationship,
/// needs every column.
fn returning(tree: &ReadNode) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for f in &tree.select {
        if f.field.name == "*" {
            return vec!["*".to_string()];
        }
        columns.push(f.field.name.clone());
    }
    for child in &tree.children {
        if matches!(child.source, Source::Computed { .. }) {
            return vec!["*".to_string()];
        }
        if let Some(e) = &child.embedding {
            columns.extend(e.parent_columns.iter().cloned());
        }
    }
    if columns.is_empty() {
        return columns;
    }
    fn filtered(c: &Condition, out: &mut Vec<String>) {
        match c {
            Condition::Filter { field, .. } => out.push(field.name.clone()),
            Condition::Tree { children, .. } => children.iter().for_each(|c| filtered(c, out)),
            Condition::NullEmbed { .. } => {}
        }
    }
    tree.conditions
        .iter()
        .for_each(|c| filtered(c, &mut columns));
    columns.sort();
    columns.dedup();
    columns
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::schema::ReturnType;

    fn param(name: &str, type_name: &str, required: bool) -> RoutineParam {
        RoutineParam {
            name: name.into(),
            type_name: type_name.into(),
            cast_type: type_name.into(),
            required,
            variadic: false,
        }
    }

    fn routine(name: &str, params: Vec<RoutineParam>) -> Routine {
        Routine {
            schema: "public".into(),
            name: name.into(),
            params,
            returns: ReturnType {
                set: false,
                composite: false,
                name: QualifiedName::new("pg_catalog", "text"),
            },
            volatility: Volatility::Immutable,
            isolation: None,
            settings: Vec::new(),
            description: None,
            oid: 0,
        }
    }

    fn cache() -> SchemaCache {
        let mut cache = SchemaCache::default();
        let mut add = |r: Routine| {
            cache
                .routines
                .entry(QualifiedName::new(&r.schema, &r.name))
                .or_default()
                .push(r)
        };
        add(routine("over", vec![]));
        add(routine("over", vec![param("a", "integer", true)]));
        add(routine(
            "over",
            vec![param("a", "integer", true), param("b", "integer", true)],
        ));
        add(routine("over", vec![param("x", "text", true)]));
        add(routine(
            "greet",
            vec![param("name", "text", false), param("punct", "text", false)],
        ));
        add(routine("amb", vec![param("a", "integer", true)]));
        add(routine("amb", vec![param("a", "text", true)]));
        add(routine("echo", vec![param("", "json", true)]));
        add(routine("echo_text", vec![param("", "text", true)]));
        cache
    }

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    fn found(
        name: &str,
        k: &[&str],
        content: ContentType,
        post: bool,
    ) -> Result<Vec<String>, Error> {
        let cache = cache();
        find(
            &cache,
            &QualifiedName::new("public", name),
            &keys(k),
            &content,
            post,
        )
        .map(|r| r.params.iter().map(|p| p.name.clone()).collect())
    }

    #[test]
    fn overloads_are_chosen_by_argument_names() {
        assert_eq!(
            found("over", &[], ContentType::Json, true).unwrap(),
            keys(&[])
        );
        assert_eq!(
            found("over", &["a"], ContentType::Json, false).unwrap(),
            keys(&["a"])
        );
        assert_eq!(
            found("over", &["a", "b"], ContentType::Json, true).unwrap(),
            keys(&["a", "b"])
        );
        assert_eq!(
            found("over", &["x"], ContentType::Json, true).unwrap(),
            keys(&["x"])
        );
        assert_eq!(
            found("greet", &[], ContentType::Json, true).unwrap(),
            keys(&["name", "punct"])
        );
        assert_eq!(
            found("greet", &["punct"], ContentType::Json, true).unwrap(),
            keys(&["name", "punct"])
        );
        let e = found("greet", &["nam"], ContentType::Json, true).unwrap_err();
        assert_eq!(e.code(), "PGRST202");
        // A raw body never calls a function without parameters.
        assert_eq!(
            found("over", &[], ContentType::TextPlain, true)
                .unwrap_err()
                .code(),
            "PGRST202"
        );
    }

    #[test]
    fn ambiguous_overloads_are_listed_in_order() {
        let e = found("amb", &["a"], ContentType::Json, true).unwrap_err();
        let Error::Api {
            status, message, ..
        } = e
        else {
            panic!()
        };
        assert_eq!(status, 300);
        assert_eq!(
            message,
            "Could not choose the best candidate function between: public.amb(a => integer), public.amb(a => text)"
        );
    }

    #[test]
    fn one_unnamed_parameter_takes_the_body_by_content_type() {
        assert_eq!(
            found("echo", &["whatever"], ContentType::Json, true).unwrap(),
            keys(&[""])
        );
        assert_eq!(
            found("echo_text", &[], ContentType::TextPlain, true).unwrap(),
            keys(&[""])
        );
        // Not over GET, and not for another content type.
        assert_eq!(
            found("echo", &["x"], ContentType::Json, false)
                .unwrap_err()
                .code(),
            "PGRST202"
        );
        assert_eq!(
            found("echo_text", &[], ContentType::TextXml, true)
                .unwrap_err()
                .code(),
            "PGRST202"
        );
    }

    #[test]
    fn not_found_is_worded_by_how_it_was_searched() {
        let e = found("over", &["a", "zz"], ContentType::Json, true).unwrap_err();
        let Error::Api {
            message,
            details,
            hint,
            ..
        } = e
        else {
            panic!()
        };
        assert_eq!(
            message,
            "Could not find the function public.over(a, zz) in the schema cache"
        );
        assert_eq!(
            details,
            Some(serde_json::Value::String(
                "Searched for the function public.over with parameters a, zz or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.".into()
            ))
        );
        assert_eq!(
            hint.as_deref(),
            Some("Perhaps you meant to call the function public.over(a, b)")
        );
        let Error::Api {
            message,
            details,
            hint,
            ..
        } = found("ovr", &[], ContentType::TextPlain, true).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            message,
            "Could not find the function public.ovr in the schema cache"
        );
        assert_eq!(
            details,
            Some(serde_json::Value::String(
                "Searched for the function public.ovr with a single unnamed text parameter, but no matches were found in the schema cache.".into()
            ))
        );
        assert_eq!(hint, None);
        let Error::Api { hint, .. } = found("ovr", &[], ContentType::Json, false).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            hint.as_deref(),
            Some("Perhaps you meant to call the function public.over")
        );
    }

    #[test]
    fn repeated_arguments_fill_a_variadic_parameter_and_the_last_wins_otherwise() {
        let mut r = routine(
            "v",
            vec![
                param("a", "integer", true),
                param("nums", "integer[]", true),
            ],
        );
        r.params[1].variadic = true;
        let req = ApiRequest::parse(
            "GET",
            "/rpc/v",
            Some("a=1&a=2&nums=3&nums=4&id=gt.1"),
            &[],
            bytes::Bytes::new(),
        )
        .unwrap();
        assert_eq!(req.query.filters.len(), 1);
        let args = arguments(&req, &r, &keys(&["a", "nums"]), false);
        let Arguments::Direct(args) = args else {
            panic!("{args:?}")
        };
        assert_eq!(args[0].1, Some(ArgValue::Fixed("2".into())));
        assert_eq!(
            args[1].1,
            Some(ArgValue::Variadic(vec!["3".into(), "4".into()]))
        );
    }
}
