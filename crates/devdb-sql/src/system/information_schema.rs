//! The information_schema views, over the pg_catalog views.

use super::Relation;

pub static RELATIONS: &[Relation] = &[];
