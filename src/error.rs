//! The one error type of the request path: PostgREST's own errors (`PGRSTxxx`, with their
//! fixed statuses, messages, details and hints) and PostgreSQL's, with PostgREST's SQLSTATE →
//! HTTP status table. A leaf: the response stage renders it (`response::error`).

use serde_json::Value;

/// PGRST901's code (see `Error::standby_write`).
pub const STANDBY_WRITE: &str = "PGRST901";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An error PostgREST itself defines (`PGRSTxxx`), with its fixed HTTP status.
    Api {
        status: u16,
        code: &'static str,
        message: String,
        /// A string, or a JSON array for PGRST201's candidate relationships.
        details: Option<Value>,
        hint: Option<String>,
    },
    /// An error raised by PostgreSQL; the status follows from the SQLSTATE.
    Pg {
        sqlstate: String,
        message: String,
        details: Option<String>,
        hint: Option<String>,
    },
}

impl Error {
    fn api(status: u16, code: &'static str, message: impl Into<String>) -> Error {
        Error::Api {
            status,
            code,
            message: message.into(),
            details: None,
            hint: None,
        }
    }

    fn with_details(mut self, d: impl Into<String>) -> Error {
        match &mut self {
            Error::Api { details, .. } => *details = Some(Value::String(d.into())),
            Error::Pg { details, .. } => *details = Some(d.into()),
        }
        self
    }

    fn with_hint(mut self, h: Option<String>) -> Error {
        match &mut self {
            Error::Api { hint, .. } | Error::Pg { hint, .. } => *hint = h,
        }
        self
    }

    /// PGRST100: a query parameter failed to parse. `message` names the parameter and position.
    pub fn query_param(message: impl Into<String>, details: impl Into<String>) -> Error {
        Error::api(400, "PGRST100", message).with_details(details)
    }

    /// PGRST103: the requested range cannot be satisfied (e.g. a negative limit).
    pub fn invalid_range(details: impl Into<String>) -> Error {
        Error::api(416, "PGRST103", "Requested range not satisfiable").with_details(details)
    }

    /// PGRST103 for an offset past the last row: `details` names both numbers.
    pub fn range_out_of_bounds(offset: i64, total: i64) -> Error {
        Error::invalid_range(format!(
            "An offset of {offset} was requested, but there are only {total} rows."
        ))
    }

    pub fn unacceptable_schema(schema: &str, exposed: &[String]) -> Error {
        Error::api(406, "PGRST106", format!("Invalid schema: {schema}")).with_hint(Some(format!(
            "Only the following schemas are exposed: {}",
            exposed.join(", ")
        )))
    }

    /// PGRST107: nothing the client accepts can be produced.
    pub fn media_type(accepted: &[String]) -> Error {
        Error::api(
            406,
            "PGRST107",
            format!(
                "None of these media types are available: {}",
                accepted.join(", ")
            ),
        )
    }

    pub fn not_embedded(resource: &str) -> Error {
        Error::api(
            400,
            "PGRST108",
            format!("'{resource}' is not an embedded resource in this request"),
        )
        .with_hint(Some(format!(
            "Verify that '{resource}' is included in the 'select' query parameter."
        )))
    }

    /// PGRST116: the singular media type was asked for and the result is not one row.
    pub fn singularity(rows: i64) -> Error {
        Error::api(
            406,
            "PGRST116",
            "Cannot coerce the result to a single JSON object",
        )
        .with_details(format!("The result contains {rows} rows"))
    }

    pub fn invalid_preferences(prefs: &[String]) -> Error {
        Error::api(
            400,
            "PGRST122",
            "Invalid preferences given with handling=strict",
        )
        .with_details(format!("Invalid preferences: {}", prefs.join(", ")))
    }

    pub fn aggregates_disabled() -> Error {
        Error::api(400, "PGRST123", "Use of aggregate functions is not allowed")
    }

    pub fn unsupported_method(method: &str) -> Error {
        Error::api(
            405,
            "PGRST117",
            format!("Unsupported HTTP method: {method}"),
        )
    }

    /// PGRST126: `GET /` with `openapi_mode = disabled`.
    pub fn openapi_disabled() -> Error {
        Error::api(404, "PGRST126", "Root endpoint metadata is disabled")
    }

    /// PGRST101: `/rpc/<function>` takes GET, HEAD, POST and OPTIONS only.
    pub fn invalid_rpc_method(method: &str) -> Error {
        Error::api(
            405,
            "PGRST101",
            format!("Cannot use the {method} method on RPC"),
        )
    }

    /// PGRST128: `max-affected` needs rows to count.
    pub fn max_affected_single() -> Error {
        Error::api(
            400,
            "PGRST128",
            "Function must return SETOF or TABLE when max-affected preference is used with handling=strict",
        )
    }

    /// PGRST202: no function of that name takes those arguments. `searched` says how it was
    /// looked for (" with parameters a, b", " with a single unnamed text parameter", ...).
    pub fn no_rpc(function: &str, arguments: &str, searched: &str, hint: Option<String>) -> Error {
        Error::api(
            404,
            "PGRST202",
            format!("Could not find the function {function}{arguments} in the schema cache"),
        )
        .with_details(format!(
            "Searched for the function {function}{searched}, but no matches were found in the schema cache."
        ))
        .with_hint(hint)
    }

    /// PGRST203: several overloads take the same argument names.
    pub fn ambiguous_rpc(candidates: &[String]) -> Error {
        Error::api(
            300,
            "PGRST203",
            format!(
                "Could not choose the best candidate function between: {}",
                candidates.join(", ")
            ),
        )
        .with_hint(Some(
            "Try renaming the parameters or the function itself in the database so function overloading can be resolved".into(),
        ))
    }

    pub fn invalid_path() -> Error {
        Error::api(404, "PGRST125", "Invalid path specified in request URL")
    }

    /// PGRST127: a PostgREST feature this version of budgetbee does not serve yet.
    pub fn not_implemented(details: impl Into<String>) -> Error {
        Error::api(400, "PGRST127", "Feature not implemented").with_details(details)
    }

    /// PGRST200: no relationship between a resource and the one it embeds.
    pub fn no_relationship(
        parent: &str,
        child: &str,
        embed_hint: Option<&str>,
        schema: &str,
        suggestion: Option<String>,
    ) -> Error {
        let using = embed_hint.map_or(String::new(), |h| format!("' using the hint '{h}"));
        Error::api(
            400,
            "PGRST200",
            format!(
                "Could not find a relationship between '{parent}' and '{child}' in the schema cache"
            ),
        )
        .with_details(format!(
            "Searched for a foreign key relationship between '{parent}' and '{child}{using}' in \
             the schema '{schema}', but no matches were found."
        ))
        .with_hint(suggestion)
    }

    /// PGRST201: more than one relationship fits an embed; `candidates` describe each one and
    /// `hints` are the `table!name` forms that would pick it.
    pub fn ambiguous_relationship(
        parent: &str,
        child: &str,
        candidates: Vec<Value>,
        hints: &[String],
    ) -> Error {
        Error::Api {
            status: 300,
            code: "PGRST201",
            message: format!(
                "Could not embed because more than one relationship was found for '{parent}' and '{child}'"
            ),
            details: Some(Value::Array(candidates)),
            hint: Some(format!(
                "Try changing '{child}' to one of the following: {}. Find the desired relationship \
                 in the 'details' key.",
                hints.join(", ")
            )),
        }
    }

    /// PGRST118: `order=rel(col)` on an embed that is not to-one.
    pub fn related_order_not_to_one(origin: &str, target: &str) -> Error {
        Error::api(
            400,
            "PGRST118",
            format!("A related order on '{target}' is not possible"),
        )
        .with_details(format!(
            "'{origin}' and '{target}' do not form a many-to-one or one-to-one relationship"
        ))
    }

    pub fn table_not_found(schema: &str, table: &str, hint: Option<String>) -> Error {
        Error::api(
            404,
            "PGRST205",
            format!("Could not find the table '{schema}.{table}' in the schema cache"),
        )
        .with_hint(hint)
    }

    /// PGRST121: a `RAISE SQLSTATE 'PGRST'` whose message or detail is not the JSON it must be.
    pub fn raise_unparsable(details: String, hint: &str) -> Error {
        Error::api(
            500,
            "PGRST121",
            "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
        )
        .with_details(details)
        .with_hint(Some(hint.to_string()))
    }

    pub fn guc_headers() -> Error {
        Error::api(
            500,
            "PGRST111",
            "response.headers guc must be a JSON array composed of objects with a single key and a string value",
        )
    }

    pub fn guc_status() -> Error {
        Error::api(
            500,
            "PGRST112",
            "response.status guc must be a valid status code",
        )
    }

    /// PGRST102: the body cannot be used (empty, not JSON, keys that do not match, ...).
    pub fn invalid_body(message: &str) -> Error {
        Error::api(400, "PGRST102", message)
    }

    /// 413: the body is over `budgetbee.server_max_body_bytes` (budgetbee's own limit).
    pub fn payload_too_large(limit: usize) -> Error {
        Error::api(413, "PGRST102", "Payload Too Large").with_details(format!(
            "The request body exceeds budgetbee.server_max_body_bytes ({limit} bytes)"
        ))
    }

    /// 408: the body stopped arriving.
    pub fn body_timeout(seconds: u64) -> Error {
        Error::api(408, "PGRST102", "Request Timeout").with_details(format!(
            "The request body did not arrive within {seconds} seconds"
        ))
    }

    pub fn column_not_found(relation: &str, column: &str) -> Error {
        Error::api(
            400,
            "PGRST204",
            format!("Could not find the '{column}' column of '{relation}' in the schema cache"),
        )
    }

    pub fn put_filters() -> Error {
        Error::api(
            405,
            "PGRST105",
            "Filters must include all and only primary key columns with 'eq' operators",
        )
    }

    pub fn put_limit() -> Error {
        Error::api(
            400,
            "PGRST114",
            "limit/offset querystring parameters are not allowed for PUT",
        )
    }

    pub fn put_pk_mismatch() -> Error {
        Error::api(
            400,
            "PGRST115",
            "Payload values do not match URL in primary key column(s)",
        )
    }

    pub fn max_affected(rows: i64) -> Error {
        Error::api(
            400,
            "PGRST124",
            "Query result exceeds max-affected preference constraint",
        )
        .with_details(format!("The query affects {rows} rows"))
    }

    /// PGRST300: a token was sent but no key is configured.
    pub fn jwt_secret_missing() -> Error {
        Error::api(500, "PGRST300", "Server lacks JWT secret")
    }

    /// PGRST301: the token cannot be decoded or verified.
    pub fn jwt_decode(message: &str, details: Option<&str>) -> Error {
        let e = Error::api(401, "PGRST301", message);
        match details {
            Some(d) => e.with_details(d),
            None => e,
        }
    }

    /// PGRST303: the token's claims are not acceptable.
    pub fn jwt_claims(message: &str) -> Error {
        Error::api(401, "PGRST303", message)
    }

    pub fn anonymous_disabled() -> Error {
        Error::api(401, "PGRST302", "Anonymous access is disabled")
    }

    /// The worker could not run the request (it is shutting down or lost its backend).
    pub fn worker_unavailable() -> Error {
        Error::api(
            503,
            "PGRST000",
            "Database connection error. Retrying the connection.",
        )
    }

    /// The workers refuse to serve as a privileged authenticator (PostgREST's connection
    /// error, which clients retry).
    pub fn privileged_authenticator(role: &str, what: &str) -> Error {
        Error::worker_unavailable().with_details(format!(
            "budgetbee refuses to serve as \"{role}\", {what}: any SQL a request reaches could \
             escape row-level security"
        ))
    }

    /// PGRST901, budgetbee's own: a hot standby refuses a request that would write, before
    /// running anything. `primary`: where the request should go instead, when known.
    pub fn standby_write(method: &str, path: &str, primary: Option<&str>) -> Error {
        Error::api(
            405,
            STANDBY_WRITE,
            "This server is a read-only hot standby: it cannot run a request that writes.",
        )
        .with_details(format!(
            "{method} {path} writes; a standby serves GET and HEAD, and POST calls of STABLE or \
             IMMUTABLE functions."
        ))
        .with_hint(Some(match primary {
            Some(url) => format!("Send it to the primary, {url} (see Location)."),
            None => "Send it to the primary server.".to_string(),
        }))
    }

    /// A query a hot standby cancelled because replaying the primary's WAL needed what it
    /// held: nothing wrong with the request, which may simply be sent again.
    pub fn is_recovery_conflict(&self) -> bool {
        matches!(self, Error::Pg { sqlstate, message, .. } if recovery_conflict(sqlstate, message))
    }

    /// PGRST003: no worker took the request within `db_pool_acquisition_timeout`.
    pub fn pool_timeout() -> Error {
        Error::api(
            504,
            "PGRST003",
            "Timed out acquiring connection from connection pool.",
        )
    }

    /// PGRST002: the schema cache could not be loaded and there is no previous one to serve.
    pub fn no_schema_cache() -> Error {
        Error::api(
            503,
            "PGRST002",
            "Could not query the database for the schema cache. Retrying.",
        )
    }

    /// A value that Postgres cannot take as text (a NUL byte), refused as Postgres would.
    pub fn invalid_text_value() -> Error {
        Error::Pg {
            sqlstate: "22021".into(),
            message: "invalid byte sequence for encoding \"UTF8\": 0x00".into(),
            details: None,
            hint: None,
        }
    }

    /// A bug on our side (a Rust panic caught before it reached Postgres).
    pub fn internal(details: impl Into<String>) -> Error {
        Error::api(500, "PGRSTX00", "Internal server error").with_details(details)
    }

    pub fn code(&self) -> &str {
        match self {
            Error::Api { code, .. } => code,
            Error::Pg { sqlstate, .. } => sqlstate,
        }
    }

    /// `authenticated` is whether the request ran as a role other than the anonymous role: a
    /// permission error is 401 for anonymous callers (log in, then retry) and 403 otherwise.
    pub fn status(&self, authenticated: bool) -> u16 {
        match self {
            Error::Api { status, .. } => *status,
            Error::Pg {
                sqlstate, message, ..
            } => sqlstate_status(sqlstate, message, authenticated),
        }
    }
}

/// Postgres's "canceling statement due to conflict with recovery" (a standby's replay).
fn recovery_conflict(code: &str, message: &str) -> bool {
    matches!(code, "40001" | "40P01") && message.contains("conflict with recovery")
}

/// PostgREST's SQLSTATE → HTTP status table (`mapSQLtoHTTP` in v13's Error.hs).
pub fn sqlstate_status(code: &str, message: &str, authenticated: bool) -> u16 {
    let class = code.get(..2).unwrap_or("");
    match code {
        "23503" | "23505" => return 409,
        "25006" => return 405,
        "21000" => {
            return if message.ends_with("requires a WHERE clause") {
                400
            } else {
                500
            };
        }
        "22023" => {
            return if message.starts_with("role") && message.ends_with("does not exist") {
                401
            } else {
                400
            };
        }
        "53400" => return 500,
        // Cancelled by a hot standby's replay (PostgREST: 500 for class 40): try again.
        _ if recovery_conflict(code, message) => return 503,
        "57P01" => return 503,
        "P0001" => return 400,
        "42883" => {
            return if message.starts_with("function xmlagg(") {
                406
            } else {
                404
            };
        }
        "42P01" => return 404,
        "42P17" => return 500,
        "42501" => return if authenticated { 403 } else { 401 },
        _ => {}
    }
    if let Some(n) = code.strip_prefix("PT") {
        return n
            .parse::<u16>()
            .ok()
            .filter(|s| (100..600).contains(s))
            .unwrap_or(500);
    }
    match class {
        "08" | "53" => 503,
        "09" | "25" | "2D" | "38" | "39" | "3B" | "40" | "54" | "55" | "57" | "58" | "F0"
        | "HV" | "P0" | "XX" => 500,
        "0L" | "0P" | "28" => 403,
        _ => 400,
    }
}

/// Postgres packs a SQLSTATE into an int six bits per character (`MAKE_SQLSTATE`).
pub fn unpack_sqlstate(mut packed: i32) -> String {
    (0..5)
        .map(|_| {
            let c = ((packed & 0x3F) as u8 + b'0') as char;
            packed >>= 6;
            c
        })
        .collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn sqlstate_table() {
        for (code, msg, authed, status) in [
            ("42501", "permission denied for table t", false, 401),
            ("42501", "permission denied for table t", true, 403),
            ("22012", "division by zero", false, 400),
            ("23505", "", false, 409),
            ("23503", "", false, 409),
            ("08006", "", false, 503),
            ("P0001", "", false, 400),
            ("P0002", "", false, 500),
            ("PT402", "", false, 402),
            ("PTxyz", "", false, 500),
            ("42P01", "", false, 404),
            ("42703", "column x does not exist", false, 400),
            ("22023", "role \"x\" does not exist", true, 401),
            ("22023", "invalid value", true, 400),
            ("21000", "UPDATE requires a WHERE clause", true, 400),
            ("21000", "more than one row", true, 500),
            ("57014", "canceling statement", true, 500),
            // Class 40 is 500 as in PostgREST, but a standby's replay cancelling a query is
            // a 503 to retry.
            (
                "40001",
                "could not serialize access due to concurrent update",
                true,
                500,
            ),
            ("40P01", "deadlock detected", true, 500),
            (
                "40001",
                "canceling statement due to conflict with recovery",
                true,
                503,
            ),
            ("XX000", "", true, 500),
        ] {
            assert_eq!(sqlstate_status(code, msg, authed), status, "{code} {msg}");
        }
    }

    #[test]
    fn sqlstate_unpacks() {
        // MAKE_SQLSTATE('2','2','0','1','2'): each char minus '0', six bits apiece, first lowest.
        let pack = |s: &str| {
            s.bytes()
                .enumerate()
                .fold(0i32, |acc, (i, b)| acc | (((b - b'0') as i32) << (6 * i)))
        };
        for s in ["22012", "42501", "XX000", "P0001", "42P01"] {
            assert_eq!(unpack_sqlstate(pack(s)), s);
        }
    }
}
