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
    /// Always a JSON array of objects, as text: a JSON body as sent (an object in brackets).
    pub rows: String,
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
    let json = |raw: String| -> Result<CallBody, Error> {
        let keys = match shape(raw.as_bytes())? {
            Shape::Object(keys) => keys,
            Shape::Array(Elements {
                first: None,
                uniform: true,
            })
            | Shape::Scalar => {
                return Ok(CallBody::Json {
                    raw: "[]".into(),
                    keys: Vec::new(),
                });
            }
            Shape::Array(elements) => elements.keys()?,
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
            let raw = std::str::from_utf8(body).map_err(|_| invalid_json())?;
            json(raw.to_string())
        }
        ContentType::Csv => json(Value::Array(csv(body)?).to_string())
            .map_err(|_| Error::invalid_body("All lines must have same number of fields")),
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
        ContentType::Json => return json_rows(body, columns),
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
        rows: Value::Array(rows).to_string(),
        keys,
        is_array,
    })
}

/// A JSON body goes to Postgres as sent, as PostgREST sends it: only its shape is read here
/// (whether it is valid, an object or an array, and the objects' keys), not its values, which
/// for a 10,000-row body would cost the worker many times the body's size, twice over once
/// serialised again.
fn json_rows(body: &[u8], columns: Option<&[String]>) -> Result<Payload, Error> {
    // serde_json does not check the UTF-8 of strings it skips.
    let raw = std::str::from_utf8(body).map_err(|_| invalid_json())?;
    let (rows, keys, is_array) = match shape(body)? {
        Shape::Object(keys) => (format!("[{raw}]"), keys, false),
        Shape::Array(elements) => {
            let keys = match columns {
                Some(_) => Vec::new(),
                None => elements.keys()?,
            };
            (raw.to_string(), keys, true)
        }
        // PostgREST's json_to_recordset sees no rows in a scalar.
        Shape::Scalar => ("[]".to_string(), Vec::new(), true),
    };
    Ok(Payload {
        rows,
        keys: columns.map_or(keys, <[String]>::to_vec),
        is_array,
    })
}

/// A JSON document's shape: an object's keys (sorted, once each, as a map holds them), an
/// array's elements' keys, or neither.
enum Shape {
    Object(Vec<String>),
    Array(Elements),
    Scalar,
}

/// The keys of an array's elements: those of the first, and whether every element is an
/// object with the same ones.
struct Elements {
    first: Option<Vec<String>>,
    uniform: bool,
}

impl Elements {
    /// The keys every object shares; PostgREST refuses bodies whose objects differ.
    fn keys(self) -> Result<Vec<String>, Error> {
        if !self.uniform {
            return Err(Error::invalid_body("All object keys must match"));
        }
        Ok(self.first.unwrap_or_default())
    }
}

fn shape(body: &[u8]) -> Result<Shape, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let shape =
        serde::Deserializer::deserialize_any(&mut de, ShapeVisitor).map_err(|_| invalid_json())?;
    de.end().map_err(|_| invalid_json())?;
    Ok(shape)
}

/// Reads a value's shape, skipping every value below the keys.
struct ShapeVisitor;

/// An array element: its keys when it is an object.
struct ElementKeys(Option<Vec<String>>);

fn object_keys<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Vec<String>, A::Error> {
    let mut keys = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        map.next_value::<serde::de::IgnoredAny>()?;
        keys.push(key);
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

impl<'de> serde::de::Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Shape, A::Error> {
        object_keys(map).map(Shape::Object)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut elements = Elements {
            first: None,
            uniform: true,
        };
        while let Some(ElementKeys(keys)) = seq.next_element()? {
            match (keys, &elements.first) {
                (None, _) => elements.uniform = false,
                (Some(keys), None) => elements.first = Some(keys),
                (Some(keys), Some(first)) => elements.uniform &= keys == *first,
            }
        }
        Ok(Shape::Array(elements))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
}

impl<'de> serde::Deserialize<'de> for ElementKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ElementKeys, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ElementKeys;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ElementKeys, A::Error> {
                object_keys(map).map(|k| ElementKeys(Some(k)))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ElementKeys, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(ElementKeys(None))
            }

            fn visit_bool<E>(self, _: bool) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
            fn visit_unit<E>(self) -> Result<ElementKeys, E> {
                Ok(ElementKeys(None))
            }
        }
        d.deserialize_any(V)
    }
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
        assert_eq!(p.rows, r#"[{"a":1,"b":"x"}]"#);
        assert_eq!(p.keys, vec!["a", "b"]);
        assert!(!p.is_array);
        let e = parse(None, br#"[{"a":1},{"b":2}]"#, None).unwrap_err();
        assert_eq!(e.code(), "PGRST102");
        assert_eq!(parse(None, b"", None).unwrap_err().code(), "PGRST102");
        assert_eq!(parse(None, b"[1]", None).unwrap_err().code(), "PGRST102");
        assert_eq!(parse(None, b"5", None).unwrap().rows, "[]");
        // As sent: numbers keep their digits, keys their order and duplicates.
        let p = parse(
            None,
            b" [{\"b\":1.50, \"a\":12345678901234567890123,\"a\":2}] ",
            None,
        )
        .unwrap();
        assert_eq!(
            p.rows,
            " [{\"b\":1.50, \"a\":12345678901234567890123,\"a\":2}] "
        );
        assert_eq!(p.keys, vec!["a", "b"]);
        assert!(p.is_array);
        for bad in [
            &b"[{\"a\":1}"[..],
            b"{\"a\":1} x",
            b"[{\"a\":\"\xff\"}]",
            b"{\"a\":[1,}",
        ] {
            assert_eq!(
                parse(None, bad, None).unwrap_err().code(),
                "PGRST102",
                "{bad:?}"
            );
        }
        let e = parse(None, br#"[{"a":1},{"b":2},{"a":"#, None).unwrap_err();
        assert!(
            matches!(&e, Error::Api { message, .. } if message == "Empty or invalid json"),
            "{e:?}"
        );
        assert_eq!(
            parse(None, br#"[{"a":1},{"a":[1,{"b":2}]}]"#, None)
                .unwrap()
                .keys,
            vec!["a"]
        );
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
            serde_json::from_str::<Value>(&p.rows).unwrap(),
            json!([{"id":"1","name":"a, b","note":null},{"id":"2","name":"say \"hi\"","note":""}])
        );
        let p = parse(
            Some("application/x-www-form-urlencoded"),
            b"name=a+b&id=3",
            None,
        )
        .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&p.rows).unwrap(),
            json!([{"name":"a b","id":"3"}])
        );
    }
}
