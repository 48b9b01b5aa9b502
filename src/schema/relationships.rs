//! Relationships between relations, built as PostgREST builds them from the catalog: every
//! foreign key is a many-to-one (one-to-one when its columns are a key of their table); views
//! showing a key's columns take part in its relationships; a table with foreign keys to two
//! tables, both part of its primary key, joins them many-to-many; every relationship has its
//! inverse; and a function `f(table) RETURNS [SETOF] other` is a computed relationship that
//! replaces a detected one of the same name. Pure Rust over rows the loader read.

use super::QualifiedName;
use std::collections::{HashMap, HashSet};

/// Columns pairs of a relationship: (column of the origin, column of the target).
pub type ColumnPairs = Vec<(String, String)>;

/// Derived order is PostgREST's: it decides the order of candidates in PGRST201.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cardinality {
    O2M {
        constraint: String,
        columns: ColumnPairs,
    },
    M2O {
        constraint: String,
        columns: ColumnPairs,
    },
    O2O {
        constraint: String,
        columns: ColumnPairs,
        /// The inverse side: the relation the foreign key points at (PostgREST's `isParent`).
        parent: bool,
    },
    M2M(Junction),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Junction {
    pub table: QualifiedName,
    pub constraint1: String,
    pub constraint2: String,
    /// (origin column, junction column)
    pub source_columns: ColumnPairs,
    /// (target column, junction column)
    pub target_columns: ColumnPairs,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relationship {
    ForeignKey {
        table: QualifiedName,
        foreign_table: QualifiedName,
        is_self: bool,
        cardinality: Cardinality,
        table_is_view: bool,
        foreign_table_is_view: bool,
    },
    Computed {
        function: QualifiedName,
        table: QualifiedName,
        foreign_table: QualifiedName,
        to_one: bool,
        is_self: bool,
    },
}

impl Relationship {
    pub fn table(&self) -> &QualifiedName {
        match self {
            Relationship::ForeignKey { table, .. } | Relationship::Computed { table, .. } => table,
        }
    }

    pub fn foreign_table(&self) -> &QualifiedName {
        match self {
            Relationship::ForeignKey { foreign_table, .. }
            | Relationship::Computed { foreign_table, .. } => foreign_table,
        }
    }

    /// Embedded as one object (or null) rather than an array.
    pub fn is_to_one(&self) -> bool {
        match self {
            Relationship::ForeignKey { cardinality, .. } => {
                matches!(
                    cardinality,
                    Cardinality::M2O { .. } | Cardinality::O2O { .. }
                )
            }
            Relationship::Computed { to_one, .. } => *to_one,
        }
    }
}

/// A foreign key as the loader reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub table: QualifiedName,
    pub foreign_table: QualifiedName,
    pub constraint: String,
    pub columns: ColumnPairs,
    /// Its columns are exactly a primary or unique key of `table`.
    pub one_to_one: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A primary key of the table.
    Primary,
    /// The referencing columns of a foreign key.
    Foreign,
    /// The referenced columns of a foreign key.
    ForeignRef,
}

/// A view showing every column of a table's key: for each key column, the view columns that
/// show it (one column can be shown several times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDependency {
    pub table: QualifiedName,
    pub view: QualifiedName,
    pub constraint: String,
    pub kind: KeyKind,
    pub columns: Vec<(String, Vec<String>)>,
}

/// A function of one row returning rows of a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedRelationship {
    pub function: QualifiedName,
    pub table: QualifiedName,
    pub foreign_table: QualifiedName,
    pub to_one: bool,
}

/// Everything the catalog says, already read.
pub struct Catalog<'a> {
    pub foreign_keys: &'a [ForeignKey],
    pub key_dependencies: &'a [KeyDependency],
    pub computed: &'a [ComputedRelationship],
    /// Primary keys (of views too) by relation.
    pub primary_keys: &'a HashMap<QualifiedName, Vec<String>>,
    /// Relations that are views.
    pub views: &'a HashSet<QualifiedName>,
    pub exposed: &'a [String],
}

/// All relationships between relations of the exposed schemas, keyed as PostgREST keys them:
/// (origin, schema of the target).
pub fn build(catalog: &Catalog) -> HashMap<(QualifiedName, String), Vec<Relationship>> {
    let mut rels: Vec<Relationship> = catalog
        .foreign_keys
        .iter()
        .map(|fk| Relationship::ForeignKey {
            table: fk.table.clone(),
            foreign_table: fk.foreign_table.clone(),
            is_self: fk.table == fk.foreign_table,
            cardinality: to_one(fk.one_to_one, fk.constraint.clone(), fk.columns.clone()),
            table_is_view: catalog.views.contains(&fk.table),
            foreign_table_is_view: catalog.views.contains(&fk.foreign_table),
        })
        .collect();
    let through_views = view_relationships(catalog.key_dependencies, &rels);
    rels.extend(through_views);
    let m2m = many_to_many(catalog.primary_keys, &rels);
    rels.extend(m2m);
    let inverse = inverses(&rels);
    rels.extend(inverse);

    // A computed relationship replaces the detected ones of the same (table, name).
    let computed: HashMap<(QualifiedName, QualifiedName), Relationship> = catalog
        .computed
        .iter()
        .map(|c| {
            (
                (c.table.clone(), c.function.clone()),
                Relationship::Computed {
                    function: c.function.clone(),
                    table: c.table.clone(),
                    foreign_table: c.foreign_table.clone(),
                    to_one: c.to_one,
                    is_self: c.table == c.foreign_table,
                },
            )
        })
        .collect();
    let mut by_pair: HashMap<(QualifiedName, QualifiedName), Vec<Relationship>> = HashMap::new();
    for rel in rels {
        by_pair
            .entry((rel.table().clone(), rel.foreign_table().clone()))
            .or_default()
            .push(rel);
    }
    for (key, rel) in computed {
        by_pair.insert(key, vec![rel]);
    }

    let exposed = |q: &QualifiedName| catalog.exposed.contains(&q.schema);
    let mut map: HashMap<(QualifiedName, String), Vec<Relationship>> = HashMap::new();
    for ((table, _), rels) in by_pair {
        for rel in rels {
            let internal_junction = matches!(
                &rel,
                Relationship::ForeignKey { cardinality: Cardinality::M2M(j), .. } if !exposed(&j.table)
            );
            if exposed(&table) && exposed(rel.foreign_table()) && !internal_junction {
                map.entry((table.clone(), rel.foreign_table().schema.clone()))
                    .or_default()
                    .push(rel);
            }
        }
    }
    for rels in map.values_mut() {
        rels.sort();
    }
    map
}

fn to_one(one_to_one: bool, constraint: String, columns: ColumnPairs) -> Cardinality {
    if one_to_one {
        Cardinality::O2O {
            constraint,
            columns,
            parent: false,
        }
    } else {
        Cardinality::M2O {
            constraint,
            columns,
        }
    }
}

/// Every way to pick one view column per key column (`traverse` over the alternatives).
fn alternatives(columns: &[(String, Vec<String>)]) -> Vec<Vec<(String, String)>> {
    columns
        .iter()
        .fold(vec![Vec::new()], |acc, (table_col, view_cols)| {
            acc.iter()
                .flat_map(|prefix| {
                    view_cols.iter().map(move |v| {
                        let mut next = prefix.clone();
                        next.push((table_col.clone(), v.clone()));
                        next
                    })
                })
                .collect()
        })
}

/// A many-to-one (or one-to-one) between tables also holds from a view showing the referencing
/// columns, to a view showing the referenced ones, and between two such views.
fn view_relationships(deps: &[KeyDependency], rels: &[Relationship]) -> Vec<Relationship> {
    let mut by_key: HashMap<(&QualifiedName, &str, KeyKind), Vec<&KeyDependency>> = HashMap::new();
    for d in deps {
        by_key
            .entry((&d.table, d.constraint.as_str(), d.kind))
            .or_default()
            .push(d);
    }
    let views_of = |table, constraint: &str, kind| {
        by_key
            .get(&(table, constraint, kind))
            .cloned()
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for rel in rels {
        let Relationship::ForeignKey {
            table,
            foreign_table,
            cardinality,
            ..
        } = rel
        else {
            continue;
        };
        let (constraint, columns, one_to_one) = match cardinality {
            Cardinality::M2O {
                constraint,
                columns,
            } => (constraint, columns, false),
            Cardinality::O2O {
                constraint,
                columns,
                parent: false,
            } => (constraint, columns, true),
            _ => continue,
        };
        let from_views = views_of(table, constraint, KeyKind::Foreign);
        let to_views = views_of(foreign_table, constraint, KeyKind::ForeignRef);
        let rel = |t: &QualifiedName, ft: &QualifiedName, cols: ColumnPairs, tv, fv| {
            Relationship::ForeignKey {
                table: t.clone(),
                foreign_table: ft.clone(),
                is_self: t == ft && tv && fv,
                cardinality: to_one(one_to_one, constraint.clone(), cols),
                table_is_view: tv,
                foreign_table_is_view: fv,
            }
        };
        for v in &from_views {
            for pick in alternatives(&v.columns) {
                let cols = pick
                    .iter()
                    .zip(columns)
                    .map(|((_, vcol), (_, fcol))| (vcol.clone(), fcol.clone()))
                    .collect();
                out.push(rel(&v.view, foreign_table, cols, true, false));
            }
        }
        for v in &to_views {
            for pick in alternatives(&v.columns) {
                let cols = columns
                    .iter()
                    .zip(&pick)
                    .map(|((tcol, _), (_, vcol))| (tcol.clone(), vcol.clone()))
                    .collect();
                out.push(rel(table, &v.view, cols, false, true));
            }
        }
        for v1 in &from_views {
            for pick1 in alternatives(&v1.columns) {
                for v2 in &to_views {
                    for pick2 in alternatives(&v2.columns) {
                        let cols = pick1
                            .iter()
                            .zip(&pick2)
                            .map(|((_, c1), (_, c2))| (c1.clone(), c2.clone()))
                            .collect();
                        out.push(rel(&v1.view, &v2.view, cols, true, true));
                    }
                }
            }
        }
    }
    out
}

/// A table with many-to-one relationships to two tables through different constraints, whose
/// columns are all part of its primary key, joins them many-to-many.
fn many_to_many(
    primary_keys: &HashMap<QualifiedName, Vec<String>>,
    rels: &[Relationship],
) -> Vec<Relationship> {
    type ManyToOne<'r> = (&'r QualifiedName, &'r String, &'r ColumnPairs, bool);
    // The many-to-ones of each table: only those of one table pair up. (The result is sorted
    // later, so the map's order does not show.)
    let mut by_junction: HashMap<&QualifiedName, Vec<ManyToOne>> = HashMap::new();
    for r in rels {
        if let Relationship::ForeignKey {
            table,
            foreign_table,
            cardinality:
                Cardinality::M2O {
                    constraint,
                    columns,
                },
            foreign_table_is_view,
            ..
        } = r
        {
            by_junction.entry(table).or_default().push((
                foreign_table,
                constraint,
                columns,
                *foreign_table_is_view,
            ));
        }
    }
    let mut out = Vec::new();
    for (junction, list) in &by_junction {
        let Some(pk) = primary_keys.get(*junction) else {
            continue;
        };
        for (t, cons1, cols, t_is_view) in list {
            for (ft, cons2, fcols, ft_is_view) in list {
                let covered = cols.iter().chain(fcols.iter()).all(|(c, _)| pk.contains(c));
                if cons1 != cons2 && covered {
                    out.push(Relationship::ForeignKey {
                        table: (*t).clone(),
                        foreign_table: (*ft).clone(),
                        is_self: t == ft,
                        cardinality: Cardinality::M2M(Junction {
                            table: (*junction).clone(),
                            constraint1: (*cons1).clone(),
                            constraint2: (*cons2).clone(),
                            source_columns: swap(cols),
                            target_columns: swap(fcols),
                        }),
                        table_is_view: *t_is_view,
                        foreign_table_is_view: *ft_is_view,
                    });
                }
            }
        }
    }
    out
}

fn swap(columns: &ColumnPairs) -> ColumnPairs {
    columns
        .iter()
        .map(|(a, b)| (b.clone(), a.clone()))
        .collect()
}

/// Each many-to-one has its one-to-many, each one-to-one its reverse.
fn inverses(rels: &[Relationship]) -> Vec<Relationship> {
    rels.iter()
        .filter_map(|r| match r {
            Relationship::ForeignKey {
                table,
                foreign_table,
                is_self,
                cardinality,
                table_is_view,
                foreign_table_is_view,
            } => {
                let inverse = match cardinality {
                    Cardinality::M2O {
                        constraint,
                        columns,
                    } => Cardinality::O2M {
                        constraint: constraint.clone(),
                        columns: swap(columns),
                    },
                    Cardinality::O2O {
                        constraint,
                        columns,
                        parent,
                    } => Cardinality::O2O {
                        constraint: constraint.clone(),
                        columns: swap(columns),
                        parent: !parent,
                    },
                    _ => return None,
                };
                Some(Relationship::ForeignKey {
                    table: foreign_table.clone(),
                    foreign_table: table.clone(),
                    is_self: *is_self,
                    cardinality: inverse,
                    table_is_view: *foreign_table_is_view,
                    foreign_table_is_view: *table_is_view,
                })
            }
            Relationship::Computed { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod unit {
    use super::*;

    fn q(name: &str) -> QualifiedName {
        QualifiedName::new("api", name)
    }

    fn fk(table: &str, foreign: &str, constraint: &str, col: &str, one_to_one: bool) -> ForeignKey {
        ForeignKey {
            table: q(table),
            foreign_table: q(foreign),
            constraint: constraint.into(),
            columns: vec![(col.into(), "id".into())],
            one_to_one,
        }
    }

    fn build_with(
        fks: &[ForeignKey],
        deps: &[KeyDependency],
        computed: &[ComputedRelationship],
    ) -> HashMap<(QualifiedName, String), Vec<Relationship>> {
        let pks: HashMap<QualifiedName, Vec<String>> = [(
            q("film_actors"),
            vec!["film_id".to_string(), "actor_id".to_string()],
        )]
        .into_iter()
        .collect();
        build(&Catalog {
            foreign_keys: fks,
            key_dependencies: deps,
            computed,
            primary_keys: &pks,
            views: &[q("films_view")].into_iter().collect(),
            exposed: &["api".to_string()],
        })
    }

    fn cards(map: &HashMap<(QualifiedName, String), Vec<Relationship>>, from: &str) -> Vec<String> {
        map.get(&(q(from), "api".to_string()))
            .into_iter()
            .flatten()
            .map(|r| match r {
                Relationship::ForeignKey {
                    foreign_table,
                    cardinality,
                    ..
                } => format!(
                    "{}:{}",
                    match cardinality {
                        Cardinality::O2M { .. } => "o2m",
                        Cardinality::M2O { .. } => "m2o",
                        Cardinality::O2O { .. } => "o2o",
                        Cardinality::M2M(_) => "m2m",
                    },
                    foreign_table.name
                ),
                Relationship::Computed { function, .. } => format!("fn:{}", function.name),
            })
            .collect()
    }

    #[test]
    fn foreign_keys_give_both_directions_and_junctions_many_to_many() {
        let fks = [
            fk(
                "films",
                "directors",
                "films_director_fkey",
                "director_id",
                false,
            ),
            fk("film_actors", "films", "fa_film_fkey", "film_id", false),
            fk("film_actors", "actors", "fa_actor_fkey", "actor_id", false),
            fk("posters", "films", "posters_film_fkey", "film_id", true),
        ];
        let map = build_with(&fks, &[], &[]);
        assert_eq!(cards(&map, "directors"), vec!["o2m:films"]);
        // PostgREST's order: by target, then cardinality (O2M, M2O, O2O, M2M), then constraint.
        assert_eq!(
            cards(&map, "films"),
            vec![
                "m2m:actors",
                "m2o:directors",
                "o2m:film_actors",
                "o2o:posters"
            ]
        );
        assert_eq!(cards(&map, "posters"), vec!["o2o:films"]);
    }

    #[test]
    fn views_showing_key_columns_join_in_and_computed_relationships_replace() {
        let fks = [fk(
            "films",
            "directors",
            "films_director_fkey",
            "director_id",
            false,
        )];
        let deps = [KeyDependency {
            table: q("films"),
            view: q("films_view"),
            constraint: "films_director_fkey".into(),
            kind: KeyKind::Foreign,
            columns: vec![("director_id".into(), vec!["director".into()])],
        }];
        let computed = [ComputedRelationship {
            function: q("directors"),
            table: q("films"),
            foreign_table: q("directors"),
            to_one: true,
        }];
        let map = build_with(&fks, &deps, &computed);
        assert_eq!(cards(&map, "films_view"), vec!["m2o:directors"]);
        assert_eq!(cards(&map, "films"), vec!["fn:directors"]);
        let directors = cards(&map, "directors");
        assert!(directors.contains(&"o2m:films".to_string()));
        assert!(directors.contains(&"o2m:films_view".to_string()));
    }
}
