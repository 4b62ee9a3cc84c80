//! EXPLAIN [ ( option [, ...] ) ] statement: the statement is translated as it would run, and
//! the answer is SQLite's plan for it in PostgreSQL's text shape (`query_plan`), one row per
//! line in a column named QUERY PLAN. The executor's `devdb_query_plan` function asks SQLite
//! for the plan of the translated text on the connection the EXPLAIN runs on.

use devdb_pg::{PgError, PgType, SqlState};
use sqlparser::ast::{
    AnalyzeFormatKind, Delete, FromTable, Insert, ObjectName, Statement, TableFactor, TableObject,
    UtilityOption,
};

use crate::{
    Column, Kind, Translated, catalog::Catalog, make, parse::Parsed, search_path::SearchPath,
};

/// What EXPLAIN's options ask for, as far as devdb answers them.
pub(super) fn explain(
    stmt: Statement,
    catalog: &Catalog,
    path: &SearchPath,
    param_types: &[Option<PgType>],
) -> Result<Translated, PgError> {
    let Statement::Explain {
        analyze,
        statement,
        format,
        options,
        query_plan: false,
        estimate: false,
        ..
    } = stmt
    else {
        return Err(PgError::feature_not_supported("this EXPLAIN form"));
    };
    check_options(
        analyze,
        format.as_ref(),
        options.as_deref().unwrap_or_default(),
    )?;
    let top = match statement.as_ref() {
        Statement::Query(_) => None,
        Statement::Insert(Insert {
            table: TableObject::TableName(name),
            ..
        }) => Some(format!("Insert on {}", plain_name(name))),
        Statement::Update(update) => match &update.table.relation {
            TableFactor::Table { name, .. } => Some(format!("Update on {}", plain_name(name))),
            _ => None,
        },
        Statement::Delete(Delete {
            from: FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from),
            ..
        }) => match from.first().map(|t| &t.relation) {
            Some(TableFactor::Table { name, .. }) => {
                Some(format!("Delete on {}", plain_name(name)))
            }
            _ => None,
        },
        other => {
            return Err(PgError::feature_not_supported(format!(
                "EXPLAIN of {}",
                other.to_string().split(' ').next().unwrap_or_default()
            )));
        }
    };
    let inner = super::statement(Parsed::Statement(statement), catalog, path, param_types)?;
    let [sql] = inner.sqlite.as_slice() else {
        return Err(PgError::feature_not_supported(
            "EXPLAIN of a statement devdb runs in several steps",
        ));
    };
    if !inner.captures.is_empty() {
        return Err(PgError::feature_not_supported(
            "EXPLAIN of a WITH holding a data-modifying statement",
        ));
    }
    // The parameters are passed along, unused, so that Bind finds each one in the statement.
    let mut arguments = vec![
        make::string(sql).to_string(),
        top.map_or_else(make::null, |t| make::string(&t))
            .to_string(),
    ];
    arguments.extend((1..=inner.params.len()).map(|n| format!("?{n}")));
    let query = format!(
        "SELECT value FROM json_each(devdb_query_plan({})) ORDER BY key",
        arguments.join(", ")
    );
    Ok(Translated {
        kind: Kind::Command("EXPLAIN"),
        sqlite: vec![query],
        columns: vec![Column {
            name: "QUERY PLAN".to_owned(),
            ty: PgType::Text,
            typmod: -1,
            enum_oid: None,
        }],
        writes: false,
        locks_rows: false,
        changes_catalog: false,
        notices: Vec::new(),
        row_probe: None,
        temp_on_commit: None,
        sleep: None,
        ..inner
    })
}

/// PostgreSQL 15's EXPLAIN options: ANALYZE (which runs the statement) and formats other than
/// text are not devdb's; TIMING and WAL need ANALYZE (22023); unknown options are 42601.
fn check_options(
    analyze: bool,
    format: Option<&AnalyzeFormatKind>,
    options: &[UtilityOption],
) -> Result<(), PgError> {
    let text_format = |f: &AnalyzeFormatKind| f.to_string().to_uppercase().ends_with("TEXT");
    if analyze {
        return Err(PgError::feature_not_supported("EXPLAIN ANALYZE"));
    }
    if format.is_some_and(|f| !text_format(f)) {
        return Err(PgError::feature_not_supported(
            "EXPLAIN formats other than TEXT",
        ));
    }
    for option in options {
        let name = option.name.value.to_lowercase();
        // PostgreSQL's defGetBoolean: no value, true, on or 1 (quoted or not) is on.
        let on = option.arg.as_ref().is_none_or(|arg| {
            let text = arg.to_string().trim_matches('\'').to_lowercase();
            !matches!(text.as_str(), "false" | "off" | "0")
        });
        match name.as_str() {
            "analyze" if on => return Err(PgError::feature_not_supported("EXPLAIN ANALYZE")),
            "timing" | "wal" if on => {
                return Err(PgError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("EXPLAIN option {} requires ANALYZE", name.to_uppercase()),
                ));
            }
            "format" => {
                let value = option
                    .arg
                    .as_ref()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                if !value.eq_ignore_ascii_case("text") && !value.eq_ignore_ascii_case("'text'") {
                    return Err(PgError::feature_not_supported(
                        "EXPLAIN formats other than TEXT",
                    ));
                }
            }
            "analyze" | "buffers" | "timing" | "wal" | "verbose" | "costs" | "settings"
            | "summary" => {}
            other => {
                return Err(PgError::new(
                    SqlState::SYNTAX_ERROR,
                    format!("unrecognized EXPLAIN option \"{other}\""),
                ));
            }
        }
    }
    Ok(())
}

/// The relation's own name, as PostgreSQL's plan names it.
fn plain_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(super::fold)
        .unwrap_or_default()
}
