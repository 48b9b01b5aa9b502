//! ApiRequest + schema cache → Plan: what to read, resolved against the relation that exists,
//! with the page restricted by `db-max-rows` and the representation negotiated.

use crate::api::{
    Action, ApiRequest, Count, Filter, LogicTree, MediaType, OrderTerm, Range, SelectItem,
};
use crate::error::Error;
use crate::schema::Relation;

#[derive(Debug, Clone)]
pub struct ReadPlan<'a> {
    pub relation: &'a Relation,
    pub select: &'a [SelectItem],
    pub filters: &'a [Filter],
    pub logic: &'a [LogicTree],
    pub order: &'a [OrderTerm],
    pub range: Range,
    /// HEAD: run the query but skip serialising the body.
    pub head: bool,
    pub media: MediaType,
    pub count: Option<Count>,
    pub max_rows: Option<i64>,
}

pub fn read<'a>(
    req: &'a ApiRequest,
    relation: &'a Relation,
    max_rows: Option<i64>,
) -> Result<ReadPlan<'a>, Error> {
    let head = matches!(req.action, Action::Read { head: true });
    // PostgREST negotiates after finding the relation: an unknown table is a 404 whatever the
    // Accept header says.
    let media = req.media.clone()?;
    Ok(ReadPlan {
        relation,
        select: &req.query.select,
        filters: &req.query.filters,
        logic: &req.query.logic,
        order: &req.query.order,
        range: req.query.range.restrict(max_rows),
        head,
        media,
        count: req.prefer.count,
        max_rows,
    })
}
