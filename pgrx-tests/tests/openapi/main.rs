//! The root endpoint, `GET /`: PostgREST v13's OpenAPI (Swagger 2.0) description of the exposed
//! schema, case by case. Each file lists the PostgREST facts its cases rest on; together they rest
//! on these (PostgREST/postgrest, v13.0.x):
//!
//! - `src/PostgREST/Response/OpenAPI.hs`: `postgrestSpec` (top level, `info` from the schema
//!   comment, `host` through `escapeHostName`, `externalDocs`), `makeTableDef`/`makeProperty`
//!   (definitions: `format` is the column's data type, `toSwaggerType`, `parseDefault`, enums,
//!   `maxLength`, PK and single-column FK notes, NOT NULL → `required`), `makePathItem` (GET for
//!   every relation, POST/PATCH/DELETE when insertable or updatable or deletable),
//!   `makeProcPathItem` (VOLATILE → POST only, else GET and POST, from v13.0.5, PR #4174),
//!   `makeProcGetParam` (variadic → `collectionFormat: multi`), `makeProcSchema`,
//!   `makeParamDefs`, `makeRootPathItem`, `makeSecurityDefinitions`, `proxyUri`/`pickProxy`.
//! - `src/PostgREST/SchemaCache.hs`: `tablesSqlQuery` (run with `set local schema ''`, so a type
//!   outside pg_catalog is schema-qualified, e.g. `api.txn_status`), `funcsSqlQuery`
//!   (`type::regtype::text`), `accessibleTables`, `accessibleFuncs` (run in the request's
//!   transaction: the request's role and `search_path`, so `txn_status` is unqualified there),
//!   `schemaDescription`, `allM2OandO2ORels`, `allViewsKeyDependencies`.
//! - `src/PostgREST/Query.hs` (`actionQuery` for `MaybeDb InspectPlan`): follow-privileges
//!   filters the cached tables by `accessibleTables` and asks `accessibleFuncs`;
//!   ignore-privileges takes every cached table and routine of the schema; disabled gives none.
//! - `src/PostgREST/Plan.hs` `inspectPlan`: `application/openapi+json`, `application/json` or
//!   `*/*` among the accepted types → `application/openapi+json`, else PGRST107.
//! - `src/PostgREST/Response.hs` (`MaybeDbResult`): 200, `Content-Type: application/openapi+json;
//!   charset=utf-8`, `Content-Profile` when the schema was negotiated by profile; HEAD has no body.
//! - `src/PostgREST/ApiRequest.hs`: `getResource` (`[]` → the schema root; disabled mode →
//!   PGRST126), `getSchema` (`Accept-Profile` for GET/HEAD; several schemas → negotiated by
//!   profile), `getAction` (only GET, HEAD, OPTIONS on the root).
//! - `src/PostgREST/Error.hs`: PGRST106 (406), PGRST107 (406), PGRST117 (405), PGRST126 (404)
//!   texts; error bodies carry `Content-Length`.
//! - swagger2's `Data/Swagger/Internal.hs` and `AesonUtils.hs` (the JSON encoder PostgREST uses):
//!   fields at their default (`Nothing`, `[]`, empty maps) are omitted, `Param.required = false`
//!   is kept, `host` is `"host:port"`, media types render as `type/subtype;param=value`.
//! - Spec files `test/spec/Feature/OpenApi/`: OpenApiSpec, IgnorePrivOpenApiSpec,
//!   SecurityOpenApiSpec, ProxySpec, DisabledOpenApiSpec.
//!
//! Catalog-derived values (`format`, `maxLength`, defaults as `pg_get_expr` prints them, enum
//! labels, view key dependencies, routine arguments) were read by running PostgREST's catalog
//! queries from SchemaCache.hs over `FIXTURE` in PostgreSQL 17, as PostgREST runs them.
//!
//! budgetbee-specific values: `info.version` is budgetbee's version (`0.2.0`),
//! `externalDocs.url` points at PostgREST v13's API docs, `host` is `budgetbee.server_host`
//! (`127.0.0.1` in these clusters) and the cluster's HTTP port. The modes are the GUCs
//! `budgetbee.openapi_mode`, `budgetbee.openapi_server_proxy_uri` and
//! `budgetbee.openapi_security_active` (PostgREST's `openapi-mode`,
//! `openapi-server-proxy-uri`, `openapi-security-active`).

#![recursion_limit = "512"]

#[path = "../jwt_support/mod.rs"]
mod jwt_support;

mod document;
mod expected;
mod modes;
mod negotiation;
mod privileges;
mod profiles;
mod schema_changes;
mod v31;

use budgetbee_e2e::{ABSENT, Cluster, ClusterBuilder};
use serde_json::Value;
use std::sync::{Mutex, OnceLock};

/// The seed cases and the schema-change cases share `public_cluster`; they take turns.
pub static PUBLIC_SERIAL: Mutex<()> = Mutex::new(());

/// Budget Bee-shaped schema `api`, built to reach every branch of OpenAPI.hs. What each object
/// exercises is said in `expected/`, next to the JSON PostgREST makes of it.
///
/// Privileges: `anon` may read `categories`, `category_totals`, `monthly_totals`, `ledger`, and
/// only the `id`, `body` columns of `notes`; `authenticated` may use every relation but
/// `audit_log` and `markers`; `admin_report()` is executable by `authenticated` only.
pub const FIXTURE: &str = r#"
CREATE ROLE authenticated NOLOGIN;
GRANT authenticated TO authenticator;

CREATE SCHEMA api;
COMMENT ON SCHEMA api IS E'Budget Bee API\n\nTransactions, categories and reports\nof Budget Bee users.';
GRANT USAGE ON SCHEMA api TO anon, authenticated;

CREATE TYPE api.txn_status AS ENUM ('paid', 'pending', 'overdue');

CREATE TABLE api.categories (
  id int PRIMARY KEY,
  name varchar(255) NOT NULL,
  color char(7) DEFAULT '#ffcc00',
  icon text DEFAULT 'a "star"',
  position int DEFAULT -1
);
COMMENT ON TABLE api.categories IS 'Spending categories';
COMMENT ON COLUMN api.categories.name IS 'Shown in the sidebar';

CREATE TABLE api.transactions (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  amount numeric(10,2) NOT NULL DEFAULT 0,
  name text,
  status api.txn_status NOT NULL DEFAULT 'pending',
  category_id int REFERENCES api.categories(id),
  tags text[] NOT NULL DEFAULT '{}',
  metadata jsonb,
  raw json,
  note varchar(40) DEFAULT 'n/a',
  created_at timestamptz NOT NULL DEFAULT now(),
  booked_on date DEFAULT '2024-01-31',
  is_recurring boolean NOT NULL DEFAULT false,
  fx_rate double precision DEFAULT 1.5,
  installments smallint DEFAULT 1,
  amounts numeric[]
);
COMMENT ON TABLE api.transactions IS E'Transactions\n\n\nEvery money movement of a user.\nAmounts are signed.';
COMMENT ON COLUMN api.transactions.id IS 'Transaction id';
COMMENT ON COLUMN api.transactions.amount IS E'Signed amount\nnegative means spent';
COMMENT ON COLUMN api.transactions.category_id IS 'Where it is filed';

CREATE TABLE api.notes (
  id int PRIMARY KEY,
  transaction_id bigint NOT NULL REFERENCES api.transactions(id),
  body text NOT NULL,
  internal_flag boolean
);

CREATE TABLE api.receipts (
  transaction_id bigint PRIMARY KEY REFERENCES api.transactions(id),
  scanned bytea
);
COMMENT ON TABLE api.receipts IS E'\nScanned receipts';

CREATE TABLE api.budget_lines (
  category_id int REFERENCES api.categories(id),
  month date,
  amount numeric(12,2) NOT NULL,
  PRIMARY KEY (category_id, month)
);

CREATE TABLE api.line_adjustments (
  id int PRIMARY KEY,
  category_id int NOT NULL,
  month date NOT NULL,
  delta numeric,
  delta_cents bigint GENERATED ALWAYS AS ((delta * 100)::bigint) STORED,
  FOREIGN KEY (category_id, month) REFERENCES api.budget_lines (category_id, month)
);

-- Not exposed: a foreign key into it gets no note.
CREATE SCHEMA internal;
CREATE TABLE internal.actors (id int PRIMARY KEY);

CREATE TABLE api.audit_log (
  id int PRIMARY KEY,
  happened_at timestamp DEFAULT '2024-01-01 00:00:00',
  actor_id int REFERENCES internal.actors(id)
);

-- No columns at all.
CREATE TABLE api.markers ();

CREATE DOMAIN api.money_amount AS numeric(12,2) NOT NULL DEFAULT 0 CHECK (VALUE >= 0);
CREATE DOMAIN api.short_text AS varchar(20);
CREATE DOMAIN api.txn_state AS api.txn_status DEFAULT 'paid';
CREATE TABLE api.ledger (
  id int,
  booked_on date NOT NULL,
  amount api.money_amount,
  memo api.short_text DEFAULT 'x',
  state api.txn_state,
  PRIMARY KEY (id, booked_on)
) PARTITION BY RANGE (booked_on);
CREATE TABLE api.ledger_2024 PARTITION OF api.ledger FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
COMMENT ON TABLE api.ledger IS 'Partitioned ledger';

CREATE VIEW api.spending AS
  SELECT id, amount, name, category_id FROM api.transactions WHERE amount < 0;
COMMENT ON VIEW api.spending IS 'Money spent';
COMMENT ON COLUMN api.spending.amount IS 'Always negative';

CREATE VIEW api.category_totals AS
  SELECT category_id, sum(amount) AS total FROM api.transactions GROUP BY category_id;

CREATE MATERIALIZED VIEW api.monthly_totals AS
  SELECT date_trunc('month', created_at) AS month, sum(amount) AS total
  FROM api.transactions GROUP BY 1;

CREATE FUNCTION api.search_transactions(
  query text,
  status api.txn_status DEFAULT 'paid',
  min_amount numeric DEFAULT 0,
  labels varchar[] DEFAULT '{}'
) RETURNS SETOF api.transactions LANGUAGE sql STABLE AS $$
  SELECT * FROM api.transactions t
  WHERE t.name ILIKE '%' || query || '%' AND t.status = search_transactions.status AND t.amount >= min_amount
$$;
COMMENT ON FUNCTION api.search_transactions IS E'Search transactions\n\nMatches names case-insensitively.\nNewest first.';

CREATE FUNCTION api.add_transaction(amount numeric, name text, category_id int DEFAULT NULL)
RETURNS api.transactions LANGUAGE sql VOLATILE AS $$
  INSERT INTO api.transactions (amount, name, category_id) VALUES (amount, name, category_id) RETURNING *
$$;
COMMENT ON FUNCTION api.add_transaction IS 'Record a transaction';

CREATE FUNCTION api.sum_amounts(VARIADIC amounts numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$ SELECT sum(a) FROM unnest(amounts) a $$;

CREATE FUNCTION api.total_spent() RETURNS numeric LANGUAGE sql STABLE AS
$$ SELECT coalesce(sum(-amount), 0) FROM api.transactions WHERE amount < 0 $$;

CREATE FUNCTION api.echo(jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;

CREATE FUNCTION api.split_amount(amount numeric, OUT whole int, OUT cents int)
LANGUAGE sql IMMUTABLE AS $$ SELECT trunc(amount)::int, (abs(amount) * 100 % 100)::int $$;

CREATE FUNCTION api.flags(ids int[], codes char(2)[], at date) RETURNS int
LANGUAGE sql STABLE AS $$ SELECT cardinality(ids) $$;

CREATE FUNCTION api.admin_report() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT count(*) FROM api.transactions $$;
REVOKE EXECUTE ON FUNCTION api.admin_report() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.admin_report() TO authenticated;

-- Never in the document: two unnamed parameters, a trigger function, a procedure.
CREATE FUNCTION api.add_pair(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 + $2 $$;
CREATE FUNCTION api.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE PROCEDURE api.rebuild() LANGUAGE sql AS $$ SELECT 1 $$;

GRANT SELECT ON api.categories, api.category_totals, api.monthly_totals, api.ledger TO anon;
GRANT SELECT (id, body) ON api.notes TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  api.categories, api.transactions, api.notes, api.receipts, api.budget_lines,
  api.line_adjustments, api.spending, api.category_totals, api.ledger
  TO authenticated;
GRANT SELECT ON api.monthly_totals TO authenticated;
"#;

/// Two more schemas for the profile cases: `v2` (a one-line comment, a granted and an
/// ungranted table, a function) and `v3` (no comment, nothing in it).
pub const MORE_SCHEMAS: &str = r#"
CREATE SCHEMA v2;
COMMENT ON SCHEMA v2 IS 'Version two';
GRANT USAGE ON SCHEMA v2 TO anon, authenticated;
CREATE TABLE v2.children (id int PRIMARY KEY, name text);
CREATE TABLE v2.hidden (id int);
GRANT SELECT ON v2.children TO anon;
CREATE FUNCTION v2.get_children() RETURNS SETOF v2.children LANGUAGE sql STABLE AS
  $$ SELECT * FROM v2.children $$;
CREATE SCHEMA v3;
GRANT USAGE ON SCHEMA v3 TO anon, authenticated;
"#;

/// `db_schemas = 'api'`, follow-privileges (the default), HS256 JWTs.
pub fn main_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-main")
            .pool(2)
            .setting("budgetbee.db_schemas", "api")
            .setting("budgetbee.jwt_secret", jwt_support::HS_SECRET)
            .fixture(FIXTURE)
            .start()
    })
}

/// `db_schemas = 'api, v2, v3'`, follow-privileges.
pub fn profiles_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-profiles")
            .pool(2)
            .setting("budgetbee.db_schemas", "api, v2, v3")
            .fixture(FIXTURE)
            .fixture(MORE_SCHEMAS)
            .start()
    })
}

/// `db_schemas = 'api, v2'`, `openapi_mode = ignore-privileges`.
pub fn ignore_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-ignore")
            .pool(2)
            .setting("budgetbee.db_schemas", "api, v2")
            .setting("budgetbee.openapi_mode", "ignore-privileges")
            .setting("budgetbee.jwt_secret", jwt_support::HS_SECRET)
            .fixture(FIXTURE)
            .fixture(MORE_SCHEMAS)
            .start()
    })
}

/// `openapi_mode = disabled`.
pub fn disabled_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-disabled")
            .pool(1)
            .setting("budgetbee.db_schemas", "api")
            .setting("budgetbee.openapi_mode", "disabled")
            .fixture(FIXTURE)
            .start()
    })
}

/// The proxy URI PostgREST's `openapi-server-proxy-uri` would carry behind a TLS proxy.
pub const PROXY_URI: &str = "https://example.org/api";

/// `openapi_server_proxy_uri` set.
pub fn proxy_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-proxy")
            .pool(1)
            .setting("budgetbee.db_schemas", "api")
            .setting("budgetbee.openapi_server_proxy_uri", PROXY_URI)
            .fixture(FIXTURE)
            .start()
    })
}

/// `openapi_security_active = on`, and `server_host = '!4'` (all IPv4 addresses; the tests still
/// connect to 127.0.0.1) for `escapeHostName`.
pub fn security_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("openapi-security")
            .pool(1)
            .setting("budgetbee.db_schemas", "api")
            .setting("budgetbee.openapi_security_active", "on")
            .setting("budgetbee.server_host", "!4")
            .fixture(FIXTURE)
            .start()
    })
}

/// The seed's deployment: `db_schemas` left at `public` (`PGRST_DB_SCHEMA: public`), nothing of
/// the fixture; the schema-change cases create and drop their own objects here.
pub fn public_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| ClusterBuilder::new("openapi-public").pool(2).start())
}

pub const OPENAPI_CT: (&str, &str) = ("Content-Type", "application/openapi+json; charset=utf-8");
pub const JSON_CT: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

/// `Authorization: Bearer <HS256 token with role claim `role`>`, valid for an hour.
pub fn bearer_for(role: &str) -> String {
    jwt_support::bearer(&jwt_support::hs256(&jwt_support::claims(
        serde_json::json!({ "role": role }),
    )))
}

/// A JSON pointer to a path item: `/paths/~1rpc~1f` for `/rpc/f` (RFC 6901 escaping).
pub fn path_ptr(path: &str) -> String {
    format!("/paths/{}", escape(path))
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// What must be found at a JSON pointer of the document.
pub enum Want {
    /// Exactly this JSON value (objects compare without regard to key order).
    Json(Value),
    /// An object with exactly these keys.
    Keys(Vec<String>),
    /// Nothing at all (the key is not in the document).
    Absent,
}

/// One field of the document: a name that says the PostgREST rule, a JSON pointer, the value.
pub struct Field {
    pub name: String,
    pub pointer: String,
    pub want: Want,
}

pub fn field(name: impl Into<String>, pointer: impl Into<String>, want: Value) -> Field {
    Field {
        name: name.into(),
        pointer: pointer.into(),
        want: Want::Json(want),
    }
}

pub fn keys<S: AsRef<str>>(
    name: impl Into<String>,
    pointer: impl Into<String>,
    keys: &[S],
) -> Field {
    Field {
        name: name.into(),
        pointer: pointer.into(),
        want: Want::Keys(keys.iter().map(|k| k.as_ref().to_string()).collect()),
    }
}

pub fn absent(name: impl Into<String>, pointer: impl Into<String>) -> Field {
    Field {
        name: name.into(),
        pointer: pointer.into(),
        want: Want::Absent,
    }
}

/// A `GET /` (or HEAD) whose answer must be 200 with the OpenAPI content type, these headers,
/// and these fields in the parsed body.
pub struct DocCase {
    pub name: String,
    pub method: &'static str,
    pub headers: Vec<(String, String)>,
    pub expect_headers: Vec<(String, String)>,
    pub fields: Vec<Field>,
}

impl DocCase {
    pub fn get(name: impl Into<String>) -> DocCase {
        DocCase {
            name: name.into(),
            method: "GET",
            headers: Vec::new(),
            expect_headers: vec![(OPENAPI_CT.0.into(), OPENAPI_CT.1.into())],
            fields: Vec::new(),
        }
    }

    /// A HEAD: headers only (no fields can be checked).
    pub fn head(name: impl Into<String>) -> DocCase {
        DocCase {
            method: "HEAD",
            ..DocCase::get(name)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> DocCase {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `value` [`ABSENT`]: must not be sent.
    pub fn expect_header(mut self, name: &str, value: &str) -> DocCase {
        self.expect_headers.push((name.into(), value.into()));
        self
    }

    pub fn fields(mut self, fields: Vec<Field>) -> DocCase {
        self.fields.extend(fields);
        self
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

/// Where `got` differs from `want`, pointer by pointer (objects key by key; arrays element by
/// element when their lengths agree).
fn diff(got: &Value, want: &Value, at: &str, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                let p = format!("{at}/{}", escape(k));
                match g.get(k) {
                    Some(gv) => diff(gv, wv, &p, out),
                    None => out.push(format!("{p}: missing (want {wv})")),
                }
            }
            for (k, gv) in g {
                if !w.contains_key(k) {
                    out.push(format!("{at}/{}: unexpected {gv}", escape(k)));
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                diff(gv, wv, &format!("{at}/{i}"), out);
            }
        }
        _ if got != want => out.push(format!("{at}: got {got} (want {want})")),
        _ => {}
    }
}

fn sorted_keys(v: &Value) -> Option<Vec<String>> {
    v.as_object().map(|o| {
        let mut k: Vec<String> = o.keys().cloned().collect();
        k.sort();
        k
    })
}

/// Runs every document case (each on its own connection), collecting every mismatch before
/// failing, so one run shows them all.
pub fn run_doc_cases(cluster: &Cluster, cases: &[DocCase]) {
    let mut failures = Vec::new();
    let mut total = 0;
    for c in cases {
        let headers: Vec<(&str, &str)> = c
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = cluster.request(c.method, "/", &headers);
        total += c.fields.len().max(1);
        let mut problems = Vec::new();
        if r.status != 200 {
            problems.push(format!("status {} (want 200): {}", r.status, r.text()));
        }
        for (name, value) in &c.expect_headers {
            let want = (value != ABSENT).then_some(value.as_str());
            if r.header(name) != want {
                problems.push(format!("{name}: {:?} (want {value:?})", r.header(name)));
            }
        }
        if c.method == "HEAD" && !r.body.is_empty() {
            problems.push(format!("HEAD sent a body: {}", r.text()));
        }
        if !problems.is_empty() || c.fields.is_empty() {
            if !problems.is_empty() {
                failures.push(format!(
                    "{} — {} /\n    {}",
                    c.name,
                    c.method,
                    problems.join("\n    ")
                ));
            }
            continue;
        }
        let doc: Value = match serde_json::from_slice(&r.body) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{} — not JSON ({e}): {}", c.name, r.text()));
                continue;
            }
        };
        for f in &c.fields {
            let got = doc.pointer(&f.pointer);
            let problem = match (&f.want, got) {
                (Want::Json(want), Some(got)) if got == want => None,
                (Want::Json(want), Some(got)) => {
                    let mut d = Vec::new();
                    diff(got, want, &f.pointer, &mut d);
                    Some(d.join("\n      "))
                }
                (Want::Json(want), None) => {
                    Some(format!("got nothing\n      want {}", pretty(want)))
                }
                (Want::Keys(want), got) => {
                    let mut want = want.clone();
                    want.sort();
                    match got.and_then(sorted_keys) {
                        Some(k) if k == want => None,
                        k => Some(format!("keys {k:?}\n      want {want:?}")),
                    }
                }
                (Want::Absent, None) => None,
                (Want::Absent, Some(got)) => Some(format!("got {} (want nothing)", pretty(got))),
            };
            if let Some(p) = problem {
                failures.push(format!(
                    "{} / {} — {}\n      {p}",
                    c.name, f.name, f.pointer
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}
