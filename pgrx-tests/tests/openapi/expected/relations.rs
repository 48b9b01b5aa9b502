//! The fixture's relations as PostgREST's path items and parameters see them, and which
//! document lists which.

/// A relation of the fixture as PostgREST's path item and parameters see it.
pub struct Relation {
    pub name: &'static str,
    /// First line of the table comment.
    pub summary: Option<&'static str>,
    /// The rest of the comment, leading newlines dropped; `None` when empty.
    pub description: Option<&'static str>,
    /// `insertable || updatable || deletable`.
    pub writable: bool,
    /// Columns in order, with their comments (the `rowFilter` descriptions).
    pub columns: &'static [(&'static str, Option<&'static str>)],
}

pub const RELATIONS: &[Relation] = &[
    Relation {
        name: "audit_log",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None), ("happened_at", None), ("actor_id", None)],
    },
    Relation {
        name: "budget_lines",
        summary: None,
        description: None,
        writable: true,
        columns: &[("category_id", None), ("month", None), ("amount", None)],
    },
    Relation {
        name: "categories",
        summary: Some("Spending categories"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("name", Some("Shown in the sidebar")),
            ("color", None),
            ("icon", None),
            ("position", None),
        ],
    },
    // A grouped view: not updatable.
    Relation {
        name: "category_totals",
        summary: None,
        description: None,
        writable: false,
        columns: &[("category_id", None), ("total", None)],
    },
    // A partitioned table (relkind p): writable; its partition ledger_2024 is never listed.
    Relation {
        name: "ledger",
        summary: Some("Partitioned ledger"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("booked_on", None),
            ("amount", None),
            ("memo", None),
            ("state", None),
        ],
    },
    Relation {
        name: "line_adjustments",
        summary: None,
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("category_id", None),
            ("month", None),
            ("delta", None),
            ("delta_cents", None),
        ],
    },
    // No columns: its path item has no row filters.
    Relation {
        name: "markers",
        summary: None,
        description: None,
        writable: true,
        columns: &[],
    },
    // A materialized view (relkind m): read only.
    Relation {
        name: "monthly_totals",
        summary: None,
        description: None,
        writable: false,
        columns: &[("month", None), ("total", None)],
    },
    Relation {
        name: "notes",
        summary: None,
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("transaction_id", None),
            ("body", None),
            ("internal_flag", None),
        ],
    },
    // Comment E'\nScanned receipts': the first line is empty, so the summary is "".
    Relation {
        name: "receipts",
        summary: Some(""),
        description: Some("Scanned receipts"),
        writable: true,
        columns: &[("transaction_id", None), ("scanned", None)],
    },
    // An auto-updatable view: insertable, updatable and deletable.
    Relation {
        name: "spending",
        summary: Some("Money spent"),
        description: None,
        writable: true,
        columns: &[
            ("id", None),
            ("amount", Some("Always negative")),
            ("name", None),
            ("category_id", None),
        ],
    },
    // Comment E'Transactions\n\n\nEvery money movement of a user.\nAmounts are signed.'.
    Relation {
        name: "transactions",
        summary: Some("Transactions"),
        description: Some("Every money movement of a user.\nAmounts are signed."),
        writable: true,
        columns: &[
            ("id", Some("Transaction id")),
            ("amount", Some("Signed amount\nnegative means spent")),
            ("name", None),
            ("status", None),
            ("category_id", Some("Where it is filed")),
            ("tags", None),
            ("metadata", None),
            ("raw", None),
            ("note", None),
            ("created_at", None),
            ("booked_on", None),
            ("is_recurring", None),
            ("fx_rate", None),
            ("installments", None),
            ("amounts", None),
        ],
    },
];

/// `v2`'s relations (MORE_SCHEMAS).
pub const V2_RELATIONS: &[Relation] = &[
    Relation {
        name: "children",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None), ("name", None)],
    },
    Relation {
        name: "hidden",
        summary: None,
        description: None,
        writable: true,
        columns: &[("id", None)],
    },
];

/// What `anon` may see (SELECT on the table, or on some of its columns).
pub const ANON_TABLES: &[&str] = &[
    "categories",
    "category_totals",
    "ledger",
    "monthly_totals",
    "notes",
];
/// What `authenticated` may see: every relation but `audit_log` and `markers`.
pub const AUTHENTICATED_TABLES: &[&str] = &[
    "budget_lines",
    "categories",
    "category_totals",
    "ledger",
    "line_adjustments",
    "monthly_totals",
    "notes",
    "receipts",
    "spending",
    "transactions",
];
/// Every relation of `api` (ignore-privileges).
pub const ALL_TABLES: &[&str] = &[
    "audit_log",
    "budget_lines",
    "categories",
    "category_totals",
    "ledger",
    "line_adjustments",
    "markers",
    "monthly_totals",
    "notes",
    "receipts",
    "spending",
    "transactions",
];
/// Functions EXECUTE-able by PUBLIC (so by `anon`); never `add_pair`, `touch`, `rebuild`.
pub const ANON_FUNCTIONS: &[&str] = &[
    "add_transaction",
    "echo",
    "flags",
    "search_transactions",
    "split_amount",
    "sum_amounts",
    "total_spent",
];
/// Plus `admin_report`, granted to `authenticated`.
pub const ALL_FUNCTIONS: &[&str] = &[
    "add_transaction",
    "admin_report",
    "echo",
    "flags",
    "search_transactions",
    "split_amount",
    "sum_amounts",
    "total_spent",
];

pub fn relation(name: &str) -> &'static Relation {
    RELATIONS
        .iter()
        .chain(V2_RELATIONS)
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no relation {name}"))
}

