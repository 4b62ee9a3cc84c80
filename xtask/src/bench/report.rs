//! Results: rows of samples per target, their medians and ratios, the table printed to stdout
//! and the JSON written to `target/bench/latest.json`. Everything here is pure, so it is what
//! the unit tests cover.

use std::fmt::Write as _;

/// Which direction is better for a row's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Throughput (tps, sessions/s, requests/s): the ratio is devdb / PostgreSQL.
    Higher,
    /// Time and memory: the ratio is PostgreSQL / devdb.
    Lower,
}

/// What the issue asks of devdb on a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The ratio (devdb better when > 1) must reach this.
    RatioAtLeast(f64),
    /// devdb's median must be below this, in the row's unit.
    DevdbBelow(f64),
    /// devdb's median must reach this, in the row's unit.
    DevdbAtLeast(f64),
    /// devdb must serve every session of every round.
    ZeroErrors,
}

impl Target {
    pub fn describe(self, unit: &str) -> String {
        match self {
            Target::RatioAtLeast(x) => format!(">= {x}x"),
            Target::DevdbBelow(x) => format!("< {x} {unit}"),
            Target::DevdbAtLeast(x) if unit == "x" => format!(">= {x}x (devdb)"),
            Target::DevdbAtLeast(x) => format!(">= {x} {unit} (devdb)"),
            Target::ZeroErrors => "0 errors".to_owned(),
        }
    }
}

/// One measurement of one target in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub value: f64,
    /// Sessions that failed inside the measurement (storm, idle connections).
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Sample {
    pub fn new(value: f64) -> Sample {
        Sample {
            value,
            errors: 0,
            first_error: None,
        }
    }
}

/// One target's result on one row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// One sample per round.
    Measured(Vec<Sample>),
    /// The target could not run the workload; the text says why ("unsupported: ...").
    Failed(String),
    /// The row does not apply to this target (initdb for devdb).
    NotApplicable,
}

impl Cell {
    pub fn median(&self) -> Option<f64> {
        match self {
            Cell::Measured(samples) => median(&samples.iter().map(|s| s.value).collect::<Vec<_>>()),
            Cell::Failed(_) | Cell::NotApplicable => None,
        }
    }

    /// Errors summed over all rounds.
    pub fn errors(&self) -> u64 {
        match self {
            Cell::Measured(samples) => samples.iter().map(|s| s.errors).sum(),
            Cell::Failed(_) | Cell::NotApplicable => 0,
        }
    }

    fn first_error(&self) -> Option<&str> {
        match self {
            Cell::Measured(samples) => samples.iter().find_map(|s| s.first_error.as_deref()),
            Cell::Failed(why) => Some(why),
            Cell::NotApplicable => None,
        }
    }
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub workload: String,
    pub unit: &'static str,
    pub better: Better,
    pub target: Option<Target>,
    pub devdb: Cell,
    pub postgres: Cell,
}

impl Row {
    /// > 1 means devdb is better, whichever direction the unit goes.
    pub fn ratio(&self) -> Option<f64> {
        ratio(self.better, self.devdb.median()?, self.postgres.median()?)
    }

    /// Whether devdb meets the issue's target; `None` when the row has none.
    pub fn target_met(&self) -> Option<bool> {
        Some(match self.target? {
            Target::RatioAtLeast(x) => self.ratio().is_some_and(|r| r >= x),
            Target::DevdbBelow(x) => self.devdb.median().is_some_and(|m| m < x),
            Target::DevdbAtLeast(x) => self.devdb.median().is_some_and(|m| m >= x),
            Target::ZeroErrors => {
                matches!(self.devdb, Cell::Measured(ref s) if !s.is_empty())
                    && self.devdb.errors() == 0
            }
        })
    }
}

/// The median; the mean of the middle two for an even count. `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// devdb over PostgreSQL for throughput, PostgreSQL over devdb for time and memory, so that
/// > 1 always means devdb is better. `None` when the divisor is zero.
pub fn ratio(better: Better, devdb: f64, postgres: f64) -> Option<f64> {
    let (num, den) = match better {
        Better::Higher => (devdb, postgres),
        Better::Lower => (postgres, devdb),
    };
    (den > 0.0 && num.is_finite()).then(|| num / den)
}

/// A value in its unit's usual precision.
pub fn format_value(unit: &str, value: f64) -> String {
    match unit {
        "ms" if value < 10.0 => format!("{value:.2}"),
        "ms" if value < 100.0 => format!("{value:.1}"),
        "x" => format!("{value:.2}"),
        "MiB" => format!("{value:.1}"),
        _ => format!("{value:.0}"),
    }
}

fn format_cell(unit: &str, cell: &Cell) -> String {
    match cell {
        Cell::Measured(_) => {
            let Some(m) = cell.median() else {
                return "-".to_owned();
            };
            let errors = cell.errors();
            if errors > 0 {
                format!("{} ({errors} errors)", format_value(unit, m))
            } else {
                format_value(unit, m)
            }
        }
        Cell::Failed(why) => shorten(why, 70),
        Cell::NotApplicable => "n/a".to_owned(),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 3).collect();
        format!("{cut}...")
    }
}

/// The results as a Markdown table (pastes into docs/performance.md as is), followed by the
/// full text of every error that the table shortened.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "workload",
        "unit",
        "devdb",
        "PostgreSQL 15",
        "ratio (>1 = devdb better)",
        "target",
    ];
    let body: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let target = match (row.target, row.target_met()) {
                (Some(t), Some(met)) => {
                    format!(
                        "{} {}",
                        t.describe(row.unit),
                        if met { "met" } else { "MISSED" }
                    )
                }
                _ => String::new(),
            };
            [
                row.workload.clone(),
                row.unit.to_owned(),
                format_cell(row.unit, &row.devdb),
                format_cell(row.unit, &row.postgres),
                row.ratio()
                    .map(|r| format!("{r:.2}x"))
                    .unwrap_or_else(|| "-".to_owned()),
                target,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for line in &body {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let write_line = |out: &mut String, cells: &[String]| {
        out.push('|');
        for (cell, w) in cells.iter().zip(widths) {
            let pad = w - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    write_line(&mut out, &header.map(str::to_owned));
    write_line(&mut out, &widths.map(|w| "-".repeat(w)));
    for line in &body {
        write_line(&mut out, line);
    }
    let mut notes = Vec::new();
    for row in rows {
        for (who, cell) in [("devdb", &row.devdb), ("PostgreSQL", &row.postgres)] {
            if let Some(e) = cell.first_error() {
                notes.push(format!("- {} / {who}: {e}", row.workload));
            }
        }
    }
    if !notes.is_empty() {
        out.push_str("\nErrors:\n");
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out
}

/// A JSON value, enough for the report without a serde dependency in xtask.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn object<const N: usize>(fields: [(&str, Json); N]) -> Json {
        Json::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    pub fn str(text: impl Into<String>) -> Json {
        Json::String(text.into())
    }

    fn opt_number(value: Option<f64>) -> Json {
        value.map_or(Json::Null, Json::Number)
    }

    /// Two-space indented text with a trailing newline.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) if n.is_finite() => {
                // Three decimals are plenty; integers print without a fraction.
                let rounded = (n * 1000.0).round() / 1000.0;
                let _ = write!(out, "{rounded}");
            }
            Json::Number(_) => out.push_str("null"),
            Json::String(s) => write_json_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str(&"  ".repeat(indent + 1));
                    item.write(out, indent + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str(&"  ".repeat(indent + 1));
                    write_json_string(out, key);
                    out.push_str(": ");
                    value.write(out, indent + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn cell_json(cell: &Cell) -> Json {
    match cell {
        Cell::Measured(samples) => Json::object([
            ("median", Json::opt_number(cell.median())),
            (
                "samples",
                Json::Array(samples.iter().map(|s| Json::Number(s.value)).collect()),
            ),
            ("errors", Json::Number(cell.errors() as f64)),
            (
                "first_error",
                cell.first_error().map_or(Json::Null, Json::str),
            ),
        ]),
        Cell::Failed(why) => Json::object([("error", Json::str(why.clone()))]),
        Cell::NotApplicable => Json::Null,
    }
}

/// One row as JSON: the workload, unit, both cells, the ratio and the target verdict.
pub fn row_json(row: &Row) -> Json {
    Json::object([
        ("workload", Json::str(row.workload.clone())),
        ("unit", Json::str(row.unit)),
        (
            "better",
            Json::str(match row.better {
                Better::Higher => "higher",
                Better::Lower => "lower",
            }),
        ),
        ("devdb", cell_json(&row.devdb)),
        ("postgres", cell_json(&row.postgres)),
        ("ratio", Json::opt_number(row.ratio())),
        (
            "target",
            match row.target {
                Some(t) => Json::object([
                    ("goal", Json::str(t.describe(row.unit))),
                    ("met", row.target_met().map_or(Json::Null, Json::Bool)),
                ]),
                None => Json::Null,
            },
        ),
    ])
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (civil-from-days, H. Hinnant).
pub fn utc_timestamp(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
