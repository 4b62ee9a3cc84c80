//! Full-text search: to_tsvector and the to_tsquery family, the tsvector and tsquery
//! functions, ts_rank, and the operators `@@`, `||`, `&&`, `!!`, `<->`, `@>` and `<@` on
//! tsvector and tsquery, as calls of `runtime::text_search`. A configuration argument is a
//! regconfig (its name); without one, the session's default_text_search_config is read when
//! the statement runs.

use devdb_pg::{PgError, PgType};
use sqlparser::ast::{BinaryOperator, Expr};

use super::Translator;
use super::datetime::Handled;
use super::expr::{BOOL, Ctx, operator_error};
use super::functions::undefined_with;
use crate::make;
use crate::types::Ty;

const TSVECTOR: Ty = Ty::of(PgType::Tsvector);
const TSQUERY: Ty = Ty::of(PgType::Tsquery);
const TEXT: Ty = Ty::of(PgType::Text);
const REGCONFIG: Ty = Ty::of(PgType::Regconfig);

/// True for the types the text search operators take.
pub fn is_text_search_type(ty: Ty) -> bool {
    matches!(ty.ty, PgType::Tsvector | PgType::Tsquery)
}

/// The session's default configuration, read when the statement runs.
fn default_config() -> Expr {
    make::call(
        "devdb_setting",
        vec![make::string("default_text_search_config")],
    )
}

fn is_textual(t: Ty) -> bool {
    t.is_unknown() || t.ty.is_text()
}

impl Translator<'_> {
    fn arg_as(
        &mut self,
        (e, from): (Expr, Ty),
        to: Ty,
        name: &str,
        types: &[Ty],
    ) -> Result<Expr, PgError> {
        if !from.is_unknown()
            && from.ty != to.ty
            && !super::casts::allowed(from.ty, to.ty, Ctx::Implicit)
        {
            return Err(undefined_with(name, types));
        }
        self.coerce(e, from, to, Ctx::Implicit)
    }

    /// A text search function; the arguments back when `name` is none of them (or its
    /// arguments are not text search types where another function of that name exists).
    pub fn text_search_function(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
    ) -> Result<Handled<Vec<(Expr, Ty)>>, PgError> {
        let types: Vec<Ty> = typed.iter().map(|(_, t)| *t).collect();
        let first = types.first().copied().unwrap_or(Ty::UNKNOWN);
        let sqlite = match name {
            "to_tsvector" => "pg_to_tsvector",
            "to_tsquery" => "pg_to_tsquery",
            "plainto_tsquery" => "pg_plainto_tsquery",
            "phraseto_tsquery" => "pg_phraseto_tsquery",
            "websearch_to_tsquery" => "pg_websearch_to_tsquery",
            "length" if first.ty == PgType::Tsvector && types.len() == 1 => {
                return self.unary(
                    name,
                    typed,
                    TSVECTOR,
                    "pg_tsvector_length",
                    Ty::of(PgType::Int4),
                    &types,
                );
            }
            "strip" => return self.unary(name, typed, TSVECTOR, "pg_strip", TSVECTOR, &types),
            "numnode" => {
                return self.unary(
                    name,
                    typed,
                    TSQUERY,
                    "pg_numnode",
                    Ty::of(PgType::Int4),
                    &types,
                );
            }
            "querytree" => return self.unary(name, typed, TSQUERY, "pg_querytree", TEXT, &types),
            "tsvector_to_array" => {
                return self.unary(
                    name,
                    typed,
                    TSVECTOR,
                    "pg_tsvector_to_array",
                    Ty::of(PgType::TextArray),
                    &types,
                );
            }
            "array_to_tsvector" => {
                return self.unary(
                    name,
                    typed,
                    Ty::of(PgType::TextArray),
                    "pg_array_to_tsvector",
                    TSVECTOR,
                    &types,
                );
            }
            "setweight" => return self.setweight(name, typed, &types).map(Ok),
            "ts_delete" => return self.ts_delete(name, typed, &types).map(Ok),
            "ts_rank" | "ts_rank_cd" => return self.ts_rank(name, typed, &types).map(Ok),
            "tsquery_phrase" => {
                let mut args = typed.into_iter();
                let (Some(a), Some(b)) = (args.next(), args.next()) else {
                    return Err(undefined_with(name, &types));
                };
                let distance = match args.next() {
                    Some(d) => self.arg_as(d, Ty::of(PgType::Int4), name, &types)?,
                    None => make::int(1),
                };
                if args.next().is_some() {
                    return Err(undefined_with(name, &types));
                }
                let a = self.arg_as(a, TSQUERY, name, &types)?;
                let b = self.arg_as(b, TSQUERY, name, &types)?;
                let call = make::call(
                    "pg_tsquery_op",
                    vec![make::string("phrase"), a, b, distance],
                );
                return Ok(Ok((call, TSQUERY)));
            }
            _ => return Ok(Err(typed)),
        };
        let result = if name == "to_tsvector" {
            TSVECTOR
        } else {
            TSQUERY
        };
        let mut args = typed.into_iter();
        let (config, text) = match (args.next(), args.next(), args.next()) {
            (Some(text), None, None) => (default_config(), text),
            (Some(config), Some(text), None) => {
                (self.arg_as(config, REGCONFIG, name, &types)?, text)
            }
            _ => return Err(undefined_with(name, &types)),
        };
        if !is_textual(text.1) {
            return Err(undefined_with(name, &types));
        }
        let text = self.coerce(text.0, text.1, TEXT, Ctx::Implicit)?;
        Ok(Ok((make::call(sqlite, vec![config, text]), result)))
    }

    fn unary(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
        arg: Ty,
        sqlite: &str,
        result: Ty,
        types: &[Ty],
    ) -> Result<Handled<Vec<(Expr, Ty)>>, PgError> {
        let [a] = <[(Expr, Ty); 1]>::try_from(typed).map_err(|_| undefined_with(name, types))?;
        let a = self.arg_as(a, arg, name, types)?;
        Ok(Ok((make::call(sqlite, vec![a]), result)))
    }

    /// setweight(tsvector, "char" [, text[]]).
    fn setweight(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
        types: &[Ty],
    ) -> Result<(Expr, Ty), PgError> {
        if !(2..=3).contains(&typed.len()) {
            return Err(undefined_with(name, types));
        }
        let mut args = Vec::new();
        for (i, a) in typed.into_iter().enumerate() {
            let to = match i {
                0 => TSVECTOR,
                1 => Ty::of(PgType::Char),
                _ => Ty::of(PgType::TextArray),
            };
            if i == 1 && !(a.1.is_unknown() || a.1.ty == PgType::Char) {
                return Err(undefined_with(name, types));
            }
            args.push(self.arg_as(a, to, name, types)?);
        }
        Ok((make::call("pg_setweight", args), TSVECTOR))
    }

    /// ts_delete(tsvector, text) and ts_delete(tsvector, text[]).
    fn ts_delete(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
        types: &[Ty],
    ) -> Result<(Expr, Ty), PgError> {
        let [v, w] = <[(Expr, Ty); 2]>::try_from(typed).map_err(|_| undefined_with(name, types))?;
        let v = self.arg_as(v, TSVECTOR, name, types)?;
        let to = if w.1.ty.element().is_some() {
            Ty::of(PgType::TextArray)
        } else {
            TEXT
        };
        let w = self.arg_as(w, to, name, types)?;
        Ok((make::call("pg_ts_delete", vec![v, w]), TSVECTOR))
    }

    /// ts_rank([weights float4[],] tsvector, tsquery [, normalization int4]), and ts_rank_cd.
    fn ts_rank(
        &mut self,
        name: &str,
        typed: Vec<(Expr, Ty)>,
        types: &[Ty],
    ) -> Result<(Expr, Ty), PgError> {
        // (weights, tsvector, tsquery) or (tsvector, tsquery, normalization): an unknown first
        // argument is the weights when a tsvector follows it.
        let with_weights = types.first().is_some_and(|t| t.ty.element().is_some())
            || types.len() == 4
            || (types.len() == 3 && types.get(1).is_some_and(|t| t.ty == PgType::Tsvector));
        let mut args = typed.into_iter();
        let weights = if with_weights {
            let w = args.next().ok_or_else(|| undefined_with(name, types))?;
            self.arg_as(w, Ty::of(PgType::Float4Array), name, types)?
        } else {
            make::null()
        };
        let (Some(v), Some(q)) = (args.next(), args.next()) else {
            return Err(undefined_with(name, types));
        };
        let norm = match args.next() {
            Some(n) => self.arg_as(n, Ty::of(PgType::Int4), name, types)?,
            None => make::int(0),
        };
        if args.next().is_some() {
            return Err(undefined_with(name, types));
        }
        let v = self.arg_as(v, TSVECTOR, name, types)?;
        let q = self.arg_as(q, TSQUERY, name, types)?;
        let kind = if name == "ts_rank_cd" { "cd" } else { "rank" };
        let call = make::call("pg_ts_rank", vec![make::string(kind), weights, v, q, norm]);
        Ok((call, Ty::of(PgType::Float4)))
    }

    /// A binary operator with a tsvector or tsquery operand, or `@@` with any.
    pub fn text_search_operator(
        &mut self,
        (l, lt): (Expr, Ty),
        op: &BinaryOperator,
        right: Expr,
    ) -> Result<(Expr, Ty), PgError> {
        use BinaryOperator as B;
        let (r, rt) = self.expr(right)?;
        let symbol = op.to_string();
        let wrong = || operator_error(lt, &symbol, rt);
        // An unknown operand takes the other's type.
        let (lt2, rt2) = match (lt.is_unknown(), rt.is_unknown()) {
            (true, false) if is_text_search_type(rt) && *op != B::AtAt => (rt, rt),
            (false, true) if is_text_search_type(lt) => match (op, lt.ty) {
                (B::AtAt, PgType::Tsvector) => (lt, TSQUERY),
                (B::AtAt, _) => (lt, TSVECTOR),
                _ => (lt, lt),
            },
            _ => (lt, rt),
        };
        let l = self.coerce(l, lt, lt2, Ctx::Implicit)?;
        let r = self.coerce(r, rt, rt2, Ctx::Implicit)?;
        let (lt, rt) = (lt2, rt2);
        match op {
            B::AtAt => {
                let (v, q) = match (lt.ty, rt.ty) {
                    (PgType::Tsvector, PgType::Tsquery) => (l, r),
                    (PgType::Tsquery, PgType::Tsvector) => (r, l),
                    (a, PgType::Tsquery) if is_textual(Ty::of(a)) => {
                        let l = self.coerce(l, lt, TEXT, Ctx::Implicit)?;
                        (make::call("pg_to_tsvector", vec![default_config(), l]), r)
                    }
                    (a, b) if is_textual(Ty::of(a)) && is_textual(Ty::of(b)) => {
                        let l = self.coerce(l, lt, TEXT, Ctx::Implicit)?;
                        let r = self.coerce(r, rt, TEXT, Ctx::Implicit)?;
                        (
                            make::call("pg_to_tsvector", vec![default_config(), l]),
                            make::call("pg_plainto_tsquery", vec![default_config(), r]),
                        )
                    }
                    _ => return Err(wrong()),
                };
                Ok((make::call("pg_ts_match", vec![v, q]), BOOL))
            }
            B::StringConcat if lt.ty == PgType::Tsvector && rt.ty == PgType::Tsvector => {
                Ok((make::call("pg_tsvector_concat", vec![l, r]), TSVECTOR))
            }
            B::StringConcat | B::PGOverlap | B::LtDashGt
                if lt.ty == PgType::Tsquery && rt.ty == PgType::Tsquery =>
            {
                let (name, mut args) = match op {
                    B::StringConcat => ("or", vec![l, r]),
                    B::PGOverlap => ("and", vec![l, r]),
                    _ => ("phrase", vec![l, r, make::int(1)]),
                };
                args.insert(0, make::string(name));
                Ok((make::call("pg_tsquery_op", args), TSQUERY))
            }
            B::AtArrow | B::ArrowAt if lt.ty == PgType::Tsquery && rt.ty == PgType::Tsquery => {
                let args = if *op == B::AtArrow {
                    vec![l, r]
                } else {
                    vec![r, l]
                };
                Ok((make::call("pg_tsquery_contains", args), BOOL))
            }
            _ => Err(wrong()),
        }
    }

    /// `!! tsquery`.
    pub fn tsquery_not(&mut self, operand: Expr) -> Result<(Expr, Ty), PgError> {
        let (e, ty) = self.expr(operand)?;
        if !(ty.is_unknown() || ty.ty == PgType::Tsquery) {
            return Err(super::expr::prefix_operator_error("!!", ty));
        }
        let e = self.coerce(e, ty, TSQUERY, Ctx::Implicit)?;
        Ok((
            make::call("pg_tsquery_op", vec![make::string("not"), e]),
            TSQUERY,
        ))
    }
}
