//! EXPLAIN [ ( option [, ...] ) ] statement: the statement is translated as it would run, and
//! the answer is SQLite's plan for it in PostgreSQL's text shape (`query_plan`), one row per
//! line in a column named QUERY PLAN, or with FORMAT JSON one json row
//! (`query_plan::json`). The executor's `devdb_query_plan` function asks SQLite for the plan
//! of the translated text on the connection the EXPLAIN runs on.

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
    let format = check_options(
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
        make::int(i64::from(format == Format::Json)).to_string(),
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
            ty: match format {
                Format::Text => PgType::Text,
                Format::Json => PgType::Json,
            },
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

/// EXPLAIN's output formats devdb answers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Text,
    Json,
}

/// A FORMAT's value: TEXT or JSON; YAML and XML are not devdb's, other words 22023.
fn format_named(value: &str) -> Result<Format, PgError> {
    match value.trim_matches('\'').to_lowercase().as_str() {
        "text" => Ok(Format::Text),
        "json" => Ok(Format::Json),
        "yaml" | "xml" => Err(PgError::feature_not_supported(
            "EXPLAIN formats YAML and XML",
        )),
        other => Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("unrecognized value for EXPLAIN option \"format\": \"{other}\""),
        )),
    }
}

/// PostgreSQL 15's EXPLAIN options: ANALYZE (which runs the statement) and the YAML and XML
/// formats are not devdb's; TIMING and WAL need ANALYZE (22023); unknown options are 42601.
fn check_options(
    analyze: bool,
    format: Option<&AnalyzeFormatKind>,
    options: &[UtilityOption],
) -> Result<Format, PgError> {
    if analyze {
        return Err(PgError::feature_not_supported("EXPLAIN ANALYZE"));
    }
    let mut chosen = match format {
        Some(f) => format_named(f.to_string().split_whitespace().last().unwrap_or_default())?,
        None => Format::Text,
    };
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
                chosen = format_named(&value)?;
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
    Ok(chosen)
}

/// The relation's own name, as PostgreSQL's plan names it.
fn plain_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(super::fold)
        .unwrap_or_default()
}
