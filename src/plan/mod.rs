//! ApiRequest + schema → Plan: what to read, resolved against the relation that exists.

use crate::api::{ApiRequest, SelectItem};
use crate::schema::Relation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadPlan {
    pub relation: Relation,
    pub select: Vec<SelectItem>,
    pub limit: Option<i64>,
    pub offset: i64,
    /// HEAD: run the query but skip serialising the body.
    pub head: bool,
}

pub fn read(req: &ApiRequest, relation: Relation, head: bool) -> ReadPlan {
    ReadPlan {
        relation,
        select: req.query.select.clone(),
        limit: req.query.limit,
        offset: req.query.offset,
        head,
    }
}
