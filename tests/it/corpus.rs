//! The differential corpus: the `.slt` files under `tests/slt/` (format in `tests/slt/README.md`)
//! run record by record on a fresh devdb and a fresh database on the PostgreSQL 15 oracle, in
//! simple and in extended protocol, and every outcome is compared.
//!
//! PostgreSQL supplies every expectation: a record's header (`statement ok`, `statement error
//! 23505`, `query`) is checked against what PostgreSQL did, and devdb must then give the same
//! column names, type OIDs, rows (text format), command tag and SQLSTATE. A record marked
//! `# unsupported: <feature>` must still differ from PostgreSQL in at least one protocol; once it
//! matches, the test fails and asks for the marker to go. One test per file, so a failure names
//! the file; [`corpus_summary`] counts the whole corpus by feature.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use postgres_protocol::message::backend::Message;

use crate::harness::compare::Mode;
use crate::harness::devdb::workspace_root;
use crate::harness::rawwire::{Renderer, error_fields};
use crate::harness::{DevDb, Postgres, RawConn};

/// What a record asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `statement ok`: PostgreSQL runs it without an error and returns no rows.
    StatementOk,
    /// `statement error SQLSTATE [detail]`: PostgreSQL fails it with this SQLSTATE; with
    /// `detail`, the error's message and DETAIL are compared too (the constraint and the key
    /// of a 23505, which apps show to users).
    StatementError { code: String, detail: bool },
    /// `query [rowsort]`: PostgreSQL returns a row set; `rowsort` compares rows as sorted.
    Query { rowsort: bool },
    /// `restart`: devdb is stopped and started again on the same `--data-dir`; both sides
    /// reconnect (PostgreSQL keeps running), so session state starts over.
    Restart,
    /// `reconnect`: both sides open a new session (as a pool replaces a broken connection),
    /// so one scenario's session state cannot leak into the next.
    Reconnect,
}

impl Kind {
    /// `restart` and `reconnect` act on the sessions; they are not cases.
    fn is_directive(&self) -> bool {
        matches!(self, Kind::Restart | Kind::Reconnect)
    }
}

/// One record of a corpus file.
#[derive(Debug, Clone)]
struct Record {
    /// 1-based line of the header, for messages.
    line: usize,
    kind: Kind,
    sql: String,
    /// The feature named by a `# unsupported: <feature>` line above the header.
    unsupported: Option<String>,
    /// 1-based line of that marker.
    marker_line: Option<usize>,
}

/// Parses a corpus file: records separated by blank lines, each a header line and the SQL
/// below it; `#` lines are comments, except `# unsupported: <feature>` which marks the next
/// record.
fn parse(text: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    let mut marker: Option<(String, usize)> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(feature) = comment.trim().strip_prefix("unsupported:") {
                let feature = feature.trim();
                if feature.is_empty() {
                    return Err(format!(
                        "line {}: `# unsupported:` names no feature",
                        index + 1
                    ));
                }
                if marker.replace((feature.to_owned(), index + 1)).is_some() {
                    return Err(format!("line {}: two markers on one record", index + 1));
                }
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let kind = match words.as_slice() {
            ["statement", "ok"] => Kind::StatementOk,
            ["statement", "error", code] if is_sqlstate(code) => Kind::StatementError {
                code: (*code).to_owned(),
                detail: false,
            },
            ["statement", "error", code, "detail"] if is_sqlstate(code) => Kind::StatementError {
                code: (*code).to_owned(),
                detail: true,
            },
            ["query"] => Kind::Query { rowsort: false },
            ["query", "rowsort"] => Kind::Query { rowsort: true },
            ["restart"] => Kind::Restart,
            ["reconnect"] => Kind::Reconnect,
            _ => {
                return Err(format!(
                    "line {}: unknown record header {line:?}",
                    index + 1
                ));
            }
        };
        let mut sql = Vec::new();
        while let Some((_, next)) = lines.peek() {
            if next.trim().is_empty() {
                break;
            }
            sql.push(next.trim_end());
            lines.next();
        }
        let sql = sql.join("\n");
        match (kind.is_directive(), sql.is_empty()) {
            (true, false) => return Err(format!("line {}: {line} takes no SQL", index + 1)),
            (true, true) if marker.is_some() => {
                return Err(format!("line {}: {line} cannot be marked", index + 1));
            }
            (false, true) => return Err(format!("line {}: record without SQL", index + 1)),
            _ => {}
        }
        records.push(Record {
            line: index + 1,
            kind,
            sql,
            unsupported: marker.as_ref().map(|(f, _)| f.clone()),
            marker_line: marker.take().map(|(_, l)| l),
        });
    }
    if marker.is_some() {
        return Err("a `# unsupported:` marker at the end of the file marks nothing".into());
    }
    Ok(records)
}

fn is_sqlstate(code: &str) -> bool {
    code.len() == 5
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// The corpus directory.
fn corpus_dir() -> PathBuf {
    workspace_root().join("tests").join("slt")
}

fn read_records(relative: &str) -> Vec<Record> {
    let path = corpus_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One side of the comparison: a server and a session on it.
struct Side {
    conn: RawConn,
    renderer: Renderer,
}

impl Side {
    fn new(conn: RawConn) -> Side {
        let mut renderer = Renderer::default();
        renderer.hide_error_messages = true;
        Side { conn, renderer }
    }

    /// Runs one statement and renders what the corpus compares: RowDescription (names and type
    /// OIDs), DataRows, the command tag, the SQLSTATE and the transaction status.
    /// ParseComplete/BindComplete/NoData are left out, so both protocols read alike and an
    /// error raised at Bind instead of Execute (docs/compat.md) is the same outcome; for the
    /// same reason a RowDescription directly followed by an error is left out (PostgreSQL fails
    /// constant expressions at Bind, before Describe answers).
    /// Error messages come back apart, for reports, and are compared only when `messages` is set.
    async fn run(
        &mut self,
        mode: Mode,
        sql: &str,
        rowsort: bool,
        messages: bool,
    ) -> (Vec<String>, Vec<String>) {
        match mode {
            Mode::Simple => self.conn.send_query(sql),
            Mode::Extended => self.conn.send_extended(sql, &[]),
        }
        let replies = self.conn.read_until_ready().await;
        let out: Vec<String> = replies
            .iter()
            .filter(|m| {
                matches!(
                    m,
                    Message::RowDescription(_)
                        | Message::DataRow(_)
                        | Message::CommandComplete(_)
                        | Message::ErrorResponse(_)
                        | Message::EmptyQueryResponse
                        | Message::ReadyForQuery(_)
                )
            })
            .map(|m| self.renderer.render(m))
            .collect();
        let mut out: Vec<String> = out
            .iter()
            .enumerate()
            .filter(|(i, line)| {
                !(line.starts_with("RowDescription")
                    && out
                        .get(i + 1)
                        .is_some_and(|next| next.starts_with("Error ")))
            })
            .map(|(_, line)| line.clone())
            .collect();
        let messages_of_errors: Vec<String> = replies
            .iter()
            .filter_map(|m| match m {
                Message::ErrorResponse(body) => {
                    let f = error_fields(body.fields());
                    let detail = f.detail.map(|d| format!(" ({d})")).unwrap_or_default();
                    Some(format!("{} {}{detail}", f.code, f.message))
                }
                _ => None,
            })
            .collect();
        if rowsort {
            let rows: Vec<usize> = (0..out.len())
                .filter(|&i| out[i].starts_with("DataRow"))
                .collect();
            let mut sorted: Vec<String> = rows.iter().map(|&i| out[i].clone()).collect();
            sorted.sort();
            for (i, row) in rows.into_iter().zip(sorted) {
                out[i] = row;
            }
        }
        if messages {
            out.extend(messages_of_errors.iter().cloned());
        }
        (out, messages_of_errors)
    }
}

/// Why PostgreSQL's outcome contradicts a record's header, if it does.
fn header_contradiction(kind: &Kind, oracle: &[String]) -> Option<String> {
    let error = oracle.iter().find_map(|l| {
        l.strip_prefix("Error ")
            .or_else(|| l.strip_prefix("Fatal "))
    });
    let has_rows = oracle.iter().any(|l| l.starts_with("RowDescription"));
    match kind {
        Kind::StatementOk if error.is_some() || has_rows => {
            Some("`statement ok` but PostgreSQL answered with an error or rows".into())
        }
        Kind::StatementError { code, .. } if error != Some(code.as_str()) => Some(format!(
            "`statement error {code}` but PostgreSQL gave {}",
            error.unwrap_or("no error")
        )),
        Kind::Query { .. } if error.is_some() || !has_rows => {
            Some("`query` but PostgreSQL answered without a row set".into())
        }
        _ => None,
    }
}

/// One record's run in one protocol: what each side answered, as compared, and their error
/// messages (for the report only).
struct Exchange {
    mode: Mode,
    pg: Vec<String>,
    devdb: Vec<String>,
    pg_errors: Vec<String>,
    devdb_errors: Vec<String>,
}

/// Runs every record of one file in one protocol; returns exchanges in record order
/// (directives get none).
async fn run_mode(pg: &Postgres, records: &[Record], mode: Mode) -> Vec<Option<Exchange>> {
    let data_dir = tempfile::tempdir().expect("devdb data dir");
    let dir = data_dir.path().to_string_lossy().into_owned();
    let args = ["--data-dir", dir.as_str()];
    let database = pg.fresh_database("slt").await;
    let connect_oracle = || RawConn::startup(pg.host(), pg.port(), "postgres", &database, None);

    let mut devdb = DevDb::start(&args);
    let mut ours = Side::new(devdb.raw().await);
    let mut oracle = Side::new(connect_oracle().await);
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let messages = matches!(record.kind, Kind::StatementError { detail: true, .. });
        let rowsort = match record.kind {
            Kind::Restart | Kind::Reconnect => {
                drop(ours);
                if record.kind == Kind::Restart {
                    devdb.stop();
                    devdb = DevDb::start(&args);
                }
                ours = Side::new(devdb.raw().await);
                oracle = Side::new(connect_oracle().await);
                out.push(None);
                continue;
            }
            Kind::Query { rowsort } => rowsort,
            _ => false,
        };
        let (pg, pg_errors) = oracle.run(mode, &record.sql, rowsort, messages).await;
        let (devdb, devdb_errors) = ours.run(mode, &record.sql, rowsort, messages).await;
        out.push(Some(Exchange {
            mode,
            pg,
            devdb,
            pg_errors,
            devdb_errors,
        }));
    }
    // FIXME(devdb shutdown): a graceful stop after any SELECT takes 5 s (the shutdown
    // checkpoint waits out the busy timeout on devdb's own open reader), so the corpus, which
    // tests no shutdown, kills the server; `restart` records still stop it gracefully.
    devdb.kill();
    out
}

/// What one record's exchanges say about it.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Unmarked and matching, or marked and still differing: what the corpus claims is true.
    Holds,
    /// PostgreSQL's answer contradicts the record's header.
    CorpusError(String),
    /// Unmarked, and devdb differs from PostgreSQL in some protocol.
    Differs,
    /// Marked unsupported with this feature, yet devdb matches in every protocol.
    StaleMarker(String),
}

fn judge(record: &Record, exchanges: &[Exchange]) -> Verdict {
    if let Some(why) = exchanges
        .iter()
        .find_map(|x| header_contradiction(&record.kind, &x.pg))
    {
        return Verdict::CorpusError(why);
    }
    let matches = exchanges.iter().all(|x| x.pg == x.devdb);
    match (&record.unsupported, matches) {
        (None, false) => Verdict::Differs,
        (Some(feature), true) => Verdict::StaleMarker(feature.clone()),
        _ => Verdict::Holds,
    }
}

/// Runs one corpus file in both protocols and fails with every problem found: an unmarked
/// record that differs, a marked one that matches, a header PostgreSQL contradicts.
async fn run_file(relative: &str) {
    let records = read_records(relative);
    let Some(pg) = Postgres::start() else { return };
    let mut exchanges: Vec<Vec<Exchange>> = records.iter().map(|_| Vec::new()).collect();
    // The two protocols run side by side: separate devdb processes and oracle databases.
    let (simple, extended) = tokio::join!(
        run_mode(pg, &records, Mode::Simple),
        run_mode(pg, &records, Mode::Extended)
    );
    for results in [simple, extended] {
        for (slot, exchange) in exchanges.iter_mut().zip(results) {
            slot.extend(exchange);
        }
    }

    let update = std::env::var_os("UPDATE_MARKERS").is_some();
    let mut edits = Vec::new();
    let mut problems = String::new();
    let mut cases = 0;
    let mut matching = 0;
    for (record, exchanges) in records.iter().zip(&exchanges) {
        if record.kind.is_directive() {
            continue;
        }
        cases += 1;
        matching += usize::from(exchanges.iter().all(|x| x.pg == x.devdb));
        let verdict = match judge(record, exchanges) {
            Verdict::Holds => continue,
            Verdict::Differs if update => {
                edits.push(MarkerEdit::Add(record.line, first_difference(exchanges)));
                continue;
            }
            Verdict::StaleMarker(_) if update => {
                edits.extend(record.marker_line.map(MarkerEdit::Remove));
                continue;
            }
            Verdict::CorpusError(why) => format!("corpus error: {why}"),
            Verdict::Differs => "devdb differs from PostgreSQL".to_owned(),
            Verdict::StaleMarker(feature) => format!(
                "marked `# unsupported: {feature}` but devdb now matches PostgreSQL: \
                 remove the marker"
            ),
        };
        let _ = writeln!(problems, "{relative}:{}: {verdict}", record.line);
        let _ = write!(problems, "{}", indent(&record.sql, "    > "));
        for x in exchanges {
            let mode = x.mode;
            if x.pg == x.devdb {
                let _ = write!(problems, "  {mode:?}, both:\n{}", indent_lines(&x.pg));
            } else {
                let _ = write!(
                    problems,
                    "  {mode:?}, PostgreSQL:\n{}{}  {mode:?}, devdb:\n{}{}",
                    indent_lines(&x.pg),
                    indent_lines(&not_in(&x.pg_errors, &x.pg)),
                    indent_lines(&x.devdb),
                    indent_lines(&not_in(&x.devdb_errors, &x.devdb)),
                );
            }
        }
    }
    if !edits.is_empty() {
        update_markers(relative, &edits);
    }
    let marked = records.iter().filter(|r| r.unsupported.is_some()).count();
    let line = format!(
        "corpus {relative}: {cases} cases, {matching} match PostgreSQL, {marked} marked unsupported\n"
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    assert!(problems.is_empty(), "{line}{problems}");
}

/// A change `UPDATE_MARKERS=1` makes to a corpus file, by 1-based line.
enum MarkerEdit {
    /// Mark the record whose header is on this line `# unsupported: unclassified (<hint>)`,
    /// the hint being devdb's error or first differing line.
    Add(usize, String),
    /// Drop the marker on this line: its record now matches PostgreSQL.
    Remove(usize),
}

/// devdb's error message in the first protocol that differs, else its first differing line.
fn first_difference(exchanges: &[Exchange]) -> String {
    let Some(x) = exchanges.iter().find(|x| x.pg != x.devdb) else {
        return String::new();
    };
    if let Some(error) = x.devdb_errors.first() {
        return error.clone();
    }
    let line = x.pg.iter().zip(&x.devdb).find(|(p, d)| p != d);
    match line {
        Some((p, d)) => format!("{:?}: PostgreSQL {p}, devdb {d}", x.mode),
        None => format!("{:?}: a different number of messages", x.mode),
    }
}

/// Rewrites a corpus file with markers added and removed (expect-test style: the author then
/// names each `unclassified` feature).
fn update_markers(relative: &str, edits: &[MarkerEdit]) {
    let path = corpus_dir().join(relative);
    let text = std::fs::read_to_string(&path).expect("reading the corpus file");
    let mut out = String::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if edits
            .iter()
            .any(|e| matches!(e, MarkerEdit::Remove(l) if *l == number))
        {
            continue;
        }
        for edit in edits {
            if let MarkerEdit::Add(l, hint) = edit
                && *l == number
            {
                let hint = hint.replace('\n', " ");
                out.push_str(&format!("# unsupported: unclassified ({hint})\n"));
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

/// The error messages not already shown among the compared lines.
fn not_in(errors: &[String], compared: &[String]) -> Vec<String> {
    errors
        .iter()
        .filter(|e| !compared.contains(e))
        .cloned()
        .collect()
}

fn indent_lines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("      {l}\n")).collect()
}

/// One `#[tokio::test]` per corpus file, named after it, plus the list [`corpus_summary`]
/// checks against the directory so no file goes unrun.
macro_rules! corpus_files {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                run_file($file).await;
            }
        )*
        const CORPUS_FILES: &[&str] = &[$($file),*];
    };
}

corpus_files! {
    slt_ddl_create_table => "ddl/create_table.slt",
    slt_ddl_alter_table => "ddl/alter_table.slt",
    slt_ddl_constraints => "ddl/constraints.slt",
    slt_ddl_set_constraints => "ddl/set_constraints.slt",
    slt_ddl_not_valid_constraints => "ddl/not_valid_constraints.slt",
    slt_ddl_indexes => "ddl/indexes.slt",
    slt_ddl_exclusion_constraints => "ddl/exclusion_constraints.slt",
    slt_ddl_rename_constrained_columns => "ddl/rename_constrained_columns.slt",
    slt_ddl_index_methods => "ddl/index_methods.slt",
    slt_ddl_schemas_enums_views => "ddl/schemas_enums_views.slt",
    slt_ddl_materialized_views => "ddl/materialized_views.slt",
    slt_ddl_search_path => "ddl/search_path.slt",
    slt_ddl_temp_tables => "ddl/temp_tables.slt",
    slt_ddl_sequences_identity => "ddl/sequences_identity.slt",
    slt_ddl_sequence_bounds => "ddl/sequence_bounds.slt",
    slt_ddl_triggers => "ddl/triggers.slt",
    slt_ddl_sql_functions => "ddl/sql_functions.slt",
    slt_ddl_generated_columns => "ddl/generated_columns.slt",
    slt_ddl_renames => "ddl/renames.slt",
    slt_ddl_privileges => "ddl/privileges.slt",
    slt_dml_crud => "dml/crud.slt",
    slt_dml_lock_table => "dml/lock_table.slt",
    slt_dml_data_modifying_with => "dml/data_modifying_with.slt",
    slt_dml_forms => "dml/dml_forms.slt",
    slt_dml_transactions => "dml/transactions.slt",
    slt_errors_constraints => "errors/constraints.slt",
    slt_errors_names_and_types => "errors/names_and_types.slt",
    slt_json_operators => "json/operators.slt",
    slt_json_to_recordset => "json/to_recordset.slt",
    slt_queries_cursors => "queries/cursors.slt",
    slt_queries_dump_catalogs => "queries/dump_catalogs.slt",
    slt_queries_grouping_sets => "queries/grouping_sets.slt",
    slt_queries_introspection => "queries/introspection.slt",
    slt_queries_join_forms => "queries/join_forms.slt",
    slt_queries_prepare => "queries/prepare.slt",
    slt_queries_settings => "queries/settings.slt",
    slt_queries_pgcrypto => "queries/pgcrypto.slt",
    slt_queries_regex_functions => "queries/regex_functions.slt",
    slt_queries_select => "queries/select.slt",
    slt_queries_srf_select_list => "queries/srf_select_list.slt",
    slt_types_aggregates => "types/aggregates.slt",
    slt_types_arrays => "types/arrays.slt",
    slt_types_datetime => "types/datetime.slt",
    slt_types_intervals => "types/intervals.slt",
    slt_types_ranges => "types/ranges.slt",
    slt_types_datetime_input => "types/datetime_input.slt",
    slt_types_datetime_unknown_literals => "types/datetime_unknown_literals.slt",
    slt_types_scalar_functions => "types/scalar_functions.slt",
    slt_types_math_functions => "types/math_functions.slt",
    slt_types_string_functions => "types/string_functions.slt",
    slt_types_number_formatting => "types/number_formatting.slt",
    slt_queries_statistical_aggregates => "queries/statistical_aggregates.slt",
    slt_queries_distinct_by_value => "queries/distinct_by_value.slt",
    slt_types_numeric => "types/numeric.slt",
    slt_types_numeric_series => "types/numeric_series.slt",
    slt_types_scalars => "types/scalars.slt",
    slt_types_char => "types/char.slt",
    slt_types_full_text_search => "types/full_text_search.slt",
    // The migration set of issue 3: applied, re-applied where twice-safe, restarted.
    migration_set_applies_twice_and_survives_restart => "migrations/app_schema.slt",
    slt_migrations_orm_dialects => "migrations/orm_dialects.slt",
    slt_migrations_sqlalchemy => "migrations/sqlalchemy.slt",
    slt_migrations_sqlalchemy_reflection => "migrations/sqlalchemy_reflection.slt",
    slt_migrations_django_sequences => "migrations/django_sequences.slt",
    slt_migrations_node_orms => "migrations/node_orms.slt",
}

/// Every `.slt` file under `dir`, relative to the corpus root, sorted.
fn slt_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            slt_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "slt") {
            let relative = path.strip_prefix(root).expect("under the corpus root");
            out.push(relative.to_string_lossy().into_owned());
        }
    }
}

/// Counts the corpus (cases, matching, unsupported by feature) and checks every file on disk
/// has its test. The per-file tests prove the counts: an unmarked case that differs, or a
/// marked one that matches, fails its file's test.
#[test]
fn corpus_summary() {
    let root = corpus_dir();
    let mut on_disk = Vec::new();
    slt_files(&root, &root, &mut on_disk);
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS_FILES.iter().map(|f| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every tests/slt file needs a line in corpus_files! (tests/it/corpus.rs)"
    );

    let mut cases = 0;
    let mut by_feature: BTreeMap<String, usize> = BTreeMap::new();
    for file in CORPUS_FILES {
        for record in read_records(file) {
            if record.kind.is_directive() {
                continue;
            }
            cases += 1;
            if let Some(feature) = record.unsupported {
                *by_feature.entry(feature).or_default() += 1;
            }
        }
    }
    let marked: usize = by_feature.values().sum();
    let mut summary = format!(
        "corpus: {} files, {cases} cases, {} match PostgreSQL, {marked} marked unsupported\n",
        CORPUS_FILES.len(),
        cases - marked
    );
    for (feature, count) in &by_feature {
        let _ = writeln!(summary, "  unsupported {count:>4}  {feature}");
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), summary.as_bytes());
    assert!(cases > 0, "the corpus is empty");
}

#[test]
fn corpus_format_parses_headers_markers_and_sql() {
    let records = parse(
        "# a comment\nstatement ok\ncreate table t (a int)\n\n\
         # unsupported: arrays\nquery rowsort\nselect\n  1\n\n\
         statement error 42P01\nselect * from nope\n\n\
         statement error 23505 detail\ninsert into t values (1)\n\nrestart\n\nreconnect\n",
    )
    .expect("parses");
    let kinds: Vec<&Kind> = records.iter().map(|r| &r.kind).collect();
    assert_eq!(
        kinds,
        [
            &Kind::StatementOk,
            &Kind::Query { rowsort: true },
            &Kind::StatementError {
                code: "42P01".into(),
                detail: false
            },
            &Kind::StatementError {
                code: "23505".into(),
                detail: true
            },
            &Kind::Restart,
            &Kind::Reconnect,
        ]
    );
    assert_eq!(records[1].sql, "select\n  1");
    assert_eq!(records[1].unsupported.as_deref(), Some("arrays"));
    assert_eq!(records[1].line, 6);
    assert_eq!(records[0].unsupported, None);
    for bad in [
        "statement maybe\nselect 1\n",
        "query\n",
        "statement error 235\nselect 1\n",
        "# unsupported: x\n",
        "# unsupported:\nstatement ok\nselect 1\n",
        "restart\nselect 1\n",
        "# unsupported: x\nreconnect\n",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} should not parse");
    }
}

#[test]
fn verdicts_hold_the_corpus_to_its_claims() {
    let record = |header: &str, marker: Option<&str>| {
        let text = match marker {
            Some(feature) => format!("# unsupported: {feature}\n{header}\nselect 1\n"),
            None => format!("{header}\nselect 1\n"),
        };
        parse(&text).expect("parses").remove(0)
    };
    let lines = |ls: &[&str]| ls.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    let exchange = |mode, pg: &[&str], devdb: &[&str]| Exchange {
        mode,
        pg: lines(pg),
        devdb: lines(devdb),
        pg_errors: Vec::new(),
        devdb_errors: Vec::new(),
    };
    let ok = ["CommandComplete INSERT 0 1", "ReadyForQuery I"];
    let failed = ["Error 0A000", "ReadyForQuery I"];
    let both_match = [
        exchange(Mode::Simple, &ok, &ok),
        exchange(Mode::Extended, &ok, &ok),
    ];
    let extended_differs = [
        exchange(Mode::Simple, &ok, &ok),
        exchange(Mode::Extended, &ok, &failed),
    ];
    let unmarked = record("statement ok", None);
    let marked = record("statement ok", Some("enums"));
    assert_eq!(judge(&unmarked, &both_match), Verdict::Holds);
    assert_eq!(judge(&unmarked, &extended_differs), Verdict::Differs);
    assert_eq!(judge(&marked, &extended_differs), Verdict::Holds);
    assert_eq!(
        judge(&marked, &both_match),
        Verdict::StaleMarker("enums".into())
    );
    let wrong_header = record("statement error 23505", Some("enums"));
    assert!(matches!(
        judge(&wrong_header, &extended_differs),
        Verdict::CorpusError(_)
    ));
}
