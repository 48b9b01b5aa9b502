//! The request body, as PostgREST reads it. A write's is JSON (an object or an array of
//! objects with the same keys), `text/csv` (a header row; `NULL` is null) or a urlencoded form
//! (one object); it becomes one JSON array, sent to Postgres as a single parameter and expanded
//! there with `json_to_recordset`. A function call's is the same JSON or CSV, kept as sent,
//! whose keys name the arguments; a form, whose pairs are the arguments; or, for a function of
//! one unnamed parameter, text, XML or bytes taken whole.

use crate::error::Error;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// Always an array of objects.
    pub rows: Value,
    /// The columns the body sets: the objects' keys, or `columns=`.
    pub keys: Vec<String>,
    /// Whether the client sent an array (singular PUT/PATCH rules look at this).
    pub is_array: bool,
}

/// `Content-Type`, as PostgREST tells bodies apart (absent: JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentType {
    Json,
    Csv,
    Form,
    TextPlain,
    TextXml,
    OctetStream,
    Other(String),
}

impl ContentType {
    pub fn of(header: Option<&str>) -> ContentType {
        let media = header
            .unwrap_or("application/json")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/json" | "" => ContentType::Json,
            "text/csv" => ContentType::Csv,
            "application/x-www-form-urlencoded" => ContentType::Form,
            "text/plain" => ContentType::TextPlain,
            "text/xml" => ContentType::TextXml,
            "application/octet-stream" => ContentType::OctetStream,
            _ => ContentType::Other(media),
        }
    }

    pub fn mime(&self) -> &str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Csv => "text/csv",
            ContentType::Form => "application/x-www-form-urlencoded",
            ContentType::TextPlain => "text/plain",
            ContentType::TextXml => "text/xml",
            ContentType::OctetStream => "application/octet-stream",
            ContentType::Other(m) => m,
        }
    }
}

/// The body of `POST /rpc/<function>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallBody {
    /// JSON as sent (CSV as the JSON array of its rows) and the argument names: the object's
    /// keys, the first element's, or `columns=`.
    Json { raw: String, keys: Vec<String> },
    /// A urlencoded form: arguments as a query string gives them.
    Form(Vec<(String, String)>),
    /// text/plain, text/xml or application/octet-stream: one unnamed argument.
    Raw(bytes::Bytes),
}

impl CallBody {
    /// The argument names the body gives.
    pub fn keys(&self) -> Vec<String> {
        match self {
            CallBody::Json { keys, .. } => keys.clone(),
            CallBody::Form(pairs) => {
                let mut keys: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
                keys.sort();
                keys.dedup();
                keys
            }
            CallBody::Raw(_) => Vec::new(),
        }
    }
}

/// A call's body (PostgREST's `getPayload` for a routine). An empty JSON body is `{}`; JSON
/// that is neither an object nor an array of objects passes as an empty array.
pub fn call(
    content: &ContentType,
    body: &bytes::Bytes,
    columns: Option<&[String]>,
) -> Result<CallBody, Error> {
    let json = |rows: Value, raw: String| -> Result<CallBody, Error> {
        let keys = match rows {
            Value::Object(o) => o.keys().cloned().collect(),
            Value::Array(items) => {
                if items.is_empty() {
                    return Ok(CallBody::Json {
                        raw: "[]".into(),
                        keys: Vec::new(),
                    });
                }
                uniform_keys(&items)?
            }
            _ => {
                return Ok(CallBody::Json {
                    raw: "[]".into(),
                    keys: Vec::new(),
                });
            }
        };
        Ok(CallBody::Json { raw, keys })
    };
    match content {
        ContentType::Json => {
            if let Some(cols) = columns {
                return Ok(CallBody::Json {
                    raw: String::from_utf8_lossy(body).into_owned(),
                    keys: cols.to_vec(),
                });
            }
            if body.is_empty() {
                return Ok(CallBody::Json {
                    raw: "{}".into(),
                    keys: Vec::new(),
                });
            }
            let value: Value = serde_json::from_slice(body).map_err(|_| invalid_json())?;
            let raw = String::from_utf8_lossy(body).into_owned();
            json(value, raw)
        }
        ContentType::Csv => {
            let rows = Value::Array(csv(body)?);
            let raw = rows.to_string();
            json(rows, raw)
                .map_err(|_| Error::invalid_body("All lines must have same number of fields"))
        }
        ContentType::Form => Ok(CallBody::Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )),
        ContentType::TextPlain | ContentType::TextXml | ContentType::OctetStream => {
            Ok(CallBody::Raw(body.clone()))
        }
        ContentType::Other(other) => Err(Error::invalid_body(&format!(
            "Content-Type not acceptable: {other}"
        ))),
    }
}

fn invalid_json() -> Error {
    Error::invalid_body("Empty or invalid json")
}

pub fn parse(
    content_type: Option<&str>,
    body: &[u8],
    columns: Option<&[String]>,
) -> Result<Payload, Error> {
    let (rows, is_array) = match ContentType::of(content_type) {
        ContentType::Csv => (csv(body)?, true),
        ContentType::Form => {
            let object: Map<String, Value> = form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            (vec![Value::Object(object)], false)
        }
        ContentType::Json => {
            let value: Value = serde_json::from_slice(body).map_err(|_| invalid_json())?;
            match value {
                Value::Object(_) => (vec![value], false),
                Value::Array(items) => (items, true),
                // PostgREST's json_to_recordset sees no rows in a scalar.
                _ => (Vec::new(), true),
            }
        }
        other => {
            return Err(Error::invalid_body(&format!(
                "Content-Type not acceptable: {}",
                other.mime()
            )));
        }
    };
    let keys = match columns {
        Some(cols) => cols.to_vec(),
        None => uniform_keys(&rows)?,
    };
    Ok(Payload {
        rows: Value::Array(rows),
        keys,
        is_array,
    })
}

/// The keys every object shares; PostgREST refuses bodies whose objects differ.
fn uniform_keys(rows: &[Value]) -> Result<Vec<String>, Error> {
    let mut first: Option<Vec<&String>> = None;
    for row in rows {
        let Value::Object(o) = row else {
            return Err(Error::invalid_body("All object keys must match"));
        };
        let keys: Vec<&String> = o.keys().collect();
        match &first {
            None => first = Some(keys),
            Some(f) if *f != keys => return Err(Error::invalid_body("All object keys must match")),
            Some(_) => {}
        }
    }
    Ok(first.unwrap_or_default().into_iter().cloned().collect())
}

/// CSV with a header row. Fields may be double-quoted (`""` is a quote); an unquoted `NULL`
/// is SQL NULL, an empty field the empty string.
fn csv(body: &[u8]) -> Result<Vec<Value>, Error> {
    let text =
        std::str::from_utf8(body).map_err(|_| Error::invalid_body("Invalid CSV: not UTF-8"))?;
    let records = csv_records(text)?;
    let mut records = records.into_iter();
    let header: Vec<String> = match records.next() {
        Some(h) => h.into_iter().map(|(f, _)| f).collect(),
        None => return Ok(Vec::new()),
    };
    records
        .filter(|r| !(r.len() == 1 && r[0].0.is_empty() && !r[0].1))
        .map(|r| {
            if r.len() != header.len() {
                return Err(Error::invalid_body(
                    "All lines must have same number of fields",
                ));
            }
            Ok(Value::Object(
                header
                    .iter()
                    .zip(r)
                    .map(|(k, (v, quoted))| {
                        let v = if v == "NULL" && !quoted {
                            Value::Null
                        } else {
                            Value::String(v)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ))
        })
        .collect()
}

/// Records of (field, was quoted).
fn csv_records(text: &str) -> Result<Vec<Vec<(String, bool)>>, Error> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => in_quotes = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                in_quotes = true;
                quoted = true;
            }
            ',' => record.push((
                std::mem::take(&mut field),
                std::mem::replace(&mut quoted, false),
            )),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push((
                    std::mem::take(&mut field),
                    std::mem::replace(&mut quoted, false),
                ));
                records.push(std::mem::take(&mut record));
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(Error::invalid_body(
            "Invalid CSV: unterminated quoted field",
        ));
    }
    if !field.is_empty() || !record.is_empty() || quoted {
        record.push((field, quoted));
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod unit {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_bodies() {
        let p = parse(None, br#"{"a":1,"b":"x"}"#, None).unwrap();
        assert_eq!(p.rows, json!([{"a":1,"b":"x"}]));
        assert_eq!(p.keys, vec!["a", "b"]);
        assert!(!p.is_array);
        let e = parse(None, br#"[{"a":1},{"b":2}]"#, None).unwrap_err();
        assert_eq!(e.code(), "PGRST102");
        assert_eq!(parse(None, b"", None).unwrap_err().code(), "PGRST102");
        assert_eq!(parse(None, b"[1]", None).unwrap_err().code(), "PGRST102");
        assert_eq!(parse(None, b"5", None).unwrap().rows, json!([]));
        assert_eq!(
            parse(Some("text/plain"), b"x", None).unwrap_err().code(),
            "PGRST102"
        );
        let cols = vec!["a".to_string()];
        let p = parse(None, br#"[{"a":1},{"b":2}]"#, Some(&cols)).unwrap();
        assert_eq!(p.keys, vec!["a"]);
    }

    #[test]
    fn csv_and_forms() {
        let p = parse(
            Some("text/csv"),
            b"id,name,note\n1,\"a, b\",NULL\n2,\"say \"\"hi\"\"\",\n",
            None,
        )
        .unwrap();
        assert_eq!(
            p.rows,
            json!([{"id":"1","name":"a, b","note":null},{"id":"2","name":"say \"hi\"","note":""}])
        );
        let p = parse(
            Some("application/x-www-form-urlencoded"),
            b"name=a+b&id=3",
            None,
        )
        .unwrap();
        assert_eq!(p.rows, json!([{"name":"a b","id":"3"}]));
    }
}
