//! pg_sleep and pg_sleep_for. A statement that is only `SELECT pg_sleep(x)` also gets a query
//! giving its seconds ([`seconds`]): the executor then waits them out without holding the
//! database, so the database's other sessions go on meanwhile, as in PostgreSQL. Anywhere else
//! the call sleeps where it stands.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Query, SelectItem, SetExpr,
};

use super::Translator;
use super::datetime::type_oid;
use crate::make;
use crate::types::Ty;

/// The runtime function that sleeps on the database's thread.
pub(super) const SLEEP: &str = "devdb_pg_sleep";

impl Translator<'_> {
    /// `pg_sleep(seconds)`.
    pub(super) fn pg_sleep(&mut self, args: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        let args = self.typed_args(args, &[Ty::of(PgType::Float8)])?;
        Ok((make::call(SLEEP, args), Ty::of(PgType::Void)))
    }

    /// `pg_sleep_for(interval)`: pg_sleep of the interval's seconds, as PostgreSQL defines it.
    pub(super) fn pg_sleep_for(&mut self, args: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        let args = self.typed_args(args, &[Ty::of(PgType::Interval)])?;
        let [interval] = <[Expr; 1]>::try_from(args)
            .map_err(|_| PgError::internal("pg_sleep_for takes one argument"))?;
        let seconds = make::call(
            "pg_extract",
            vec![
                make::string("epoch"),
                interval,
                type_oid(PgType::Interval),
                make::int(1),
            ],
        );
        Ok((make::call(SLEEP, vec![seconds]), Ty::of(PgType::Void)))
    }
}

/// When the translated query `q` is only a call of pg_sleep (`SELECT pg_sleep(x) [AS name]`,
/// nothing else), the query giving the seconds it sleeps.
pub(super) fn seconds(q: &Query) -> Option<Query> {
    let SetExpr::Select(select) = q.body.as_ref() else {
        return None;
    };
    let [item] = select.projection.as_slice() else {
        return None;
    };
    let (SelectItem::UnnamedExpr(call) | SelectItem::ExprWithAlias { expr: call, .. }) = item
    else {
        return None;
    };
    let Expr::Function(f) = call else {
        return None;
    };
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] = list.args.as_slice() else {
        return None;
    };
    let only_the_call = make::query(SetExpr::Select(Box::new(make::select(
        vec![item.clone()],
        Vec::new(),
        None,
    ))));
    if *call != make::call(SLEEP, vec![arg.clone()]) || *q != only_the_call {
        return None;
    }
    Some(make::query(SetExpr::Select(Box::new(make::select(
        vec![make::select_item(arg.clone(), None)],
        Vec::new(),
        None,
    )))))
}

#[cfg(test)]
mod tests {
    use crate::tests::{translate_one, translate_typed};
    use devdb_pg::PgType;

    #[test]
    fn a_statement_that_only_sleeps_gives_its_seconds() {
        for sql in [
            "select pg_sleep(0.5)",
            "SELECT pg_sleep(1) AS nap",
            "select pg_sleep_for('2 seconds')",
        ] {
            let t = translate_one(sql);
            let seconds = t.sleep.unwrap_or_else(|| panic!("{sql}: no seconds"));
            assert!(!seconds.contains(super::SLEEP), "{sql}: {seconds}");
            assert!(t.sqlite.iter().any(|s| s.contains(super::SLEEP)), "{sql}");
        }
        let t = translate_typed("select pg_sleep($1)", &[None]);
        assert_eq!(t.params, [PgType::Float8]);
        assert!(t.sleep.is_some());
    }

    #[test]
    fn a_sleep_among_other_things_sleeps_where_it_stands() {
        for sql in [
            "select pg_sleep(0.1), 1",
            "select pg_sleep(0.1) from pg_class",
            "select pg_sleep(0.1) where false",
            "select pg_sleep(0.1) limit 0",
            "select 1",
            "select abs(1)",
        ] {
            assert_eq!(translate_one(sql).sleep, None, "{sql}");
        }
    }
}
