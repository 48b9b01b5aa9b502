//! The request body of a write, as PostgREST reads it: JSON (an object or an array of objects
//! with the same keys), `text/csv` (a header row; `NULL` is null) or a urlencoded form (one
//! object). It becomes one JSON array, sent to Postgres as a single parameter and expanded
//! there with `json_to_recordset`.

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

fn invalid_json() -> Error {
    Error::invalid_body("Empty or invalid json")
}

pub fn parse(
    content_type: Option<&str>,
    body: &[u8],
    columns: Option<&[String]>,
) -> Result<Payload, Error> {
    let media = content_type
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (rows, is_array) = match media.as_str() {
        "text/csv" => (csv(body)?, true),
        "application/x-www-form-urlencoded" => {
            let object: Map<String, Value> = form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            (vec![Value::Object(object)], false)
        }
        "application/json" | "" => {
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
                "Content-Type not acceptable: {other}"
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
