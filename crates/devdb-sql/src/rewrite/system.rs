//! Names and calls that reach the system catalogs: pg_catalog and information_schema
//! relations as FROM items, the catalog functions psql, drivers and ORMs call, and the OID
//! alias types (regclass, regtype) in casts and results.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    BinaryOperator, DataType, Expr, Ident, ObjectName, ObjectNamePart, Query, SetExpr,
};

use super::expr::{Ctx, string_literal};
use super::query::OutCol;
use super::{Rel, Translator, fold};
use crate::make;
use crate::system::encoding;
use crate::system::functions::{TypeKey, object_name, type_key};
use crate::system::{self, Relation};
use crate::types::Ty;

/// The columns a query sees in a system relation.
pub fn columns(rel: &Relation) -> Vec<OutCol> {
    rel.columns
        .iter()
        .map(|(name, ty)| ((*name).to_owned(), Ty::of(*ty)))
        .collect()
}

impl Translator<'_> {
    /// The system relation a FROM item names, resolved as PostgreSQL's search path would:
    /// `pg_catalog.x` and `information_schema.x` always, a bare `x` when it is a pg_catalog
    /// relation and no CTE of that name is in scope (pg_catalog comes first on the path).
    pub fn system_relation(&self, name: &ObjectName) -> Result<Option<&'static Relation>, PgError> {
        let parts: Vec<&Ident> = name
            .0
            .iter()
            .filter_map(|p| match p {
                ObjectNamePart::Identifier(id) => Some(id),
                ObjectNamePart::Function(_) => None,
            })
            .collect();
        Ok(match parts.as_slice() {
            [one] => {
                let one = fold(one);
                if self.find_cte(&one).is_some() {
                    None
                } else {
                    system::find(None, &one)
                }
            }
            [schema, one] if system::is_system_schema(&fold(schema)) => {
                let (schema, one) = (fold(schema), fold(one));
                Some(
                    system::find(Some(&schema), &one)
                        .ok_or_else(|| PgError::undefined_table(&format!("{schema}.{one}")))?,
                )
            }
            _ => None,
        })
    }
}

const TEXT: Ty = Ty::of(PgType::Text);
const NAME: Ty = Ty::of(PgType::Name);
const BOOL: Ty = Ty::of(PgType::Bool);
const OID: Ty = Ty::of(PgType::Oid);

/// The first OID of objects created after initdb.
const FIRST_USER_OID: i64 = 16384;

impl Translator<'_> {
    /// Conversions to and from the OID alias types: a literal `'users'::regclass` is looked up,
    /// an alias cast to text prints the object's name. Anything else comes back unchanged.
    pub fn oid_alias_coercion(
        &mut self,
        e: Expr,
        from: Ty,
        to: Ty,
        ctx: Ctx,
    ) -> Result<Result<Expr, Expr>, PgError> {
        if to.ty.is_oid_alias() && from.is_unknown() {
            if let Some(text) = string_literal(&e) {
                return self.oid_alias_literal(&text, to.ty).map(Ok);
            }
            // `$1::regclass`: the client sends a name, looked up when the statement runs
            // (unless it declared the parameter's type itself).
            if let Some(n) = super::expr::placeholder_index(&e) {
                self.set_param_type(n, PgType::Text);
                let actual = Ty::of(self.param(n).unwrap_or(PgType::Text));
                return self.oid_alias_coercion(e, actual, to, ctx);
            }
            return Ok(Err(e));
        }
        if to.ty.is_oid_alias() && from.ty.is_text() {
            // A name known only at run time: looked up when the statement runs.
            let (oid, kind) = match to.ty {
                PgType::Regclass => (
                    regclass_lookup(
                        name_part(&e, 0),
                        name_part(&e, 1),
                        self.visible(LOOKUP_NAMESPACE),
                    ),
                    "relation",
                ),
                // As to_regtype reads it, then refused when it names no type.
                PgType::Regtype => (regtype_lookup(e.clone()), "type"),
                PgType::Regnamespace => (
                    make::lookup(
                        "__pg_namespace",
                        make::column("oid"),
                        "nspname",
                        name_part(&e, 1),
                    ),
                    "schema",
                ),
                _ => {
                    return Err(PgError::feature_not_supported(format!(
                        "casting {} to {} at run time",
                        from.ty, to.ty
                    )));
                }
            };
            return Ok(Ok(make::call("pg_found", vec![oid, make::string(kind), e])));
        }
        if let (Some(element), true) = (to.ty.element(), from.is_unknown())
            && element.is_oid_alias()
            && let Some(text) = string_literal(&e)
        {
            // '{int,int8}'::regtype[]: each element looked up as its own literal.
            let items = devdb_pg::value::array::parse_text(PgType::Text, &text)?;
            let mut elements = vec![make::int(element.oid().0.into())];
            for item in items {
                elements.push(match item {
                    devdb_pg::Value::Text(name) => self.oid_alias_literal(&name, element)?,
                    _ => make::null(),
                });
            }
            return Ok(Ok(make::call("pg_array_make", elements)));
        }
        if from.ty.is_oid_alias() && to.ty.is_text() {
            return Ok(Ok(oid_alias_name(e, from.ty, self.visible("relnamespace"))));
        }
        if let (Some(f), Some(t)) = (from.ty.element(), to.ty.element())
            && f != t
            && (f.is_oid_alias() || t.is_oid_alias())
        {
            // regtype[]::text[] and back: element by element, as PostgreSQL's array casts.
            return super::arrays::map_elements(e, f, t, |value| {
                self.oid_alias_coercion(value, Ty::of(f), Ty::of(t), ctx)
            });
        }
        if let Some(f) = from.ty.element()
            && f.is_oid_alias()
            && to.ty.is_text()
        {
            // regtype[]::text: the array's text form, which prints each element's name.
            let names = super::arrays::map_elements(e, f, PgType::Text, |value| {
                self.oid_alias_coercion(value, Ty::of(f), TEXT, ctx)
            })?;
            return match names {
                Ok(names) => self
                    .coerce(names, Ty::of(PgType::TextArray), to, ctx)
                    .map(Ok),
                Err(e) => Ok(Err(e)),
            };
        }
        Ok(Err(e))
    }

    /// `'name'::regclass`, `'integer'::regtype`, `'now'::regproc`: the object's OID, or the
    /// error PostgreSQL gives for a missing one. A number is taken as the OID itself.
    fn oid_alias_literal(&mut self, text: &str, ty: PgType) -> Result<Expr, PgError> {
        if let Ok(oid) = text.trim().parse::<u32>() {
            return Ok(make::int(oid.into()));
        }
        match ty {
            PgType::Regtype => type_oid(text),
            PgType::Regnamespace => {
                let (_, name) = object_name(text)?;
                Ok(make::call(
                    "pg_found",
                    vec![
                        namespace_oid(&name),
                        make::string("schema"),
                        make::string(text),
                    ],
                ))
            }
            PgType::Regprocedure => {
                let (schema, name, args) = signature(text)?;
                let mut types = Vec::new();
                for arg in &args {
                    types.push(type_oid(arg)?);
                }
                // pg_proc.proargtypes: the OIDs with a space between.
                let argtypes = types
                    .into_iter()
                    .reduce(|l, r| {
                        let spaced =
                            make::binary(l, BinaryOperator::StringConcat, make::string(" "));
                        make::binary(spaced, BinaryOperator::StringConcat, r)
                    })
                    .unwrap_or_else(|| make::string(""));
                let mut keys = vec![("proname", make::string(&name)), ("proargtypes", argtypes)];
                if let Some(schema) = schema {
                    keys.push(("pronamespace", namespace_oid(&schema)));
                }
                let oid = make::lookup_by("__pg_proc", make::column("oid"), keys);
                Ok(make::call(
                    "pg_found",
                    vec![oid, make::string("function"), make::string(text)],
                ))
            }
            PgType::Regoperator => {
                let (schema, name, args) = operator_signature(text)?;
                let [left, right] = args.as_slice() else {
                    return Err(PgError::new(
                        SqlState::INVALID_TEXT_REPRESENTATION,
                        "expected two argument types",
                    ));
                };
                let operand = |t: &str| match t.eq_ignore_ascii_case("none") {
                    true => Ok(make::int(0)),
                    false => type_oid(t),
                };
                let mut keys = vec![
                    ("oprname", make::string(&name)),
                    ("oprleft", operand(left)?),
                    ("oprright", operand(right)?),
                ];
                if let Some(schema) = schema {
                    keys.push(("oprnamespace", namespace_oid(&schema)));
                }
                let oid = make::lookup_by("__pg_operator", make::column("oid"), keys);
                Ok(make::call(
                    "pg_found",
                    vec![oid, make::string("operator"), make::string(text)],
                ))
            }
            PgType::Regclass => {
                self.check_regclass(text)?;
                let oid = regclass_oid(text, self.visible(LOOKUP_NAMESPACE))?;
                Ok(make::call(
                    "pg_found",
                    vec![oid, make::string("relation"), make::string(text)],
                ))
            }
            _ => {
                let (_, name) = object_name(text)?;
                let oid = make::lookup(
                    "__pg_proc",
                    make::column("oid"),
                    "proname",
                    make::string(&name),
                );
                // A name several functions share names none of them.
                let count = make::subquery(make::select(
                    vec![make::select_item(make::count_star(), None)],
                    vec![make::table("__pg_proc", None)],
                    Some(make::eq(make::column("proname"), make::string(&name))),
                ));
                let kind = make::call(
                    "iif",
                    vec![
                        make::binary(count, BinaryOperator::Gt, make::int(1)),
                        make::string("ambiguous function"),
                        make::string("function"),
                    ],
                );
                Ok(make::call("pg_found", vec![oid, kind, make::string(text)]))
            }
        }
    }

    /// The catalog functions, or the arguments back when `name` is not one of them.
    pub fn catalog_function(
        &mut self,
        name: &str,
        args: Vec<Expr>,
    ) -> Result<Result<(Expr, Ty), Vec<Expr>>, PgError> {
        let n = args.len();
        if n == 1
            && let Some((_, view, namespace)) = VISIBILITY.iter().find(|(f, _, _)| *f == name)
        {
            let oid = self.first_oid(args)?;
            let visible = self.visible(namespace);
            return Ok(Ok((make::lookup(view, visible, "oid", oid), BOOL)));
        }
        let done = match (name, n) {
            ("format_type", 2) => {
                let [oid, typmod] = self.catalog_args(args, [OID, Ty::of(PgType::Int4)])?;
                (type_name(oid, typmod, self.visible("typnamespace")), TEXT)
            }
            ("pg_get_expr", 2 | 3) => {
                let mut args = args.into_iter();
                let expr = args.next().unwrap_or_else(make::null);
                let expr = self.expr_as(expr, TEXT, Ctx::Implicit)?;
                let relation = args.next().unwrap_or_else(make::null);
                let relation = self.expr_as(relation, OID, Ctx::Implicit)?;
                // A column default that names an enum outside `public` leaves its schema out
                // where the search path finds the enum (pg_attrdef's __short).
                let mut short = make::call(
                    "iif",
                    vec![
                        make::nested(self.visible("__enum_namespace")),
                        make::column("__short"),
                        make::column("adbin"),
                    ],
                );
                let mut listed = Expr::IsNotNull(Box::new(make::column("__short")));
                // A search path without `public` (pg_dump's) names what is there with its schema.
                if !self.public_visible() {
                    short = make::call("coalesce", vec![make::column("__qualified"), short]);
                    listed = Expr::IsNotNull(Box::new(make::column("__qualified")));
                }
                let inner = make::select(
                    vec![
                        make::select_item(make::column("adrelid"), Some("__rel")),
                        make::select_item(make::column("adbin"), Some("__bin")),
                        make::select_item(short, Some("__item")),
                    ],
                    vec![make::table("__pg_attrdef", None)],
                    Some(listed),
                );
                let found = make::subquery(make::select(
                    vec![make::select_item(make::column("__item"), None)],
                    vec![make::derived(
                        make::query(SetExpr::Select(Box::new(inner))),
                        make::alias("__defaults", &[]),
                    )],
                    Some(make::and(
                        make::eq(make::column("__rel"), relation.clone()),
                        make::eq(make::column("__bin"), expr.clone()),
                    )),
                ));
                let plain = make::call("coalesce", vec![found, expr.clone()]);
                let pretty = match args.next() {
                    Some(p) => self.expr_as(p, BOOL, Ctx::Implicit)?,
                    None => make::int(0),
                };
                // A generation expression has a pretty form of its own (pg_attrdef.__pretty).
                let pretty_form = make::lookup_by(
                    "__pg_attrdef",
                    make::column("__pretty"),
                    vec![("adbin", expr), ("adrelid", relation)],
                );
                let pretty_form = make::call("coalesce", vec![pretty_form, plain.clone()]);
                (make::call("iif", vec![pretty, pretty_form, plain]), TEXT)
            }
            ("pg_get_indexdef", 1) => {
                let oid = self.first_oid(args)?;
                (
                    make::lookup("__pg_index", make::column("__def"), "indexrelid", oid),
                    TEXT,
                )
            }
            ("pg_get_indexdef", 3) => {
                // Column 0 is the whole definition, else only that column's key (no operator
                // class or order); '' past the last column. pretty leaves out parentheses and
                // the table's schema where the search path finds it.
                let mut args = args.into_iter();
                let oid = self.first_oid(args.next().into_iter().collect())?;
                let column = args.next().unwrap_or_else(make::null);
                let column = self.expr_as(column, Ty::of(PgType::Int4), Ctx::Implicit)?;
                let pretty = args.next().unwrap_or_else(make::null);
                let pretty = self.expr_as(pretty, BOOL, Ctx::Implicit)?;
                let relation = make::call(
                    "iif",
                    vec![
                        self.visible("__relnamespace"),
                        make::column("__relname"),
                        make::binary(
                            make::binary(
                                make::column("__nspname"),
                                BinaryOperator::StringConcat,
                                make::string("."),
                            ),
                            BinaryOperator::StringConcat,
                            make::column("__relname"),
                        ),
                    ],
                );
                let pretty_def = [
                    make::column("__pretty_head"),
                    relation,
                    make::column("__pretty_tail"),
                ]
                .into_iter()
                .reduce(|l, r| make::binary(l, BinaryOperator::StringConcat, r))
                .unwrap_or_else(make::null);
                let whole = make::lookup(
                    "__pg_index",
                    make::call(
                        "iif",
                        vec![pretty.clone(), pretty_def, make::column("__def")],
                    ),
                    "indexrelid",
                    oid.clone(),
                );
                let one = make::subquery(make::select(
                    vec![make::select_item(
                        make::call(
                            "iif",
                            vec![pretty, make::column("pretty"), make::column("plain")],
                        ),
                        None,
                    )],
                    vec![make::table("__pg_index_columns", None)],
                    Some(make::and(
                        make::eq(make::column("indexrelid"), oid.clone()),
                        make::eq(
                            make::column("seqno"),
                            make::binary(column.clone(), BinaryOperator::Minus, make::int(1)),
                        ),
                    )),
                ));
                // A column past the last, of an index that exists, prints as ''.
                let exists = make::lookup("__pg_index", make::string(""), "indexrelid", oid);
                let one = make::call("coalesce", vec![one, exists]);
                let def = make::call("iif", vec![make::eq(column, make::int(0)), whole, one]);
                (def, TEXT)
            }
            ("pg_get_constraintdef", 1 | 2) => {
                // pretty (the second argument) prints a check with fewer parentheses.
                let (oid, pretty) = self.oid_and_pretty(args)?;
                let pretty_def = make::call(
                    "coalesce",
                    vec![make::column("__pretty"), make::column("__def")],
                );
                let def = make::call("iif", vec![pretty, pretty_def, make::column("__def")]);
                // A foreign key names its referenced table with the schema where the search
                // path does not find it.
                let found = make::binary(
                    Expr::IsNull(Box::new(make::column("__ref_namespace"))),
                    BinaryOperator::Or,
                    make::nested(self.visible("__ref_namespace")),
                );
                let def = make::call("iif", vec![found, def, make::column("__qualified_def")]);
                (make::lookup("__pg_constraint", def, "oid", oid), TEXT)
            }
            ("pg_get_viewdef", 1 | 2) => {
                let (oid, pretty) = self.oid_and_pretty(args)?;
                // A search path without `public` (pg_dump's) names its relations with it.
                let (plain, pretty_form) = match self.public_visible() {
                    true => ("plain", "pretty"),
                    false => ("qualified_plain", "qualified_pretty"),
                };
                let def = make::call(
                    "iif",
                    vec![pretty, make::column(pretty_form), make::column(plain)],
                );
                (make::lookup("__pg_viewdefs", def, "oid", oid), TEXT)
            }
            // pg_default and pg_global live in the data directory: PostgreSQL answers ''.
            ("pg_tablespace_location", 1) => {
                let oid = self.first_oid(args)?;
                let builtin = make::binary(
                    make::eq(oid.clone(), make::int(1663)),
                    BinaryOperator::Or,
                    make::eq(oid, make::int(1664)),
                );
                (make::if_else(builtin, make::string(""), make::null()), TEXT)
            }
            // The privileges an object of a kind has before any GRANT: pg_dump compares them
            // with each object's ACL.
            ("acldefault", 2) => {
                let [kind, owner] = self.catalog_args(args, [Ty::of(PgType::Char), OID])?;
                let name = make::call(
                    "coalesce",
                    vec![
                        make::lookup("__pg_authid", make::column("rolname"), "oid", owner.clone()),
                        owner,
                    ],
                );
                let text = make::call("pg_acldefault", vec![kind, name]);
                let acl = Ty::of(PgType::AclitemArray);
                let cast = super::casts::pg_cast(text, PgType::Text, acl, Ctx::Explicit);
                (cast, acl)
            }
            ("pg_get_userbyid", 1) => {
                let oid = self.first_oid(args)?;
                (
                    make::lookup("__pg_authid", make::column("rolname"), "oid", oid),
                    NAME,
                )
            }
            ("pg_get_function_result", 1) => {
                let oid = self.first_oid(args)?;
                let rettype = make::column("prorettype");
                let typname =
                    make::lookup("__pg_type", make::column("typname"), "oid", rettype.clone());
                let formatted = make::call("pg_format_type", vec![rettype, make::null(), typname]);
                (make::lookup("__pg_proc", formatted, "oid", oid), TEXT)
            }
            ("pg_get_function_arguments" | "pg_get_function_identity_arguments", 1) => {
                let oid = self.first_oid(args)?;
                (
                    make::lookup("__pg_proc", make::column("__arguments"), "oid", oid),
                    TEXT,
                )
            }
            ("pg_get_functiondef" | "pg_get_function_sqlbody", 1) => {
                let oid = self.first_oid(args)?;
                let column = match name {
                    "pg_get_functiondef" => "__def",
                    _ => "__sqlbody",
                };
                (
                    make::lookup("__pg_proc", make::column(column), "oid", oid),
                    TEXT,
                )
            }
            // PostgreSQL's answer for an OID that names no such object: devdb has no
            // rules or extended statistics.
            ("pg_get_triggerdef", 1 | 2) => {
                let mut args = args.into_iter();
                let oid = self.first_oid(args.next().into_iter().collect())?;
                let pretty = match args.next() {
                    Some(p) => self.expr_as(p, BOOL, Ctx::Implicit)?,
                    None => make::int(0),
                };
                // A search path without `public` (pg_dump's) names its function with it.
                let plain = match self.public_visible() {
                    true => "__def",
                    false => "__qualified_def",
                };
                let def = make::call(
                    "iif",
                    vec![pretty, make::column("__pretty"), make::column(plain)],
                );
                (make::lookup("__pg_trigger", def, "oid", oid), TEXT)
            }
            ("pg_get_ruledef", 1 | 2) | ("pg_get_statisticsobjdef_columns", 1) => {
                let _ = self.first_oid(args)?;
                (make::null(), TEXT)
            }
            ("pg_relation_is_publishable", 1) => {
                let oid = self.first_oid(args)?;
                let user_table = make::and(
                    make::eq(make::column("relkind"), make::string("r")),
                    make::binary(
                        make::column("oid"),
                        BinaryOperator::GtEq,
                        make::int(FIRST_USER_OID),
                    ),
                );
                (make::lookup("__pg_class", user_table, "oid", oid), BOOL)
            }
            ("pg_partition_ancestors", 1) => {
                // devdb has no partitions: the set is always empty.
                self.check_select_list_set()?;
                let _ = self.first_oid(args)?;
                let value = self.select_list_set(make::string("[]"), "value")?;
                (value, Ty::of(PgType::Regclass))
            }
            ("obj_description", 1 | 2) | ("col_description", 2) => {
                // obj_description(oid, 'pg_class'): the catalog's own OID (pg_class 1259, ...).
                let mut args = args.into_iter();
                let oid = self.first_oid(args.next().into_iter().collect())?;
                let second = args.next();
                let (class, subid) = match (name, second) {
                    ("col_description", Some(n)) => (
                        Some(make::int(1259)),
                        self.expr_as(n, Ty::of(PgType::Int4), Ctx::Implicit)?,
                    ),
                    (_, Some(catalog)) => (Some(self.first_oid(vec![catalog])?), make::int(0)),
                    (_, None) => (None, make::int(0)),
                };
                let mut filter = make::and(
                    make::eq(make::column("objoid"), oid),
                    make::eq(make::column("objsubid"), subid),
                );
                if let Some(class) = class {
                    filter = make::and(filter, make::eq(make::column("classoid"), class));
                }
                let description = make::subquery(make::select(
                    vec![make::select_item(
                        make::call("max", vec![make::column("description")]),
                        None,
                    )],
                    vec![make::table("__pg_description", None)],
                    Some(filter),
                ));
                (description, TEXT)
            }
            ("shobj_description", 2) => {
                // initdb's descriptions of its databases; roles carry none, and COMMENT ON
                // DATABASE is not supported.
                let [oid, catalog] = self.catalog_args(args, [OID, NAME])?;
                let description = make::case(
                    make::column("name"),
                    vec![
                        (
                            make::string("postgres"),
                            make::string("default administrative connection database"),
                        ),
                        (
                            make::string("template1"),
                            make::string("default template for new databases"),
                        ),
                    ],
                );
                let found = make::call(
                    "iif",
                    vec![
                        make::eq(catalog, make::string("pg_database")),
                        make::lookup("__pg_databases", description, "oid", oid),
                        make::null(),
                    ],
                );
                (found, TEXT)
            }
            ("pg_encoding_to_char", 1) => {
                let [code] = self.catalog_args(args, [Ty::of(PgType::Int4)])?;
                (make::call("pg_encoding_to_char", vec![code]), NAME)
            }
            ("pg_char_to_encoding", 1) => {
                let [name] = self.catalog_args(args, [NAME])?;
                (
                    make::call("pg_char_to_encoding", vec![name]),
                    Ty::of(PgType::Int4),
                )
            }
            // Every database is UTF8.
            ("getdatabaseencoding", 0) => (make::string(encoding::UTF8), NAME),
            (
                "has_table_privilege"
                | "has_schema_privilege"
                | "has_database_privilege"
                | "has_column_privilege"
                | "has_sequence_privilege"
                | "has_function_privilege"
                | "has_type_privilege"
                | "pg_has_role",
                2..=4,
            ) => {
                // The one dev user is a superuser: every privilege check passes.
                (make::int(1), BOOL)
            }
            ("pg_get_serial_sequence", 2) => self.serial_sequence(args)?,
            ("to_regclass", 1) => {
                let first = args.into_iter().next().unwrap_or_else(make::null);
                let Some(text) = string_literal(&first) else {
                    return Err(PgError::feature_not_supported(
                        "to_regclass with a non-literal argument",
                    ));
                };
                // The regclass lookup without its error: NULL for a missing relation.
                let oid = regclass_oid(&text, self.visible(LOOKUP_NAMESPACE))?;
                (oid, Ty::of(PgType::Regclass))
            }
            ("to_regtype", 1) => {
                // The regtype lookup without its error: NULL for a missing type. psycopg looks
                // its types up with a parameter (`to_regtype($1)`), so it runs at run time.
                let [text] = self.catalog_args(args, [TEXT])?;
                (regtype_lookup(text), Ty::of(PgType::Regtype))
            }
            ("pg_relation_size", 1 | 2)
            | ("pg_total_relation_size" | "pg_table_size" | "pg_indexes_size", 1) => {
                // The bytes of SQLite's pages: the relation's own (a fork other than main has
                // none), its indexes', or both; 0 for a relation without storage (a view, a
                // sequence), NULL for none.
                let mut args = args.into_iter();
                let oid = self.first_oid(args.next().into_iter().collect())?;
                let main_fork = match args.next() {
                    Some(fork) => {
                        let fork = self.expr_as(fork, TEXT, Ctx::Implicit)?;
                        make::eq(fork, make::string("main"))
                    }
                    None => make::int(1),
                };
                // The view's columns are renamed so that they never capture the caller's.
                let filter = match name {
                    "pg_relation_size" | "pg_table_size" => {
                        make::and(make::eq(make::column("__oid"), oid.clone()), main_fork)
                    }
                    "pg_indexes_size" => make::and(
                        make::eq(make::column("__table"), oid.clone()),
                        make::binary(make::column("__oid"), BinaryOperator::NotEq, oid.clone()),
                    ),
                    _ => make::binary(
                        make::eq(make::column("__oid"), oid.clone()),
                        BinaryOperator::Or,
                        make::eq(make::column("__table"), oid.clone()),
                    ),
                };
                let sizes = make::select(
                    vec![
                        make::select_item(make::column("oid"), Some("__oid")),
                        make::select_item(make::column("table_oid"), Some("__table")),
                        make::select_item(make::column("size"), Some("__size")),
                    ],
                    vec![make::table("__pg_relation_sizes", None)],
                    None,
                );
                let bytes = make::subquery(make::select(
                    vec![make::select_item(
                        make::call("sum", vec![make::column("__size")]),
                        None,
                    )],
                    vec![make::derived(
                        make::query(SetExpr::Select(Box::new(sizes))),
                        make::alias("__sizes", &[]),
                    )],
                    Some(filter),
                ));
                let exists = make::lookup("__pg_class", make::int(0), "oid", oid);
                (
                    make::call("coalesce", vec![bytes, exists]),
                    Ty::of(PgType::Int8),
                )
            }
            ("pg_database_size", 1) => {
                // The database's file and write-ahead log, by name or OID.
                let first = args.into_iter().next().unwrap_or_else(make::null);
                let (e, ty) = self.expr(first)?;
                let by_oid = matches!(
                    ty.ty,
                    PgType::Oid | PgType::Int4 | PgType::Int8 | PgType::Int2
                );
                let (key, e) = match by_oid {
                    true => ("oid", self.coerce(e, ty, OID, Ctx::Implicit)?),
                    false => ("name", self.coerce(e, ty, NAME, Ctx::Implicit)?),
                };
                let size = make::lookup("__pg_databases", make::column("size"), key, e.clone());
                // A missing OID is NULL, a missing name PostgreSQL's error.
                let size = match by_oid {
                    true => size,
                    false => make::call("pg_found", vec![size, make::string("database"), e]),
                };
                (size, Ty::of(PgType::Int8))
            }
            ("pg_is_in_recovery", 0) => (make::int(0), BOOL),
            ("pg_my_temp_schema", 0) => (make::int(self.temp_schema_oid().into()), OID),
            ("pg_terminate_backend" | "pg_cancel_backend", 1 | 2) => {
                let mut args = args.into_iter();
                let pid = args.next().unwrap_or_else(make::null);
                let pid = self.expr_as(pid, Ty::of(PgType::Int4), Ctx::Implicit)?;
                (
                    make::call(&format!("devdb_{}", &name[3..]), vec![pid]),
                    BOOL,
                )
            }
            _ => return Ok(Err(args)),
        };
        Ok(Ok(done))
    }

    /// `pg_partition_ancestors(rel) [WITH ORDINALITY]` in FROM: devdb has no partitions, so
    /// no rows, with the columns PostgreSQL gives it (relid regclass, and the ordinality).
    pub fn partition_ancestors_item(
        &mut self,
        with_ordinality: bool,
        alias: Option<sqlparser::ast::TableAlias>,
    ) -> Result<sqlparser::ast::TableFactor, PgError> {
        let typed = |e: Expr, data_type: DataType| Expr::Cast {
            kind: sqlparser::ast::CastKind::DoubleColon,
            expr: Box::new(e),
            data_type,
            format: None,
        };
        let mut items = vec![make::select_item(
            typed(make::int(0), DataType::Regclass),
            Some("pg_partition_ancestors"),
        )];
        if with_ordinality {
            items.push(make::select_item(
                typed(make::int(0), DataType::BigInt(None)),
                Some("ordinality"),
            ));
        }
        let empty = make::select(
            items,
            Vec::new(),
            Some(make::value(sqlparser::ast::Value::Boolean(false))),
        );
        let alias = alias.unwrap_or_else(|| make::alias("pg_partition_ancestors", &[]));
        let (q, rel) =
            self.derived_query(make::query(SetExpr::Select(Box::new(empty))), Some(alias))?;
        let name = rel.name.clone();
        self.push_rel(rel)?;
        Ok(make::derived(q, make::alias(&name, &[])))
    }

    /// `pg_options_to_table(options)` in FROM: each `name=value` of a text[] of options
    /// (srvoptions, fdwoptions, ...) as a row (option_name, option_value), read from the
    /// array's elements.
    pub fn options_to_table_item(
        &mut self,
        args: Vec<sqlparser::ast::FunctionArg>,
        alias: Option<sqlparser::ast::TableAlias>,
    ) -> Result<sqlparser::ast::TableFactor, PgError> {
        use sqlparser::ast::{FunctionArg, FunctionArgExpr};
        let options = match <[FunctionArg; 1]>::try_from(args) {
            Ok([FunctionArg::Unnamed(FunctionArgExpr::Expr(e))]) => e,
            Ok(_) => {
                return Err(PgError::feature_not_supported(
                    "pg_options_to_table with a named argument",
                ));
            }
            Err(args) => {
                return Err(super::functions::undefined(
                    "pg_options_to_table",
                    args.len(),
                ));
            }
        };
        let options = self.expr_as(options, Ty::of(PgType::TextArray), Ctx::Implicit)?;
        let rel = alias
            .as_ref()
            .map(|a| fold(&a.name))
            .unwrap_or_else(|| "pg_options_to_table".to_owned());
        let mut names = ["option_name".to_owned(), "option_value".to_owned()];
        let aliased = alias.as_ref().map_or(&[][..], |a| a.columns.as_slice());
        if aliased.len() > names.len() {
            return Err(PgError::syntax_error(
                "too many column aliases specified for function pg_options_to_table",
                None,
            ));
        }
        for (name, column) in names.iter_mut().zip(aliased) {
            *name = fold(&column.name);
        }
        self.push_rel(Rel {
            name: rel.clone(),
            columns: names.iter().map(|n| (n.clone(), TEXT)).collect(),
            table: None,
            view: None,
        })?;
        // An option without `=` is a name without a value.
        let element = || make::qualified_column(&rel, "value");
        let equals = || make::call("instr", vec![element(), make::string("=")]);
        let no_value = || make::eq(equals(), make::int(0));
        let name = make::call(
            "iif",
            vec![
                no_value(),
                element(),
                make::call(
                    "substr",
                    vec![
                        element(),
                        make::int(1),
                        make::binary(equals(), BinaryOperator::Minus, make::int(1)),
                    ],
                ),
            ],
        );
        let value = make::call(
            "iif",
            vec![
                no_value(),
                make::null(),
                make::call(
                    "substr",
                    vec![
                        element(),
                        make::binary(equals(), BinaryOperator::Plus, make::int(1)),
                    ],
                ),
            ],
        );
        let [name_column, value_column] = names;
        let scope = self.current_scope();
        scope.substitutes.push((rel.clone(), name_column, name));
        scope.substitutes.push((rel.clone(), value_column, value));
        // json_each's own columns (id, key, value, ...) must not capture bare references.
        scope.qualify = true;
        Ok(make::table_function_as(
            "json_each",
            vec![make::call(
                "pg_array_json",
                vec![options, make::int(PgType::Text.oid().0.into())],
            )],
            &rel,
        ))
    }

    fn catalog_args<const N: usize>(
        &mut self,
        args: Vec<Expr>,
        types: [Ty; N],
    ) -> Result<[Expr; N], PgError> {
        let mut out = Vec::with_capacity(N);
        for (a, t) in args.into_iter().zip(types) {
            out.push(self.expr_as(a, t, Ctx::Implicit)?);
        }
        out.try_into()
            .map_err(|_| PgError::internal("catalog function arity"))
    }

    /// `(oid [, pretty])`: the OID and the pretty flag, false when not given.
    fn oid_and_pretty(&mut self, args: Vec<Expr>) -> Result<(Expr, Expr), PgError> {
        let mut args = args.into_iter();
        let oid = self.first_oid(args.next().into_iter().collect())?;
        let pretty = match args.next() {
            Some(p) => self.expr_as(p, BOOL, Ctx::Implicit)?,
            None => make::int(0),
        };
        Ok((oid, pretty))
    }

    /// The first argument as an OID (regclass literals resolved).
    fn first_oid(&mut self, args: Vec<Expr>) -> Result<Expr, PgError> {
        let first = args.into_iter().next().unwrap_or_else(make::null);
        let (e, ty) = self.expr(first)?;
        let to = if ty.is_unknown() {
            Ty::of(PgType::Regclass)
        } else {
            OID
        };
        self.coerce(e, ty, to, Ctx::Implicit)
    }

    /// pg_get_serial_sequence('table', 'column'): the owned sequence, schema-qualified. The
    /// table is a name as regclass reads it (42P01 when missing), the column taken as written
    /// (42703 when the table has none of that name).
    fn serial_sequence(&mut self, args: Vec<Expr>) -> Result<(Expr, Ty), PgError> {
        let [table, column] = self.catalog_args(args, [TEXT, TEXT])?;
        let (schema, name) = (name_part(&table, 0), name_part(&table, 1));
        // The relation's error names it folded, as PostgreSQL's does.
        let folded = make::binary(
            make::call(
                "coalesce",
                vec![
                    make::binary(
                        schema.clone(),
                        BinaryOperator::StringConcat,
                        make::string("."),
                    ),
                    make::string(""),
                ],
            ),
            BinaryOperator::StringConcat,
            name.clone(),
        );
        // A schema that does not exist is 3F000, before any relation is looked for.
        let schema = make::call(
            "pg_found",
            vec![
                make::lookup(
                    "__pg_namespace",
                    make::column("nspname"),
                    "nspname",
                    schema.clone(),
                ),
                make::string("schema"),
                schema,
            ],
        );
        let visible = self.visible(LOOKUP_NAMESPACE);
        let oid = make::call(
            "pg_found",
            vec![
                regclass_lookup(schema, name, visible),
                make::string("relation"),
                folded,
            ],
        );
        // The relation is looked up once, in a derived table of one row that the rest reads.
        let relation = || make::qualified_column("__relation", "oid");
        let relname = make::lookup("__pg_class", make::column("relname"), "oid", relation());
        let nspname = make::lookup(
            "__pg_namespace",
            make::column("nspname"),
            "oid",
            make::lookup(
                "__pg_class",
                make::column("relnamespace"),
                "oid",
                relation(),
            ),
        );
        let system = SYSTEM_COLUMNS
            .iter()
            .zip(1..)
            .map(|(name, n)| (make::string(name), make::int(-n)))
            .collect();
        let attnum = make::call(
            "coalesce",
            vec![
                make::case(column.clone(), system),
                make::lookup_by(
                    "__pg_attribute",
                    make::column("attnum"),
                    vec![("attrelid", relation()), ("attname", column.clone())],
                ),
            ],
        );
        let found = make::call(
            "pg_found",
            vec![
                attnum,
                make::string("column"),
                column.clone(),
                relname.clone(),
            ],
        );
        // Quoted where a name needs it, as quote_qualified_identifier does.
        let sequence = make::binary(
            make::binary(
                make::call("pg_quote_ident", vec![make::column("schema")]),
                BinaryOperator::StringConcat,
                make::string("."),
            ),
            BinaryOperator::StringConcat,
            make::call(
                "pg_quote_ident",
                vec![make::call("pg_key_name", vec![make::column("name")])],
            ),
        );
        let owned = make::lookup_by(
            crate::catalog::SEQUENCE_OWNERS,
            sequence,
            vec![
                ("schema", nspname),
                ("table_name", relname),
                ("column_name", column),
            ],
        );
        // NULL for a NULL argument, as the function is strict; CASE checks the column only
        // once the relation is known.
        let checked = make::if_else(
            Expr::IsNull(Box::new(relation())),
            make::null(),
            make::if_else(Expr::IsNull(Box::new(found)), make::null(), owned),
        );
        let one_row = make::select(vec![make::select_item(oid, Some("oid"))], vec![], None);
        let seq = make::subquery(make::select(
            vec![make::select_item(checked, None)],
            vec![make::derived(
                make::query(SetExpr::Select(Box::new(one_row))),
                make::alias("__relation", &[]),
            )],
            None,
        ));
        Ok((seq, TEXT))
    }
}

/// The pg_*_is_visible functions: each tells whether its catalog's object (by OID) is in a
/// schema on the search path. (function, catalog view, the view's namespace column).
const VISIBILITY: [(&str, &str, &str); 13] = [
    ("pg_table_is_visible", "__pg_class", "relnamespace"),
    ("pg_type_is_visible", "__pg_type", "typnamespace"),
    ("pg_function_is_visible", "__pg_proc", "pronamespace"),
    ("pg_operator_is_visible", "__pg_operator", "oprnamespace"),
    ("pg_opclass_is_visible", "__pg_opclass", "opcnamespace"),
    ("pg_opfamily_is_visible", "__pg_opfamily", "opfnamespace"),
    (
        "pg_statistics_obj_is_visible",
        "__pg_statistic_ext",
        "stxnamespace",
    ),
    ("pg_collation_is_visible", "__pg_collation", "collnamespace"),
    (
        "pg_conversion_is_visible",
        "__pg_conversion",
        "connamespace",
    ),
    ("pg_ts_config_is_visible", "__pg_ts_config", "cfgnamespace"),
    ("pg_ts_dict_is_visible", "__pg_ts_dict", "dictnamespace"),
    ("pg_ts_parser_is_visible", "__pg_ts_parser", "prsnamespace"),
    (
        "pg_ts_template_is_visible",
        "__pg_ts_template",
        "tmplnamespace",
    ),
];

/// The system columns every table has, in PostgreSQL's order of attnum -1, -2, ...
const SYSTEM_COLUMNS: [&str; 6] = ["ctid", "xmin", "cmin", "xmax", "cmax", "tableoid"];

/// The OID of the relation `text` names (schema-qualified or found on the search path), NULL
/// when there is none.
fn regclass_oid(text: &str, visible: Expr) -> Result<Expr, PgError> {
    let (schema, name) = object_name(text)?;
    let schema = schema.map_or_else(make::null, |s| make::string(&s));
    Ok(regclass_lookup(schema, make::string(&name), visible))
}

/// The OID of the relation `name` in schema `schema`, or in the `visible` namespaces where
/// `schema` is NULL; NULL when there is none. `visible` tests [`LOOKUP_NAMESPACE`].
///
/// pg_class is read through a derived table whose columns are named apart, so a column in
/// `name` or `schema` (`relname::regclass` over pg_class itself) means the enclosing row's.
fn regclass_lookup(schema: Expr, name: Expr, visible: Expr) -> Expr {
    let in_schema = make::eq(
        make::column(LOOKUP_NAMESPACE),
        make::lookup(
            "__pg_namespace",
            make::column("oid"),
            "nspname",
            schema.clone(),
        ),
    );
    let namespace = make::call(
        "iif",
        vec![Expr::IsNull(Box::new(schema)), visible, in_schema],
    );
    let filter = make::and(make::eq(make::column("__relname"), name), namespace);
    let classes = make::select(
        vec![
            make::select_item(make::column("oid"), Some("__oid")),
            make::select_item(make::column("relname"), Some("__relname")),
            make::select_item(make::column("relnamespace"), Some(LOOKUP_NAMESPACE)),
        ],
        vec![make::table("__pg_class", None)],
        None,
    );
    make::subquery(make::select(
        vec![make::select_item(make::column("__oid"), None)],
        vec![make::derived(
            make::query(SetExpr::Select(Box::new(classes))),
            make::alias("__classes", &[]),
        )],
        Some(filter),
    ))
}

/// The namespace column of [`regclass_lookup`]'s rows.
const LOOKUP_NAMESPACE: &str = "__relnamespace";

/// A part of a name given as text at run time: 0 its schema (NULL when unqualified), 1 the name.
fn name_part(text: &Expr, part: i64) -> Expr {
    let database = make::call("devdb_current_database", vec![]);
    make::call(
        "pg_name_part",
        vec![text.clone(), make::int(part), database],
    )
}

/// A query's result with its regclass/regtype/regproc columns as names, as PostgreSQL prints
/// them: the query becomes a derived table with positional column names, read back through
/// the name lookups.
pub fn print_oid_aliases(q: Query, cols: &[OutCol], visible: Expr) -> Result<Query, PgError> {
    if let Some((_, t)) = cols
        .iter()
        .find(|(_, t)| t.ty.element().is_some_and(PgType::is_oid_alias))
    {
        // Their elements would print as numbers where PostgreSQL prints names.
        return Err(PgError::feature_not_supported(format!(
            "{} in results",
            t.ty
        )));
    }
    if !cols.iter().any(|(_, t)| t.ty.is_oid_alias()) {
        return Ok(q);
    }
    let inner: Vec<String> = (1..=cols.len()).map(|i| format!("c{i}")).collect();
    let mut q = super::query::rename_outputs(q, &inner);
    // ORDER BY an output column's name now means its positional name.
    if let Some(sqlparser::ast::OrderBy {
        kind: sqlparser::ast::OrderByKind::Expressions(terms),
        ..
    }) = &mut q.order_by
    {
        for term in terms {
            if let Expr::Identifier(id) = &term.expr
                && let Some(i) = cols.iter().position(|(name, _)| *name == id.value)
            {
                term.expr = make::column(&inner[i]);
            }
        }
    }
    let items = cols
        .iter()
        .zip(&inner)
        .map(|((name, ty), c)| {
            let value = make::column(c);
            let value = if ty.ty.is_oid_alias() {
                oid_alias_name(value, ty.ty, visible.clone())
            } else {
                value
            };
            make::select_item(value, Some(name))
        })
        .collect();
    let outer = make::select(items, vec![make::derived(q, make::alias("r", &[]))], None);
    Ok(make::query(SetExpr::Select(Box::new(outer))))
}

/// The OID of the type the text `text` names when the statement runs, NULL for none.
fn regtype_lookup(text: Expr) -> Expr {
    make::call(
        "coalesce",
        vec![
            make::call("pg_regtype_oid", vec![text.clone()]),
            type_by_name(make::call("pg_regtype_typname", vec![text])),
        ],
    )
}

/// The OID of the pg_type row named `typname`, or NULL.
fn type_by_name(typname: Expr) -> Expr {
    make::lookup("__pg_type", make::column("oid"), "typname", typname)
}

/// regprocedure input, `schema.name(type, ...)`: the schema if given, the name and the
/// arguments' types as written.
fn signature(text: &str) -> Result<(Option<String>, String, Vec<String>), PgError> {
    let (name, args) = split_signature(text)?;
    let (schema, name) = object_name(name)?;
    Ok((schema, name, args))
}

/// regoperator input, `schema.op(left, right)`: an operator's name is no identifier.
fn operator_signature(text: &str) -> Result<(Option<String>, String, Vec<String>), PgError> {
    let (name, args) = split_signature(text)?;
    Ok(match name.split_once('.') {
        Some((schema, op)) => (Some(object_name(schema)?.1), op.trim().to_owned(), args),
        None => (None, name.to_owned(), args),
    })
}

/// `name(a, b)` as its name and its arguments (split at the commas outside parentheses).
fn split_signature(text: &str) -> Result<(&str, Vec<String>), PgError> {
    let malformed = |what: &str| PgError::new(SqlState::INVALID_TEXT_REPRESENTATION, what);
    let (name, rest) = text
        .split_once('(')
        .ok_or_else(|| malformed("expected a left parenthesis"))?;
    let inner = rest
        .trim_end()
        .strip_suffix(')')
        .ok_or_else(|| malformed("expected a right parenthesis"))?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner.trim().is_empty() {
        args.push(inner[start..].trim().to_owned());
    }
    Ok((name.trim(), args))
}

/// The OID of the type `text` names, as an expression: a built-in type's is known, a user
/// type's (an enum's) looked up by name in pg_type, PostgreSQL's error when there is none.
fn type_oid(text: &str) -> Result<Expr, PgError> {
    Ok(match type_key(text)? {
        TypeKey::Builtin(oid) => make::int(oid.0.into()),
        TypeKey::Named(typname) => make::call(
            "pg_found",
            vec![
                type_by_name(make::string(&typname)),
                make::string("type"),
                make::string(text),
            ],
        ),
    })
}

/// The OID of the schema named `name`.
fn namespace_oid(name: &str) -> Expr {
    make::lookup(
        "__pg_namespace",
        make::column("oid"),
        "nspname",
        make::string(name),
    )
}

/// The name of the namespace whose OID `column` holds.
fn namespace_name(column: &str) -> Expr {
    make::lookup(
        "__pg_namespace",
        make::column("nspname"),
        "oid",
        make::column(column),
    )
}

/// A type as format_type names it: a user type the search path does not find (outside the
/// namespaces `visible` accepts as `typnamespace`) with its schema.
fn type_name(oid: Expr, typmod: Expr, visible: Expr) -> Expr {
    let typname = make::lookup("__pg_type", make::column("typname"), "oid", oid.clone());
    let schema = namespace_name("typnamespace");
    let qualifier = make::lookup(
        "__pg_type",
        make::call("iif", vec![visible, make::null(), schema]),
        "oid",
        oid.clone(),
    );
    make::call(
        "pg_format_type_qualified",
        vec![oid, typmod, typname, qualifier],
    )
}

/// An OID alias value as text: the name of the object, or the number when there is none.
/// A relation outside the `visible` namespaces (the search path) is named with its schema.
fn oid_alias_name(e: Expr, ty: PgType, visible: Expr) -> Expr {
    let name = match ty {
        PgType::Regclass => {
            let quoted = |name: Expr| make::call("pg_quote_ident", vec![name]);
            let schema = namespace_name("relnamespace");
            let qualified = make::binary(
                make::binary(
                    quoted(schema),
                    BinaryOperator::StringConcat,
                    make::string("."),
                ),
                BinaryOperator::StringConcat,
                quoted(make::column("relname")),
            );
            let text = make::call(
                "iif",
                vec![visible, quoted(make::column("relname")), qualified],
            );
            make::lookup("__pg_class", text, "oid", e.clone())
        }
        PgType::Regtype => {
            // The same namespaces, as pg_type names them.
            let mut types_visible = visible;
            if let Expr::InList { expr, .. } = &mut types_visible {
                **expr = make::column("typnamespace");
            }
            type_name(e.clone(), make::null(), types_visible)
        }
        PgType::Regnamespace => {
            make::lookup("__pg_namespace", make::column("nspname"), "oid", e.clone())
        }
        PgType::Regprocedure => {
            // With its schema where the search path misses it.
            let mut functions_visible = visible;
            if let Expr::InList { expr, .. } = &mut functions_visible {
                **expr = make::column("pronamespace");
            }
            let schema = make::binary(
                make::call("pg_quote_ident", vec![namespace_name("pronamespace")]),
                BinaryOperator::StringConcat,
                make::string("."),
            );
            let text = make::binary(
                make::call("iif", vec![functions_visible, make::string(""), schema]),
                BinaryOperator::StringConcat,
                make::column("__signature"),
            );
            make::lookup("__pg_proc", text, "oid", e.clone())
        }
        PgType::Regoperator => make::lookup(
            "__pg_operator",
            make::column("__signature"),
            "oid",
            e.clone(),
        ),
        _ => make::lookup("__pg_proc", make::column("proname"), "oid", e.clone()),
    };
    let fallback = make::call(
        "iif",
        vec![make::eq(e.clone(), make::int(0)), make::string("-"), e],
    );
    make::call("coalesce", vec![name, fallback])
}
