//! Translator tests: snapshots of the SQLite text (`UPDATE_EXPECT=1` regenerates them), result
//! and parameter types, errors, and a no-panic property test.

mod catalog_rows;
mod errors;
pub(crate) mod fuzz;
mod pgbench;
mod prepare;
mod snapshots;
mod sqlite;
mod sqlite_runs;
mod types;

use devdb_pg::PgType;

use crate::catalog::{Catalog, Column, Table};
use crate::{Translated, translate};

/// A column for a test catalog: name, type, typmod, NOT NULL, DEFAULT.
pub type Col<'a> = (&'a str, PgType, i32, bool, Option<&'a str>);

pub fn table(name: &str, cols: &[Col<'_>]) -> Table {
    Table {
        schema: "public".into(),
        name: name.into(),
        columns: cols
            .iter()
            .enumerate()
            .map(|(i, (n, ty, typmod, not_null, default))| Column {
                name: (*n).into(),
                position: i as i32 + 1,
                ty: *ty,
                enum_oid: None,
                typmod: *typmod,
                not_null: *not_null,
                default: default.map(str::to_owned),
                pk_position: None,
                identity: None,
                domain: None,
                generated: None,
            })
            .collect(),
    }
}

/// pgbench's four tables as `pgbench -i` creates them, plus a table with every type.
pub fn catalog() -> Catalog {
    with_primary_key(base_catalog())
}

fn base_catalog() -> Catalog {
    use PgType::*;
    Catalog {
        enums: Vec::new(),
        schemas: Vec::new(),
        views: Vec::new(),
        domains: Vec::new(),
        functions: Vec::new(),
        triggers: Vec::new(),
        sql_functions: Vec::new(),
        extensions: Vec::new(),
        tables: vec![
            table(
                "pgbench_accounts",
                &[
                    ("aid", Int4, -1, true, None),
                    ("bid", Int4, -1, false, None),
                    ("abalance", Int4, -1, false, None),
                    ("filler", Bpchar, 88, false, None),
                ],
            ),
            table(
                "pgbench_branches",
                &[
                    ("bid", Int4, -1, true, None),
                    ("bbalance", Int4, -1, false, None),
                    ("filler", Bpchar, 92, false, None),
                ],
            ),
            table(
                "pgbench_tellers",
                &[
                    ("tid", Int4, -1, true, None),
                    ("bid", Int4, -1, false, None),
                    ("tbalance", Int4, -1, false, None),
                    ("filler", Bpchar, 88, false, None),
                ],
            ),
            table(
                "pgbench_history",
                &[
                    ("tid", Int4, -1, false, None),
                    ("bid", Int4, -1, false, None),
                    ("aid", Int4, -1, false, None),
                    ("delta", Int4, -1, false, None),
                    ("mtime", Timestamp, -1, false, None),
                    ("filler", Bpchar, 26, false, None),
                ],
            ),
            table(
                "t",
                &[
                    ("id", Int4, -1, true, Some("nextval('t_id_seq')")),
                    ("name", Varchar, 14, false, None),
                    ("big", Int8, -1, false, None),
                    ("small", Int2, -1, false, None),
                    ("flag", Bool, -1, false, Some("false")),
                    ("price", Numeric, ((10 << 16) | 2) + 4, false, None),
                    ("ratio", Float8, -1, false, None),
                    ("ts", Timestamptz, -1, false, Some("now()")),
                    ("day", Date, -1, false, None),
                    ("body", Text, -1, false, None),
                    ("uid", Uuid, -1, false, None),
                    ("doc", Jsonb, -1, false, None),
                    ("bin", Bytea, -1, false, None),
                ],
            ),
            table(
                "u",
                &[
                    ("id", Int4, -1, false, None),
                    ("t_id", Int4, -1, false, None),
                    ("note", Text, -1, false, None),
                ],
            ),
        ],
        indexes: Vec::new(),
        sequences: vec!["t_id_seq".into()],
        constraints: Vec::new(),
    }
}

/// `t` with its primary key on `id`, to exercise grouping by a key.
fn with_primary_key(mut catalog: Catalog) -> Catalog {
    if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == "t")
        && let Some(id) = t.columns.iter_mut().find(|c| c.name == "id")
    {
        id.pk_position = Some(1);
    }
    catalog
}

pub fn translate_one(sql: &str) -> Translated {
    translate_typed(sql, &[])
}

pub fn translate_typed(sql: &str, params: &[Option<PgType>]) -> Translated {
    let mut all = translate(sql, &catalog(), params).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    assert_eq!(all.len(), 1, "{sql}");
    all.remove(0)
}

/// The SQLite text of every statement, one per line.
pub fn sqlite(sql: &str) -> String {
    sqlite_with(sql, &catalog())
}

pub fn sqlite_with(sql: &str, catalog: &Catalog) -> String {
    match translate(sql, catalog, &[]) {
        Ok(all) => all
            .iter()
            .flat_map(|t| t.sqlite.iter().map(|s| format!("{s};\n")))
            .collect(),
        Err(e) => format!("ERROR {}: {}\n", e.code, e.message),
    }
}

pub fn check(sql: &str, expect: expect_test::Expect) {
    expect.assert_eq(&sqlite(sql));
}

/// Like [`check`], against an empty catalog (for CREATE statements).
pub fn check_empty(sql: &str, expect: expect_test::Expect) {
    expect.assert_eq(&sqlite_with(sql, &Catalog::default()));
}

/// `name type` for each result column.
pub fn columns(sql: &str) -> String {
    translate_one(sql)
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.ty.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn params(sql: &str) -> String {
    translate_one(sql)
        .params
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn error(sql: &str) -> String {
    match translate(sql, &catalog(), &[]) {
        Ok(t) => format!("no error: {t:?}"),
        Err(e) => format!("{} {}", e.code, e.message),
    }
}
