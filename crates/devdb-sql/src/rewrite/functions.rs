//! Function calls: PostgreSQL built-ins mapped to SQLite's, to devdb runtime functions
//! (`pg_*`, pure) or to executor functions (`devdb_*`, which need session state).

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    BinaryOperator, DataType, DuplicateTreatment, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArguments, ObjectName, ObjectNamePart, TrimWhereField,
};

use super::expr::{BOOL, Ctx, comparable, string_literal};
use super::{Translator, fold};
use crate::make;
use crate::types::Ty;

/// What `version()` answers; clients parse the leading "PostgreSQL 15.0".
pub const VERSION: &str =
    "PostgreSQL 15.0 (devdb 0.1.0) on x86_64-pc-linux-gnu, compiled by rustc, 64-bit";

/// The functions that read a FROM item's name as its whole row (`json_agg(t)`).
const WHOLE_ROW_FUNCTIONS: &[&str] = &[
    "to_json",
    "to_jsonb",
    "row_to_json",
    "json_agg",
    "jsonb_agg",
];

const TEXT: Ty = Ty::of(PgType::Text);
const INT4: Ty = Ty::of(PgType::Int4);
const INT8: Ty = Ty::of(PgType::Int8);
const FLOAT8: Ty = Ty::of(PgType::Float8);
const NUMERIC: Ty = Ty::of(PgType::Numeric);

/// Integers and numerics (and untyped literals): the arguments numeric-only functions take.
fn exact_number(t: &Ty) -> bool {
    t.ty.is_integer() || t.ty == PgType::Numeric || t.is_unknown()
}

/// The arguments of a call.
enum Args {
    /// `f` without parentheses (SQL value functions such as current_timestamp).
    None,
    /// `count(*)`.
    Star,
    List {
        distinct: bool,
        args: Vec<Expr>,
    },
}

impl Translator<'_> {
    pub fn function(&mut self, f: Function) -> Result<(Expr, Ty), PgError> {
        if f.over.is_some() || f.filter.is_some() {
            return self.window_or_filtered(f);
        }
        let Function {
            name,
            uses_odbc_syntax: false,
            parameters: FunctionArguments::None,
            args,
            within_group,
            filter: None,
            null_treatment: None,
            over: None,
        } = f
        else {
            return Err(PgError::feature_not_supported(
                "IGNORE NULLS, RESPECT NULLS and WITHIN GROUP",
            ));
        };
        let fname = self.call_name(&name)?;
        if !within_group.is_empty() {
            let direct = positional_args(args, "function argument")?;
            return self.ordered_set_aggregate(&fname, direct, within_group);
        }
        let mut order = Vec::new();
        let args = match args {
            FunctionArguments::None => Args::None,
            FunctionArguments::Subquery(q) if fname == "array" => {
                return self.array_subquery(*q);
            }
            FunctionArguments::Subquery(_) => {
                return Err(PgError::feature_not_supported(
                    "function call with a subquery argument",
                ));
            }
            FunctionArguments::List(mut list) => {
                // ORDER BY inside an aggregate call is the one clause devdb takes (json_agg).
                if let [sqlparser::ast::FunctionArgumentClause::OrderBy(_)] =
                    list.clauses.as_slice()
                    && let Some(sqlparser::ast::FunctionArgumentClause::OrderBy(o)) =
                        list.clauses.pop()
                {
                    order = o;
                }
                if !list.clauses.is_empty() {
                    return Err(PgError::feature_not_supported(format!(
                        "clauses in a call of {fname}"
                    )));
                }
                let distinct = list.duplicate_treatment == Some(DuplicateTreatment::Distinct);
                let mut exprs = Vec::with_capacity(list.args.len());
                let mut star = false;
                for a in list.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(e),
                        FunctionArg::Named {
                            name,
                            arg: FunctionArgExpr::Expr(e),
                            operator: _,
                        } => super::datetime::named_argument(&fname, &name, e, &mut exprs)?,
                        FunctionArg::ExprNamed {
                            name: Expr::Identifier(name),
                            arg: FunctionArgExpr::Expr(e),
                            operator: _,
                        } => super::datetime::named_argument(&fname, &name, e, &mut exprs)?,
                        FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if fname == "count" => {
                            star = true
                        }
                        // `to_jsonb(t.*)`: the whole row of t, as `to_jsonb(t)` for the
                        // functions that take one.
                        FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(name))
                            if WHOLE_ROW_FUNCTIONS.contains(&fname.as_str()) =>
                        {
                            match name.0.as_slice() {
                                [part] if part.as_ident().is_some() => {
                                    exprs.extend(part.as_ident().cloned().map(Expr::Identifier))
                                }
                                _ => {
                                    return Err(PgError::feature_not_supported(format!(
                                        "function argument {name}.*"
                                    )));
                                }
                            }
                        }
                        other => {
                            return Err(PgError::feature_not_supported(format!(
                                "function argument {other}"
                            )));
                        }
                    }
                }
                if star {
                    if !exprs.is_empty() || distinct {
                        return Err(PgError::syntax_error("syntax error at or near \"*\"", None));
                    }
                    Args::Star
                } else {
                    Args::List {
                        distinct,
                        args: exprs,
                    }
                }
            }
        };
        if let Args::List { distinct, args } = args {
            if let ("current_timestamp" | "localtimestamp" | "localtime", false, [precision]) =
                (fname.as_str(), distinct, args.as_slice())
            {
                return self.value_function_rounded(&fname, precision);
            }
            if let Some(done) = self.sql_function_call(&fname, &args)? {
                return Ok(done);
            }
            let (distinct, args) =
                match self.json_function(&fname, args.clone(), distinct, order.clone())? {
                    Some(done) => return Ok(done),
                    None => (distinct, args),
                };
            let (distinct, args) =
                match self.array_function(&fname, args.clone(), distinct, order.clone())? {
                    Some(done) => return Ok(done),
                    None => (distinct, args),
                };
            if fname == "string_agg" && distinct {
                return self.string_agg_distinct(args, order);
            }
            if !order.is_empty() {
                if fname != "string_agg" || distinct {
                    return Err(PgError::feature_not_supported(format!(
                        "ORDER BY in a call of {fname}"
                    )));
                }
                let order = self.aggregate_order(order)?;
                let (mut e, ty) = self.call_builtin(&fname, args)?;
                if let Expr::Function(Function {
                    args: FunctionArguments::List(list),
                    ..
                }) = &mut e
                {
                    list.clauses = vec![sqlparser::ast::FunctionArgumentClause::OrderBy(order)];
                }
                return Ok((e, ty));
            }
            return if distinct {
                self.aggregate(&fname, args, true)
            } else {
                self.call_builtin(&fname, args)
            };
        }
        match args {
            Args::None => self.value_function(&fname),
            Args::Star => {
                if let Some(g) = self.grouping() {
                    g.saw_aggregate = true;
                }
                Ok((make::count_star(), INT8))
            }
            Args::List {
                distinct: true,
                args,
            } => self.aggregate(&fname, args, true),
            Args::List {
                distinct: false,
                args,
            } => self.call_builtin(&fname, args),
        }
    }

    /// `string_agg(DISTINCT value, delimiter [ORDER BY ...])`. SQLite's DISTINCT takes one
    /// argument, so the pair is one JSON array to `pg_string_agg_distinct`; without ORDER BY
    /// the values come sorted, as PostgreSQL's DISTINCT sorts them.
    fn string_agg_distinct(
        &mut self,
        args: Vec<Expr>,
        order: Vec<sqlparser::ast::OrderByExpr>,
    ) -> Result<(Expr, Ty), PgError> {
        if args.len() != 2 {
            return Err(undefined("string_agg", args.len()));
        }
        let order = distinct_order(&args, order)?;
        let (typed, order) = self.inside_aggregate(|t| {
            Ok((
                t.typed_args(args, &[TEXT, TEXT])?,
                t.aggregate_order(order)?,
            ))
        })?;
        let pair = make::call("json_array", typed);
        let call = make::aggregate("pg_string_agg_distinct", vec![pair], true, order);
        Ok((call, TEXT))
    }

    /// SQL value functions, written without parentheses.
    pub(super) fn value_function(&mut self, name: &str) -> Result<(Expr, Ty), PgError> {
        Ok(match name {
            "current_timestamp" => (make::call("devdb_now", vec![]), Ty::of(PgType::Timestamptz)),
            // The transaction's start seen in the session's zone.
            "localtimestamp" | "localtime" | "current_date" => {
                let ty = Ty::of(match name {
                    "localtimestamp" => PgType::Timestamp,
                    "localtime" => PgType::Time,
                    _ => PgType::Date,
                });
                let now = make::call("devdb_now", vec![]);
                let tz = Ty::of(PgType::Timestamptz);
                (self.coerce(now, tz, ty, Ctx::Explicit)?, ty)
            }
            "current_user" | "session_user" | "user" | "current_role" => (
                make::call("devdb_current_user", vec![]),
                Ty::of(PgType::Name),
            ),
            "current_catalog" => (
                make::call("devdb_current_database", vec![]),
                Ty::of(PgType::Name),
            ),
            "current_schema" => (self.current_schema(), Ty::of(PgType::Name)),
            other => return Err(PgError::feature_not_supported(other.to_uppercase())),
        })
    }

    /// `current_timestamp(p)`, `localtimestamp(p)`, `localtime(p)`: the value rounded to `p`
    /// fractional digits, as a cast to the type with that precision rounds it.
    fn value_function_rounded(
        &mut self,
        name: &str,
        precision: &Expr,
    ) -> Result<(Expr, Ty), PgError> {
        let p = match precision {
            Expr::Value(v) => match &v.value {
                sqlparser::ast::Value::Number(n, _) => n.parse::<u16>().ok(),
                _ => None,
            },
            _ => None,
        };
        let Some(p) = p else {
            return Err(PgError::syntax_error(
                format!("syntax error at or near \"{precision}\""),
                None,
            ));
        };
        let (e, ty) = self.value_function(name)?;
        let rounded = Ty::with_typmod(ty.ty, i32::from(p.min(6)));
        Ok((self.coerce(e, ty, rounded, Ctx::Explicit)?, rounded))
    }

    fn aggregate(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        distinct: bool,
    ) -> Result<(Expr, Ty), PgError> {
        let [arg] = <[Expr; 1]>::try_from(args).map_err(|a| undefined(name, a.len()))?;
        let (e, ty) = self.inside_aggregate(|t| t.expr_resolved(arg))?;
        let result = match name {
            "count" => INT8,
            "sum" => Ty::of(match ty.ty {
                PgType::Interval => PgType::Interval,
                PgType::Int2 | PgType::Int4 => PgType::Int8,
                PgType::Int8 | PgType::Numeric => PgType::Numeric,
                PgType::Float4 => PgType::Float4,
                PgType::Float8 => PgType::Float8,
                _ => return Err(undefined_with(name, &[ty])),
            }),
            "avg" => Ty::of(match ty.ty {
                PgType::Interval => PgType::Interval,
                PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Numeric => PgType::Numeric,
                PgType::Float4 | PgType::Float8 => PgType::Float8,
                _ => return Err(undefined_with(name, &[ty])),
            }),
            "min" | "max" => match ty.ty {
                PgType::Json | PgType::Jsonb | PgType::Bool | PgType::Void => {
                    return Err(undefined_with(name, &[ty]));
                }
                _ => Ty { typmod: -1, ..ty },
            },
            _ if is_variance(name) => Ty::of(match ty.ty {
                PgType::Int2 | PgType::Int4 | PgType::Int8 | PgType::Numeric => PgType::Numeric,
                PgType::Float4 | PgType::Float8 => PgType::Float8,
                _ => return Err(undefined_with(name, &[ty])),
            }),
            "bool_and" | "bool_or" | "every" => {
                if ty.ty != PgType::Bool {
                    return Err(undefined_with(name, &[ty]));
                }
                ty
            }
            "bit_and" | "bit_or" | "bit_xor" => {
                if !matches!(ty.ty, PgType::Int2 | PgType::Int4 | PgType::Int8) {
                    return Err(undefined_with(name, &[ty]));
                }
                Ty::of(ty.ty)
            }
            _ => return Err(undefined_with(name, &[ty])),
        };
        let sqlite_name = match name {
            "bool_and" | "every" => "min",
            "bool_or" => "max",
            "bit_and" => "pg_bit_and",
            "bit_or" => "pg_bit_or",
            "bit_xor" => "pg_bit_xor",
            // Exact sums and averages (numeric results) need devdb's own aggregates.
            "sum" if result.ty == PgType::Numeric => "pg_numeric_sum",
            "avg" if result.ty == PgType::Numeric => "pg_numeric_avg",
            "sum" if result.ty == PgType::Interval => "pg_interval_sum",
            "avg" if result.ty == PgType::Interval => "pg_interval_avg",
            // SQLite's sum and avg read the TEXT of a NaN as 0.
            "sum" if result.ty == PgType::Float8 => "pg_float8_sum",
            "sum" if result.ty == PgType::Float4 => "pg_float4_sum",
            "avg" if result.ty == PgType::Float8 => "pg_float8_avg",
            "stddev" | "stddev_samp" if result.ty == PgType::Float8 => "pg_float8_stddev_samp",
            "stddev" | "stddev_samp" => "pg_numeric_stddev_samp",
            "stddev_pop" if result.ty == PgType::Float8 => "pg_float8_stddev_pop",
            "stddev_pop" => "pg_numeric_stddev_pop",
            "variance" | "var_samp" if result.ty == PgType::Float8 => "pg_float8_var_samp",
            "variance" | "var_samp" => "pg_numeric_var_samp",
            "var_pop" if result.ty == PgType::Float8 => "pg_float8_var_pop",
            "var_pop" => "pg_numeric_var_pop",
            other => other,
        };
        let enum_extreme = matches!(name, "min" | "max") && ty.ty == PgType::AnyEnum;
        let mut call = if enum_extreme {
            make::call(sqlite_name, vec![self.enum_ordinal(e, ty)?])
        } else if let (Some(collation), "min" | "max", false) =
            (super::expr::collation(ty.ty), name, distinct)
        {
            // Compared by value, span or without case, keeping the last of equal values as
            // PostgreSQL does (`1.5` or `1.50`).
            let devdb_name = if name == "min" {
                "pg_collated_min"
            } else {
                "pg_collated_max"
            };
            make::call(devdb_name, vec![e, make::string(collation)])
        } else if super::expr::collated(ty.ty) {
            // min, max and DISTINCT compare numerics by value, intervals by span.
            make::call(sqlite_name, vec![comparable(e, ty)])
        } else {
            make::call(sqlite_name, vec![e])
        };
        if distinct
            && let Expr::Function(Function {
                args: FunctionArguments::List(list),
                ..
            }) = &mut call
        {
            list.duplicate_treatment = Some(DuplicateTreatment::Distinct);
        }
        if enum_extreme {
            call = self.enum_from_ordinal(call, ty)?;
        }
        Ok((call, result))
    }

    /// A call `name(args)` of a built-in function.
    pub fn call_builtin(&mut self, name: &str, args: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        let args = match self.catalog_function(name, args)? {
            Ok(done) => return Ok(done),
            Err(args) => args,
        };
        let n = args.len();
        match (name, n) {
            (
                "count" | "sum" | "avg" | "min" | "max" | "bool_and" | "bool_or" | "every"
                | "bit_and" | "bit_or" | "bit_xor",
                1,
            ) => {
                return self.aggregate(name, args, false);
            }
            (_, 1) if is_variance(name) => return self.aggregate(name, args, false),
            (_, 2) if is_regression(name) => {
                let args = self.inside_aggregate(|t| t.typed_args(args, &[FLOAT8, FLOAT8]))?;
                let result = if name == "regr_count" { INT8 } else { FLOAT8 };
                return Ok((make::call(&format!("pg_{name}"), args), result));
            }
            ("string_agg", 2) => {
                let args = self.inside_aggregate(|t| t.typed_args(args, &[TEXT, TEXT]))?;
                return Ok((make::call("group_concat", args), TEXT));
            }
            ("now" | "transaction_timestamp", 0) => {
                return Ok((make::call("devdb_now", vec![]), Ty::of(PgType::Timestamptz)));
            }
            ("statement_timestamp", 0) => {
                return Ok((
                    make::call("devdb_statement_timestamp", vec![]),
                    Ty::of(PgType::Timestamptz),
                ));
            }
            ("clock_timestamp", 0) => {
                return Ok((
                    make::call("devdb_clock", vec![]),
                    Ty::of(PgType::Timestamptz),
                ));
            }
            // timezone(zone, ts) is `ts AT TIME ZONE zone`.
            ("timezone", 2) => {
                let mut args = args.into_iter();
                let zone = args.next().unwrap_or_else(make::null);
                let ts = args.next().unwrap_or_else(make::null);
                return self.at_time_zone(ts, zone);
            }
            ("version", 0) => return Ok((make::string(VERSION), TEXT)),
            ("gen_random_uuid" | "uuid_generate_v4", 0) => {
                return Ok((
                    make::call("pg_gen_random_uuid", vec![]),
                    Ty::of(PgType::Uuid),
                ));
            }
            ("pg_backend_pid", 0) => {
                return Ok((
                    make::call("devdb_backend_pid", vec![]),
                    Ty::of(PgType::Int4),
                ));
            }
            ("current_database", 0) => {
                return Ok((
                    make::call("devdb_current_database", vec![]),
                    Ty::of(PgType::Name),
                ));
            }
            ("current_schema", 0) => return Ok((self.current_schema(), Ty::of(PgType::Name))),
            ("current_schemas", 1) => {
                let [implicit] =
                    <[Expr; 1]>::try_from(self.typed_args(args, &[Ty::of(PgType::Bool)])?)
                        .map_err(|_| PgError::internal("current_schemas takes one argument"))?;
                return Ok((self.current_schemas(implicit), Ty::of(PgType::NameArray)));
            }
            ("pg_notify", 2) => {
                let args = self.typed_args(args, &[TEXT, TEXT])?;
                return Ok((make::call("devdb_notify", args), Ty::of(PgType::Void)));
            }
            ("pg_sleep", 1) => return self.pg_sleep(args),
            ("pg_sleep_for", 1) => return self.pg_sleep_for(args),
            ("nextval" | "currval", 1) => {
                if name == "nextval" {
                    self.writes = true;
                }
                let args = self.sequence_args(args, &[])?;
                return Ok((make::call(&format!("devdb_{name}"), args), INT8));
            }
            ("setval", 2 | 3) => {
                self.writes = true;
                let rest: &[Ty] = if n == 2 {
                    &[INT8]
                } else {
                    &[INT8, Ty::of(PgType::Bool)]
                };
                let args = self.sequence_args(args, rest)?;
                return Ok((make::call("devdb_setval", args), INT8));
            }
            (
                "pg_advisory_lock"
                | "pg_advisory_xact_lock"
                | "pg_try_advisory_lock"
                | "pg_try_advisory_xact_lock"
                | "pg_advisory_unlock",
                1 | 2,
            ) => {
                let request = match name {
                    "pg_advisory_lock" => "lock",
                    "pg_advisory_xact_lock" => "xact_lock",
                    "pg_try_advisory_lock" => "try_lock",
                    "pg_try_advisory_xact_lock" => "try_xact_lock",
                    _ => "unlock",
                };
                let keys: &[Ty] = if n == 1 { &[INT8] } else { &[INT4, INT4] };
                let mut call_args = vec![make::string(request)];
                call_args.extend(self.typed_args(args, keys)?);
                let ty = if name.starts_with("pg_advisory_") && name != "pg_advisory_unlock" {
                    Ty::of(PgType::Void)
                } else {
                    Ty::of(PgType::Bool)
                };
                return Ok((make::call("devdb_advisory", call_args), ty));
            }
            ("pg_advisory_unlock_all", 0) => {
                return Ok((
                    make::call("devdb_advisory_unlock_all", vec![]),
                    Ty::of(PgType::Void),
                ));
            }
            ("txid_current", 0) => {
                return Ok((make::call("devdb_txid_current", vec![]), INT8));
            }
            ("pg_current_xact_id", 0) => {
                return Ok((
                    make::call("devdb_txid_current", vec![]),
                    Ty::of(PgType::Xid8),
                ));
            }
            (
                "inet_client_addr" | "inet_client_port" | "inet_server_addr" | "inet_server_port",
                0,
            ) => {
                let ty = match name.ends_with("port") {
                    true => INT4,
                    false => Ty::of(PgType::Inet),
                };
                return Ok((make::call(&format!("devdb_{name}"), vec![]), ty));
            }
            ("pg_postmaster_start_time", 0) => {
                return Ok((
                    make::call("devdb_postmaster_start_time", vec![]),
                    Ty::of(PgType::Timestamptz),
                ));
            }
            ("set_config", 3) => {
                let args = self.typed_args(args, &[TEXT, TEXT, Ty::of(PgType::Bool)])?;
                return Ok((make::call("devdb_set_config", args), TEXT));
            }
            ("generate_series", _) => return self.select_list_series(args),
            ("num_nonnulls" | "num_nulls", 1..) => {
                // VARIADIC "any": counted without converting the arguments.
                let mut counts = Vec::with_capacity(n);
                for a in args {
                    let (e, _) = self.expr(a)?;
                    counts.push(make::nested(match name {
                        "num_nulls" => Expr::IsNull(Box::new(e)),
                        _ => Expr::IsNotNull(Box::new(e)),
                    }));
                }
                let sum = counts
                    .into_iter()
                    .reduce(|l, r| make::binary(l, BinaryOperator::Plus, r))
                    .unwrap_or_else(|| make::int(0));
                return Ok((make::nested(sum), INT4));
            }
            ("regexp_matches", 2 | 3) => {
                // A set of text[]: each match's groups, as a join with their stored arrays.
                self.check_select_list_set()?;
                let n = args.len();
                let args = self.typed_args(args, &vec![TEXT; n])?;
                let value = self.select_list_set(make::call("pg_regexp_matches", args), "value")?;
                return Ok((make::call("unhex", vec![value]), Ty::of(PgType::TextArray)));
            }
            ("hashtext", 1) => {
                let args = self.typed_args(args, &[TEXT])?;
                return Ok((make::call("pg_hashtext", args), INT4));
            }
            ("current_setting", 1 | 2) => {
                let args = self.typed_args(args, &[TEXT, BOOL])?;
                return Ok((make::call("devdb_setting", args), TEXT));
            }
            ("random", 0) => {
                // A double in [0, 1) from SQLite's 64-bit random(), as PostgreSQL's random().
                let scale = 9_007_199_254_740_992_i64;
                let bits = make::call(
                    "abs",
                    vec![make::nested(make::binary(
                        make::call("random", vec![]),
                        BinaryOperator::Modulo,
                        make::int(scale),
                    ))],
                );
                return Ok((
                    make::nested(make::binary(
                        bits,
                        BinaryOperator::Divide,
                        make::float(scale as f64),
                    )),
                    FLOAT8,
                ));
            }
            _ => {}
        }
        let typed = args
            .into_iter()
            .map(|a| self.expr(a))
            .collect::<Result<Vec<_>, _>>()?;
        let typed = match self.datetime_function(name, typed)? {
            Ok(done) => return Ok(done),
            Err(typed) => typed,
        };
        let typed = match self.range_function(name, typed)? {
            Ok(done) => return Ok(done),
            Err(typed) => typed,
        };
        let typed = match self.text_search_function(name, typed)? {
            Ok(done) => return Ok(done),
            Err(typed) => typed,
        };
        let typed = match self.signature_function(name, typed)? {
            Ok(done) => return Ok(done),
            Err(typed) => typed,
        };
        let types: Vec<Ty> = typed.iter().map(|(_, t)| *t).collect();
        if let ("enum_range" | "enum_first" | "enum_last", [t]) = (name, types.as_slice())
            && t.ty == PgType::AnyEnum
        {
            return self.enum_function(name, *t);
        }
        let text_like = |t: &Ty| t.ty.is_text();
        // pgcrypto's functions exist once CREATE EXTENSION pgcrypto made them.
        let pgcrypto = self.catalog.extensions.iter().any(|e| e == "pgcrypto");
        let bytea = Ty::of(PgType::Bytea);
        // pgcrypto's text-or-bytea arguments: bytea for bytea, else text (an untyped literal).
        let data = |t: &Ty| if t.ty == PgType::Bytea { bytea } else { TEXT };
        let data_like = |t: &Ty| t.ty == PgType::Bytea || text_like(t) || t.is_unknown();
        let name_like = |t: &Ty| text_like(t) || t.is_unknown();
        let (sqlite, arg_types, result): (&str, Vec<Ty>, Ty) = match (name, types.as_slice()) {
            ("digest", [d, k]) if pgcrypto && data_like(d) && name_like(k) => {
                ("pg_digest", vec![data(d), TEXT], bytea)
            }
            ("hmac", [d, key, k])
                if pgcrypto && data_like(d) && data(d) == data(key) && name_like(k) =>
            {
                ("pg_hmac", vec![data(d), data(d), TEXT], bytea)
            }
            ("crypt", [p, salt]) if pgcrypto && name_like(p) && name_like(salt) => {
                ("pg_crypt", vec![TEXT, TEXT], TEXT)
            }
            ("gen_salt", [k]) if pgcrypto && name_like(k) => ("pg_gen_salt", vec![TEXT], TEXT),
            ("gen_salt", [k, n])
                if pgcrypto && name_like(k) && (n.ty.is_integer() || n.is_unknown()) =>
            {
                ("pg_gen_salt", vec![TEXT, INT4], TEXT)
            }
            ("gen_random_bytes", [n]) if pgcrypto && (n.ty.is_integer() || n.is_unknown()) => {
                ("pg_gen_random_bytes", vec![INT4], bytea)
            }
            ("lower" | "upper", [t]) if text_like(t) => (
                if name == "lower" {
                    "pg_lower"
                } else {
                    "pg_upper"
                },
                vec![TEXT],
                TEXT,
            ),
            ("length" | "char_length" | "character_length", [t]) if text_like(t) => {
                ("length", vec![TEXT], INT4)
            }
            ("length" | "octet_length", [t]) if t.ty == PgType::Bytea => ("length", vec![*t], INT4),
            // char(n) keeps its padding here (bpcharoctetlen), where a cast to text drops it.
            ("octet_length", [t]) if t.ty == PgType::Bpchar => ("pg_octet_length", vec![*t], INT4),
            ("octet_length", [t]) if text_like(t) => ("pg_octet_length", vec![TEXT], INT4),
            ("substr" | "substring", [t, _]) if t.ty == PgType::Bytea => {
                ("pg_substr", vec![bytea, INT4], bytea)
            }
            ("substr" | "substring", [t, _, _]) if t.ty == PgType::Bytea => {
                ("pg_substr", vec![bytea, INT4, INT4], bytea)
            }
            // substring(text from text) is the regular expression's match.
            ("substring", [t, p]) if text_like(t) && text_like(p) => {
                ("pg_substring_regex", vec![TEXT, TEXT], TEXT)
            }
            ("substr" | "substring", [t, _]) if text_like(t) => {
                ("pg_substr", vec![TEXT, INT4], TEXT)
            }
            ("substr" | "substring", [t, _, _]) if text_like(t) => {
                ("pg_substr", vec![TEXT, INT4, INT4], TEXT)
            }
            ("replace", [a, b, c]) if text_like(a) && text_like(b) && text_like(c) => {
                ("replace", vec![TEXT; 3], TEXT)
            }
            ("btrim" | "trim", [t]) if text_like(t) => ("trim", vec![TEXT], TEXT),
            ("btrim" | "trim", [t, c]) if text_like(t) && text_like(c) => {
                ("trim", vec![TEXT, TEXT], TEXT)
            }
            ("ltrim" | "rtrim", [t]) if text_like(t) => (
                if name == "ltrim" { "ltrim" } else { "rtrim" },
                vec![TEXT],
                TEXT,
            ),
            ("ltrim" | "rtrim", [t, c]) if text_like(t) && text_like(c) => (
                if name == "ltrim" { "ltrim" } else { "rtrim" },
                vec![TEXT, TEXT],
                TEXT,
            ),
            ("strpos", [a, b]) if text_like(a) && text_like(b) => ("instr", vec![TEXT, TEXT], INT4),
            ("left" | "right", [t, _]) if text_like(t) => (
                if name == "left" {
                    "pg_left"
                } else {
                    "pg_right"
                },
                vec![TEXT, INT4],
                TEXT,
            ),
            ("repeat", [t, _]) if text_like(t) => ("pg_repeat", vec![TEXT, INT4], TEXT),
            // numeric arguments first: exact, with numeric's scales.
            ("abs", [t]) if t.ty == PgType::Numeric => ("pg_numeric_abs", vec![NUMERIC], NUMERIC),
            ("round", [t]) if t.ty == PgType::Numeric => {
                ("pg_numeric_round", vec![NUMERIC], NUMERIC)
            }
            ("trunc", [t]) if t.ty == PgType::Numeric => {
                ("pg_numeric_trunc", vec![NUMERIC], NUMERIC)
            }
            ("round" | "trunc", [t, s])
                if exact_number(t) && (s.ty.is_integer() || s.is_unknown()) =>
            {
                let f = if name == "round" {
                    "pg_numeric_round"
                } else {
                    "pg_numeric_trunc"
                };
                (f, vec![NUMERIC, INT4], NUMERIC)
            }
            ("ceil" | "ceiling", [t]) if t.ty == PgType::Numeric => {
                ("pg_numeric_ceil", vec![NUMERIC], NUMERIC)
            }
            ("floor", [t]) if t.ty == PgType::Numeric => {
                ("pg_numeric_floor", vec![NUMERIC], NUMERIC)
            }
            ("sqrt", [t]) if t.ty == PgType::Numeric => ("pg_numeric_sqrt", vec![NUMERIC], NUMERIC),
            ("sign", [t]) if t.ty == PgType::Numeric => ("pg_numeric_sign", vec![NUMERIC], NUMERIC),
            ("mod", [a, b]) if a.ty == PgType::Numeric || b.ty == PgType::Numeric => {
                ("pg_numeric_mod", vec![NUMERIC; 2], NUMERIC)
            }
            ("power" | "pow", [a, b]) if a.ty == PgType::Numeric || b.ty == PgType::Numeric => {
                ("pg_numeric_power", vec![NUMERIC; 2], NUMERIC)
            }
            ("md5", [t]) if text_like(t) => ("pg_md5", vec![TEXT], TEXT),
            ("quote_ident", [t]) if text_like(t) => ("pg_quote_ident", vec![TEXT], TEXT),
            ("pg_size_pretty", [t]) if t.ty == PgType::Int8 => {
                ("pg_size_pretty", vec![Ty::of(PgType::Int8)], TEXT)
            }
            ("md5", [t]) if t.ty == PgType::Bytea => ("pg_md5", vec![*t], TEXT),
            ("convert_to", [t, e]) if text_like(t) && text_like(e) => {
                ("pg_convert_to", vec![TEXT, TEXT], bytea)
            }
            ("convert_from", [b, e])
                if (b.ty == PgType::Bytea || b.is_unknown()) && text_like(e) =>
            {
                ("pg_convert_from", vec![bytea, TEXT], TEXT)
            }
            ("sha224" | "sha256" | "sha384" | "sha512", [t])
                if t.ty == PgType::Bytea || t.is_unknown() =>
            {
                let f = match name {
                    "sha224" => "pg_sha224",
                    "sha256" => "pg_sha256",
                    "sha384" => "pg_sha384",
                    _ => "pg_sha512",
                };
                (f, vec![bytea], bytea)
            }
            ("ceil" | "ceiling" | "floor" | "trunc", [t])
                if t.ty.is_numeric() || t.is_unknown() =>
            {
                let t = math_type(*t);
                let f = match name {
                    "floor" => "pg_floor",
                    "trunc" => "pg_trunc",
                    _ => "pg_ceil",
                };
                (f, vec![t], t)
            }
            ("trunc", [t, s])
                if t.ty.is_numeric()
                    && !matches!(t.ty, PgType::Float4 | PgType::Float8)
                    && s.ty.is_integer() =>
            {
                let numeric = Ty::of(PgType::Numeric);
                ("pg_trunc", vec![numeric, INT4], numeric)
            }
            ("power" | "pow", [a, b]) if a.ty.is_numeric() && b.ty.is_numeric() => {
                let t = if a.ty == PgType::Numeric || b.ty == PgType::Numeric {
                    Ty::of(PgType::Numeric)
                } else {
                    FLOAT8
                };
                ("pg_power", vec![t, t], t)
            }
            ("exp", [t]) if t.ty == PgType::Numeric => ("pg_numeric_exp", vec![NUMERIC], NUMERIC),
            ("ln", [t]) if t.ty == PgType::Numeric => ("pg_numeric_ln", vec![NUMERIC], NUMERIC),
            // log(numeric) and log10(numeric) are log(10, x), as PostgreSQL defines them.
            ("log" | "log10", [t]) if t.ty == PgType::Numeric => {
                let mut typed = typed.into_iter();
                let (x, t) = typed.next().unwrap_or((make::null(), Ty::UNKNOWN));
                let x = self.coerce(x, t, NUMERIC, Ctx::Implicit)?;
                return Ok((
                    make::call("pg_numeric_log", vec![make::string("10"), x]),
                    NUMERIC,
                ));
            }
            ("log", [a, b]) if [a, b].iter().all(|t| t.ty.is_numeric() || t.is_unknown()) => {
                ("pg_numeric_log", vec![NUMERIC; 2], NUMERIC)
            }
            ("exp" | "ln" | "log" | "log10" | "sign", [t])
                if t.ty.is_numeric() || t.is_unknown() =>
            {
                let f = match name {
                    "exp" => "pg_float8_exp",
                    "ln" => "pg_float8_ln",
                    "sign" => "pg_float8_sign",
                    _ => "pg_float8_log10",
                };
                (f, vec![FLOAT8], FLOAT8)
            }
            ("sqrt", [t]) if t.ty.is_numeric() || t.is_unknown() => {
                let t = if t.ty == PgType::Numeric { *t } else { FLOAT8 };
                ("pg_sqrt", vec![t], t)
            }
            ("mod", [_, _]) => {
                let mut typed = typed.into_iter();
                let left = typed.next().unwrap_or((make::null(), Ty::UNKNOWN));
                let right = typed.next().map(|(e, _)| e).unwrap_or_else(make::null);
                return self.arithmetic(left, BinaryOperator::Modulo, right);
            }
            ("split_part", [a, b, _]) if text_like(a) && text_like(b) => {
                ("pg_split_part", vec![TEXT, TEXT, INT4], TEXT)
            }
            ("initcap", [t]) if text_like(t) => ("pg_initcap", vec![TEXT], TEXT),
            ("reverse", [t]) if text_like(t) => ("pg_reverse", vec![TEXT], TEXT),
            ("lpad" | "rpad", [t, _]) if text_like(t) => {
                (pad_function(name), vec![TEXT, INT4], TEXT)
            }
            ("lpad" | "rpad", [t, _, f]) if text_like(t) && text_like(f) => {
                (pad_function(name), vec![TEXT, INT4, TEXT], TEXT)
            }
            ("translate", [a, b, c]) if text_like(a) && text_like(b) && text_like(c) => {
                ("pg_translate", vec![TEXT; 3], TEXT)
            }
            ("regexp_match", [a, b]) if text_like(a) && text_like(b) => {
                ("pg_regexp_match", vec![TEXT; 2], Ty::of(PgType::TextArray))
            }
            ("regexp_match", [a, b, c]) if [a, b, c].iter().all(|t| text_like(t)) => {
                ("pg_regexp_match", vec![TEXT; 3], Ty::of(PgType::TextArray))
            }
            ("regexp_replace", [a, b, c]) if [a, b, c].iter().all(|t| text_like(t)) => {
                ("pg_regexp_replace", vec![TEXT; 3], TEXT)
            }
            ("regexp_replace", [a, b, c, d]) if [a, b, c, d].iter().all(|t| text_like(t)) => {
                ("pg_regexp_replace", vec![TEXT; 4], TEXT)
            }
            ("encode", [b, f]) if b.ty == PgType::Bytea && text_like(f) => {
                ("pg_encode", vec![*b, TEXT], TEXT)
            }
            ("decode", [t, f]) if text_like(t) && text_like(f) => {
                ("pg_decode", vec![TEXT, TEXT], Ty::of(PgType::Bytea))
            }
            ("concat_ws", [sep, _, ..]) if text_like(sep) => {
                let mut typed = typed.into_iter();
                let mut args = Vec::with_capacity(types.len());
                if let Some((e, t)) = typed.next() {
                    args.push(self.coerce(e, t, TEXT, Ctx::Implicit)?);
                }
                for (e, t) in typed {
                    args.push(self.output_any(e, t)?);
                }
                return Ok((make::call("pg_concat_ws", args), TEXT));
            }
            ("abs", [t]) if t.ty.is_numeric() || t.is_unknown() => {
                let t = if t.is_unknown() { FLOAT8 } else { Ty::of(t.ty) };
                ("pg_abs", vec![t], t)
            }
            // Integers go to the float8 variant, float8 being the preferred numeric type.
            ("round", [t]) if t.ty.is_numeric() => ("pg_round_float8", vec![FLOAT8], FLOAT8),
            ("coalesce" | "greatest" | "least", [_, ..]) => {
                let (mut exprs, ty) = self.unify(typed, name)?;
                let sqlite = match name {
                    "coalesce" if exprs.len() == 1 => {
                        exprs.push(make::null());
                        "coalesce"
                    }
                    "coalesce" => "coalesce",
                    "greatest" if ty.ty == PgType::Numeric => "pg_numeric_greatest",
                    "least" if ty.ty == PgType::Numeric => "pg_numeric_least",
                    _ if devdb_pg::value::text_order(ty.ty).is_some() => {
                        exprs.insert(0, make::int(ty.ty.oid().0.into()));
                        match name {
                            "greatest" => "pg_greatest_of",
                            _ => "pg_least_of",
                        }
                    }
                    "greatest" => "pg_greatest",
                    _ => "pg_least",
                };
                return Ok((make::call(sqlite, exprs), ty));
            }
            ("nullif", [_, _]) => {
                let (exprs, ty) = self.unify(typed, name)?;
                // SQLite's nullif() compares with its arguments' collation.
                let exprs = if ty.ty == PgType::Numeric {
                    exprs.into_iter().map(|e| comparable(e, ty)).collect()
                } else {
                    exprs
                };
                return Ok((make::call("nullif", exprs), ty));
            }
            // The argument is still evaluated (and keeps an aggregate an aggregate).
            ("pg_typeof", [t]) => {
                let oid = make::int(t.enum_oid.unwrap_or(t.ty.oid()).0.into());
                let e = typed.into_iter().next().map_or_else(make::null, |(e, _)| e);
                let call = make::call("iif", vec![Expr::IsNull(Box::new(e)), oid.clone(), oid]);
                return Ok((call, Ty::of(PgType::Regtype)));
            }
            ("quote_ident", [t]) if text_like(t) => ("pg_quote_ident", vec![TEXT], TEXT),
            ("quote_literal" | "quote_nullable" | "format", [_, ..]) => {
                let f = match name {
                    "quote_literal" => "pg_quote_literal",
                    "quote_nullable" => "pg_quote_nullable",
                    _ => "pg_format",
                };
                if name != "format" && types.len() != 1 {
                    return Err(undefined_with(name, &types));
                }
                let args = typed
                    .into_iter()
                    .map(|(e, t)| match name {
                        "format" => self.output_any(e, t),
                        _ => self.output_text(e, t),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok((make::call(f, args), TEXT));
            }
            ("concat", _) => {
                let args = typed
                    .into_iter()
                    .map(|(e, t)| self.output_any(e, t))
                    .collect::<Result<Vec<_>, _>>()?;
                let args = if args.is_empty() {
                    vec![make::string("")]
                } else {
                    args
                };
                return Ok((make::call("concat", args), TEXT));
            }
            _ if super::window::is_window_only(name) => {
                return Err(PgError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("window function {name} requires an OVER clause"),
                ));
            }
            _ => return Err(undefined_with(name, &types)),
        };
        let args = typed
            .into_iter()
            .zip(arg_types)
            .map(|((e, from), to)| self.coerce(e, from, to, Ctx::Implicit))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((make::call(sqlite, args), result))
    }

    /// Arguments that share one type (COALESCE, GREATEST, NULLIF).
    pub(super) fn unify(
        &mut self,
        typed: Vec<(Expr, Ty)>,
        name: &str,
    ) -> Result<(Vec<Expr>, Ty), PgError> {
        let mut common = Ty::UNKNOWN;
        for (_, t) in &typed {
            common = crate::types::common_type(common, *t).ok_or_else(|| {
                PgError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "{} types {} and {} cannot be matched",
                        name.to_uppercase(),
                        common.ty,
                        t.ty
                    ),
                )
            })?;
        }
        let common = if common.is_unknown() {
            TEXT
        } else {
            Ty::of(common.ty)
        };
        let exprs = typed
            .into_iter()
            .map(|(e, t)| self.coerce(e, t, common, Ctx::Implicit))
            .collect::<Result<_, _>>()?;
        Ok((exprs, common))
    }

    pub(super) fn typed_args(
        &mut self,
        args: Vec<Expr>,
        types: &[Ty],
    ) -> Result<Vec<Expr>, PgError> {
        args.into_iter()
            .zip(types)
            .map(|(a, t)| self.expr_as(a, *t, Ctx::Implicit))
            .collect()
    }

    /// nextval('name'), nextval('name'::regclass): the sequence name as text, then `rest`.
    /// The arguments of nextval, currval or setval: the sequence's key when a constant names it,
    /// the `rest` typed, then (setval) is_called; a name known only when the call runs is
    /// followed by the search path, to look it up on then.
    fn sequence_args(&mut self, args: Vec<Expr>, rest: &[Ty]) -> Result<Vec<Expr>, PgError> {
        let at_run_time = args.first().is_some_and(|a| {
            string_literal(a).is_none()
                && !matches!(
                    a,
                    Expr::Cast {
                        data_type: DataType::Regclass,
                        ..
                    }
                )
        });
        let mut args = args.into_iter();
        let first = args.next().unwrap_or_else(make::null);
        let first = match first {
            Expr::Cast {
                expr,
                data_type: DataType::Regclass,
                ..
            } => match string_literal(&expr) {
                Some(s) => make::string(&self.regclass_key(&s)?),
                None => return Err(PgError::feature_not_supported("regclass expressions")),
            },
            other => match string_literal(&other) {
                Some(s) => make::string(&self.regclass_key(&s)?),
                None => self.expr_as(other, TEXT, Ctx::Implicit)?,
            },
        };
        let mut out = vec![first];
        out.extend(self.typed_args(args.collect(), rest)?);
        if rest.len() == 1 {
            // setval's is_called defaults to true.
            out.push(make::int(1));
        }
        if at_run_time {
            out.extend(self.path.search.iter().map(|s| make::string(s)));
        }
        Ok(out)
    }

    /// `overlay(s PLACING r FROM p [FOR n])` of text or bytea: the characters (bytes) before
    /// p, r, then those from p + n on (n defaults to r's length), with substr's errors.
    pub fn overlay(
        &mut self,
        s: Expr,
        r: Expr,
        from: Expr,
        count: Option<Expr>,
    ) -> Result<(Expr, Ty), PgError> {
        let (s, st) = self.expr(s)?;
        let ty = match st.ty {
            PgType::Bytea => st,
            _ => TEXT,
        };
        let s = self.coerce(s, st, ty, Ctx::Implicit)?;
        let r = self.expr_as(r, ty, Ctx::Implicit)?;
        let from = self.expr_as(from, INT4, Ctx::Implicit)?;
        let count = match count {
            Some(n) => self.expr_as(n, INT4, Ctx::Implicit)?,
            None => make::call("length", vec![r.clone()]),
        };
        let before = make::call(
            "pg_substr",
            vec![
                s.clone(),
                make::int(1),
                make::call("pg_int4_sub", vec![from.clone(), make::int(1)]),
            ],
        );
        let after = make::call(
            "pg_substr",
            vec![s, make::call("pg_int4_add", vec![from, count])],
        );
        if ty.ty == PgType::Bytea {
            let head = make::call("pg_bytea_concat", vec![before, r]);
            return Ok((make::call("pg_bytea_concat", vec![head, after]), ty));
        }
        let joined = [before, r, after]
            .into_iter()
            .reduce(|l, r| make::binary(l, BinaryOperator::StringConcat, r))
            .unwrap_or_else(make::null);
        Ok((make::nested(joined), TEXT))
    }

    pub fn trim(
        &mut self,
        side: Option<TrimWhereField>,
        what: Option<Expr>,
        e: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        let name = match side {
            None | Some(TrimWhereField::Both) => "btrim",
            Some(TrimWhereField::Leading) => "ltrim",
            Some(TrimWhereField::Trailing) => "rtrim",
        };
        let mut args = vec![e];
        args.extend(what);
        self.call_builtin(name, args)
    }
}

/// ceil, floor and trunc keep numeric and take the other numbers as float8, as PostgreSQL
/// resolves them (float8 is the preferred numeric type).
fn math_type(t: Ty) -> Ty {
    if t.ty == PgType::Numeric { t } else { FLOAT8 }
}

fn pad_function(name: &str) -> &'static str {
    if name == "lpad" { "pg_lpad" } else { "pg_rpad" }
}

/// The regclass text that names the object with this key, quoting as quote_ident does.
pub(super) fn regclass_text(key: &str) -> String {
    let quote = |name: &str| {
        let plain = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !name.is_empty();
        if plain {
            name.to_owned()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    };
    match crate::catalog::split(key) {
        (crate::catalog::DEFAULT_SCHEMA, name) => quote(name),
        (schema, name) => format!("{}.{}", quote(schema), quote(name)),
    }
}

pub fn undefined(name: &str, n: usize) -> PgError {
    let args = vec!["unknown"; n].join(", ");
    PgError::undefined_function(&format!("{name}({args})"))
}

pub(super) fn undefined_with(name: &str, types: &[Ty]) -> PgError {
    let args: Vec<String> = types.iter().map(|t| t.ty.to_string()).collect();
    PgError::undefined_function(&format!("{name}({})", args.join(", ")))
}

impl Translator<'_> {
    /// [`function_name`], and a user's SQL function named with its schema, `public` (where
    /// devdb keeps them; pg_dump's scripts name them so).
    fn call_name(&self, name: &ObjectName) -> Result<String, PgError> {
        if let [schema, function] = name.0.as_slice()
            && schema.as_ident().map(fold).as_deref() == Some(crate::catalog::DEFAULT_SCHEMA)
            && let Some(function) = function.as_ident().map(fold)
            && (self.catalog.sql_function(&function).is_some()
                || self.extension_function(&function))
        {
            return Ok(function);
        }
        function_name(name)
    }

    /// Whether `function` belongs to an extension this database created, which PostgreSQL
    /// puts in `public` (pg_dump then writes `public.digest(...)`).
    fn extension_function(&self, function: &str) -> bool {
        let extension = match function {
            "digest" | "hmac" | "crypt" | "gen_salt" | "gen_random_bytes" => "pgcrypto",
            f if f.starts_with("uuid_generate_") || f.starts_with("uuid_n") => "uuid-ossp",
            _ => return false,
        };
        self.catalog.extensions.iter().any(|e| e == extension)
    }
}

/// A function's name as a call spells it, plain or qualified by pg_catalog (where every
/// function devdb has lives).
pub(super) fn function_name(name: &ObjectName) -> Result<String, PgError> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => Ok(fold(id)),
            ObjectNamePart::Function(_) => Err(PgError::feature_not_supported(format!(
                "function name {name}"
            ))),
        })
        .collect::<Result<_, _>>()?;
    match parts.as_slice() {
        [one] => Ok(one.clone()),
        [schema, one] if schema == "pg_catalog" => Ok(one.clone()),
        _ => Err(PgError::undefined_function(&format!("{name}()"))),
    }
}

/// The variance and standard deviation aggregates.
fn is_variance(name: &str) -> bool {
    matches!(
        name,
        "stddev" | "stddev_samp" | "stddev_pop" | "variance" | "var_samp" | "var_pop"
    )
}

/// The two-variable statistics, aggregates over (y, x) pairs of float8.
fn is_regression(name: &str) -> bool {
    matches!(
        name,
        "corr"
            | "covar_pop"
            | "covar_samp"
            | "regr_count"
            | "regr_sxx"
            | "regr_syy"
            | "regr_sxy"
            | "regr_avgx"
            | "regr_avgy"
            | "regr_r2"
            | "regr_slope"
            | "regr_intercept"
    )
}

/// The order of an aggregate with DISTINCT: its own ORDER BY, which may only name arguments
/// (42P10), or else the first argument's, as PostgreSQL sorts to find the distinct values.
pub(super) fn distinct_order(
    args: &[Expr],
    order: Vec<sqlparser::ast::OrderByExpr>,
) -> Result<Vec<sqlparser::ast::OrderByExpr>, PgError> {
    if order.iter().any(|o| !args.contains(&o.expr)) {
        return Err(PgError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
        ));
    }
    Ok(match (order.is_empty(), args.first()) {
        (true, Some(first)) => vec![make::order_by(first.clone())],
        _ => order,
    })
}

/// A positional argument's expression; 0A000 (naming `what`) for a named or `*` argument.
pub(super) fn positional_arg(a: FunctionArg, what: &str) -> Result<Expr, PgError> {
    match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e),
        other => Err(PgError::feature_not_supported(format!("{what} {other}"))),
    }
}

/// The positional arguments of a call (none without parentheses); 0A000 for clauses.
pub(super) fn positional_args(args: FunctionArguments, what: &str) -> Result<Vec<Expr>, PgError> {
    match args {
        FunctionArguments::None => Ok(Vec::new()),
        FunctionArguments::List(list) if list.clauses.is_empty() => list
            .args
            .into_iter()
            .map(|a| positional_arg(a, what))
            .collect(),
        other => Err(PgError::feature_not_supported(format!("{what}s {other}"))),
    }
}
