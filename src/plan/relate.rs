//! Each embed's relationship, found as PostgREST finds it (`Plan.findRel`): by the target's
//! table name, or by a constraint or column name, narrowed by a hint; a self-reference reads
//! children by table name and the parent by column name. Then the aliases, the join
//! conditions and what the parent must provide for the join.

use super::tree::*;
use crate::error::Error;
use crate::schema::{Cardinality, QualifiedName, Relationship, SchemaCache, fuzzy};
use serde_json::json;

/// Top down: a child's relationship is looked up from its parent's relation.
pub fn add_relationships(
    node: &mut ReadNode,
    cache: &SchemaCache,
    schema: &str,
) -> Result<(), Error> {
    let parent_relation = node.relation.clone();
    let parent_alias = node.alias.clone();
    for child in &mut node.children {
        let e = child.embedding.as_mut().expect("children are embeddings");
        let rel = find(
            cache,
            schema,
            &parent_relation.name,
            &e.name,
            e.hint.as_deref(),
        )?;
        let depth = child.depth;
        e.agg_alias = format!("{}_{}_{}", rel.table().name, e.label(), depth);
        e.to_one = rel.is_to_one();
        if e.spread.is_some() && !e.to_one {
            e.spread = Some(Spread::ToMany {
                extra: Vec::new(),
                order: Vec::new(),
            });
        }
        e.resolved = true;
        let foreign = rel.foreign_table().clone();
        let alias = format!("{}_{depth}", foreign.name);
        child.relation = foreign.clone();
        match rel {
            Relationship::Computed {
                function, table, ..
            } => {
                child.source = Source::Computed {
                    function: function.clone(),
                    argument: match &parent_alias {
                        Some(a) => QualifiedName::new("", a),
                        None => table.clone(),
                    },
                    argument_type: table.clone(),
                };
                child.alias = Some(alias);
            }
            Relationship::ForeignKey {
                table, cardinality, ..
            } => {
                child.source = Source::Relation(foreign.clone());
                let parent = |alias: &Option<String>| match alias {
                    Some(a) => QualifiedName::new("", a),
                    None => table.clone(),
                };
                match cardinality {
                    Cardinality::M2M(j) => {
                        // The junction is joined implicitly (`FROM target, junction`): no alias.
                        let target = QualifiedName::new(&table.schema, &foreign.name);
                        let junction = QualifiedName::new(&table.schema, &j.table.name);
                        e.junction = Some(j.table.clone());
                        e.conditions = j
                            .target_columns
                            .iter()
                            .map(|(c, jc)| JoinCondition {
                                left: (junction.clone(), jc.clone()),
                                right: (target.clone(), c.clone()),
                            })
                            .chain(j.source_columns.iter().map(|(c, jc)| JoinCondition {
                                left: (junction.clone(), jc.clone()),
                                right: (parent(&parent_alias), c.clone()),
                            }))
                            .collect();
                        e.parent_columns =
                            j.source_columns.iter().map(|(c, _)| c.clone()).collect();
                    }
                    Cardinality::O2M { columns, .. }
                    | Cardinality::M2O { columns, .. }
                    | Cardinality::O2O { columns, .. } => {
                        let own = QualifiedName::new("", &alias);
                        e.conditions = columns
                            .iter()
                            .map(|(c, fc)| JoinCondition {
                                left: (own.clone(), fc.clone()),
                                right: (parent(&parent_alias), c.clone()),
                            })
                            .collect();
                        e.parent_columns = columns.iter().map(|(c, _)| c.clone()).collect();
                        child.alias = Some(alias);
                    }
                }
            }
        }
        add_relationships(child, cache, schema)?;
    }
    Ok(())
}

/// The one relationship from `origin` that `target` (with its `hint`) names.
fn find<'c>(
    cache: &'c SchemaCache,
    schema: &str,
    origin: &str,
    target: &str,
    hint: Option<&str>,
) -> Result<&'c Relationship, Error> {
    let all = cache.relationships_from(&QualifiedName::new(schema, origin), schema);
    let found: Vec<&Relationship> = all.iter().filter(|r| matches(r, target, hint)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::no_relationship(
            origin,
            target,
            hint,
            schema,
            suggestion(cache, schema, origin, target),
        )),
        many => Err(Error::ambiguous_relationship(
            origin,
            target,
            many.iter().map(|r| describe(r)).collect(),
            &many.iter().map(|r| hint_for(r)).collect::<Vec<_>>(),
        )),
    }
}

/// The single column of a foreign key, on its own side and on the referenced side.
fn single_column(card: &Cardinality) -> Option<&(String, String)> {
    match card {
        Cardinality::O2M { columns, .. }
        | Cardinality::M2O { columns, .. }
        | Cardinality::O2O { columns, .. } => match columns.as_slice() {
            [one] => Some(one),
            _ => None,
        },
        Cardinality::M2M(_) => None,
    }
}

fn constraint(card: &Cardinality) -> Option<&str> {
    match card {
        Cardinality::O2M { constraint, .. }
        | Cardinality::M2O { constraint, .. }
        | Cardinality::O2O { constraint, .. } => Some(constraint),
        Cardinality::M2M(_) => None,
    }
}

fn matches(rel: &Relationship, target: &str, hint: Option<&str>) -> bool {
    let Relationship::ForeignKey {
        foreign_table,
        is_self,
        cardinality,
        foreign_table_is_view,
        ..
    } = rel
    else {
        let Relationship::Computed { function, .. } = rel else {
            unreachable!()
        };
        return function.name == target;
    };
    let by_column = |name: &str| single_column(cardinality).is_some_and(|(c, _)| c == name);
    let by_ref_column = |name: &str| single_column(cardinality).is_some_and(|(_, f)| f == name);
    let by_constraint = |name: &str| constraint(cardinality) == Some(name);
    let by_junction =
        |name: &str| matches!(cardinality, Cardinality::M2M(j) if j.table.name == name);
    let o2m = matches!(cardinality, Cardinality::O2M { .. });
    let m2o = matches!(cardinality, Cardinality::M2O { .. });
    let by_table = foreign_table.name == target;
    match (is_self, hint) {
        // A self-reference: its table name reaches the children, its column the parent.
        (true, None) => (by_table && o2m) || (by_column(target) && m2o),
        (true, Some(h)) => by_table && o2m && by_ref_column(h),
        (false, None) => {
            by_table
                || (by_constraint(target) && !foreign_table_is_view)
                || (by_column(target) && !foreign_table_is_view)
        }
        (false, Some(h)) => {
            by_table && (by_constraint(h) || by_column(h) || by_ref_column(h) || by_junction(h))
        }
    }
}

/// PGRST201's description of a candidate.
fn describe(rel: &Relationship) -> serde_json::Value {
    let Relationship::ForeignKey {
        table,
        foreign_table,
        cardinality,
        ..
    } = rel
    else {
        // An ambiguity never involves a computed relationship: it replaces the others.
        return json!({});
    };
    let list = |cols: &mut dyn Iterator<Item = &String>| {
        format!("({})", cols.cloned().collect::<Vec<_>>().join(", "))
    };
    let (kind, relationship) = match cardinality {
        Cardinality::M2M(j) => (
            "many-to-many",
            format!(
                "{} using {}{} and {}{}",
                j.table.name,
                j.constraint1,
                list(&mut j.source_columns.iter().map(|(_, jc)| jc)),
                j.constraint2,
                list(&mut j.target_columns.iter().map(|(_, jc)| jc)),
            ),
        ),
        Cardinality::M2O {
            constraint,
            columns,
        }
        | Cardinality::O2O {
            constraint,
            columns,
            ..
        }
        | Cardinality::O2M {
            constraint,
            columns,
        } => (
            match cardinality {
                Cardinality::M2O { .. } => "many-to-one",
                Cardinality::O2O { .. } => "one-to-one",
                _ => "one-to-many",
            },
            format!(
                "{constraint} using {}{} and {}{}",
                table.name,
                list(&mut columns.iter().map(|(c, _)| c)),
                foreign_table.name,
                list(&mut columns.iter().map(|(_, f)| f)),
            ),
        ),
    };
    json!({
        "cardinality": kind,
        "embedding": format!("{} with {}", table.name, foreign_table.name),
        "relationship": relationship,
    })
}

/// The `'table!name'` that would pick a candidate.
fn hint_for(rel: &Relationship) -> String {
    match rel {
        Relationship::ForeignKey {
            foreign_table,
            cardinality,
            ..
        } => {
            let name = match cardinality {
                Cardinality::M2M(j) => j.table.name.as_str(),
                other => constraint(other).unwrap_or_default(),
            };
            format!("'{}!{name}'", foreign_table.name)
        }
        Relationship::Computed { .. } => String::new(),
    }
}

/// PGRST200's hint: a close name for the origin when it has no relationships at all, else a
/// close name among the tables it does reach (never the target itself).
fn suggestion(cache: &SchemaCache, schema: &str, origin: &str, target: &str) -> Option<String> {
    let origins: Vec<&str> = cache
        .relationships
        .keys()
        .filter(|(_, s)| s == schema)
        .map(|(o, _)| o.name.as_str())
        .collect();
    let reached = cache.relationships_from(&QualifiedName::new(schema, origin), schema);
    if origins.contains(&origin) {
        let targets = reached.iter().map(|r| r.foreign_table().name.as_str());
        // A target that is one of them is found; the hint is about something else then.
        fuzzy::matches(target, targets)
            .into_iter()
            .find(|(score, _)| *score < 1.0)
            .map(|(_, t)| format!("Perhaps you meant '{t}' instead of '{target}'."))
    } else {
        fuzzy::best(origin, origins)
            .map(|o| format!("Perhaps you meant '{o}' instead of '{origin}'."))
    }
}
