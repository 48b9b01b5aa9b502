//! `order=` → order terms: a column or an embedded resource's column, direction, nulls.

use super::failure::fail;
use super::names::{field_of, name_of};
use super::{Direction, Field, Nulls, OrderTarget, OrderTerm, QueryParser, Rule};
use crate::api::parse_error;
use crate::error::Error;
use pest::Parser;

/// `order=` value → terms.
pub fn parse_order(value: &str) -> Result<Vec<OrderTerm>, Error> {
    let pairs = QueryParser::parse(Rule::order, value).map_err(|e| {
        fail(
            format!("failed to parse order ({value})"),
            value,
            0,
            e,
            parse_error::order,
        )
    })?;
    let mut terms = Vec::new();
    for term in pairs.flatten().filter(|p| p.as_rule() == Rule::order_term) {
        let mut t = OrderTerm {
            target: OrderTarget::Field(Field::named("")),
            direction: None,
            nulls: None,
        };
        for p in term.into_inner() {
            match p.as_rule() {
                Rule::field => t.target = OrderTarget::Field(field_of(p)),
                Rule::order_relation => {
                    let mut inner = p.into_inner();
                    let relation = inner.next().map(name_of).unwrap_or_default();
                    let field = inner.next().map(field_of).unwrap_or(Field::named(""));
                    t.target = OrderTarget::Related { relation, field };
                }
                Rule::direction => {
                    t.direction = Some(if p.as_str() == "desc" {
                        Direction::Desc
                    } else {
                        Direction::Asc
                    })
                }
                Rule::nulls => {
                    t.nulls = Some(if p.as_str() == "nullsfirst" {
                        Nulls::First
                    } else {
                        Nulls::Last
                    })
                }
                _ => {}
            }
        }
        terms.push(t);
    }
    Ok(terms)
}
