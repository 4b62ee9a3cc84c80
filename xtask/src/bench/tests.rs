//! The pure parts of the bench: pgbench's report, medians, ratios, targets, the table and the
//! JSON shape, `/proc` parsing and bench-client's output. No servers are started here.

use super::pgbench::{self, Script};
use super::report::{self, Better, Cell, Json, Row, Sample, Target};
use super::servers;
use super::{Settings, Workload, plan};

const SELECT_ONLY: &str = "pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: <builtin: select only>
scaling factor: 1
query mode: extended
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 119804
number of failed transactions: 0 (0.000%)
latency average = 0.167 ms
initial connection time = 3.120 ms
tps = 23963.452138 (without initial connection time)
";

const CHURN: &str = "transaction type: <builtin: select only>
number of transactions actually processed: 1353
number of failed transactions: 0 (0.000%)
latency average = 11.088 ms
average connection time = 3.671 ms
tps = 270.558040 (including reconnection times)
";

const ABORTED_STDERR: &str = "pgbench: error: client 0 script 0 aborted in command 4 query 0: \
ERROR:  relation \"pgbench_accounts\" does not exist
pgbench: error: Run was aborted; the above results are incomplete.
";

#[test]
fn pgbench_tps_is_read_from_its_report() {
    assert_eq!(pgbench::parse_tps(SELECT_ONLY, "", true), Ok(23963.452138));
    assert_eq!(pgbench::parse_tps(CHURN, "", true), Ok(270.55804));
}

#[test]
fn pgbench_failure_gives_its_first_error_line() {
    let Err(err) = pgbench::parse_tps(
        "tps = 12.0 (without initial connection time)\n",
        ABORTED_STDERR,
        false,
    ) else {
        panic!("an aborted run must be an error");
    };
    assert!(err.starts_with("error: client 0 script 0 aborted"), "{err}");
    assert!(err.contains("pgbench_accounts"), "{err}");
    assert_eq!(
        pgbench::parse_tps("nothing here\n", "", true),
        Err("no tps line in pgbench's output".to_owned())
    );
}

#[test]
fn pgbench_arguments() {
    let run = pgbench::Run {
        script: Script::SelectOnly,
        mode: "prepared",
        clients: 4,
        connect_each: true,
    };
    assert_eq!(run.args(5).join(" "), "-n -T 5 -M prepared -c 4 -j 2 -S -C");
    let tpcb = pgbench::Run {
        script: Script::TpcbLike,
        mode: "simple",
        clients: 1,
        connect_each: false,
    };
    assert_eq!(tpcb.args(1).join(" "), "-n -T 1 -M simple -c 1 -j 1");
}

#[test]
fn median_of_odd_even_and_empty() {
    assert_eq!(report::median(&[3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(report::median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(report::median(&[7.0]), Some(7.0));
    assert_eq!(report::median(&[]), None);
    assert_eq!(report::median(&[f64::NAN, 1.0]), Some(1.0));
}

#[test]
fn ratio_above_one_means_devdb_is_better() {
    // Throughput: devdb / PostgreSQL.
    assert_eq!(report::ratio(Better::Higher, 30.0, 20.0), Some(1.5));
    // Time and memory: PostgreSQL / devdb.
    assert_eq!(report::ratio(Better::Lower, 10.0, 400.0), Some(40.0));
    assert_eq!(report::ratio(Better::Lower, 0.0, 400.0), None);
    assert_eq!(report::ratio(Better::Higher, 1.0, 0.0), None);
}

fn row(better: Better, target: Option<Target>, devdb: Cell, postgres: Cell) -> Row {
    Row {
        workload: "w".to_owned(),
        unit: "ms",
        better,
        target,
        devdb,
        postgres,
    }
}

fn measured(values: &[f64]) -> Cell {
    Cell::Measured(values.iter().map(|v| Sample::new(*v)).collect())
}

#[test]
fn targets_are_judged_from_medians() {
    let r = row(
        Better::Higher,
        Some(Target::RatioAtLeast(1.5)),
        measured(&[30.0, 10.0, 31.0]),
        measured(&[20.0, 20.0, 19.0]),
    );
    assert_eq!(r.ratio(), Some(1.5));
    assert_eq!(r.target_met(), Some(true));

    let r = row(
        Better::Lower,
        Some(Target::DevdbBelow(50.0)),
        measured(&[60.0]),
        measured(&[400.0]),
    );
    assert_eq!(r.target_met(), Some(false));

    let failed = row(
        Better::Higher,
        Some(Target::RatioAtLeast(1.0)),
        Cell::Failed("unsupported: json_agg".to_owned()),
        measured(&[1.0]),
    );
    assert_eq!(failed.ratio(), None);
    assert_eq!(failed.target_met(), Some(false));

    let storm = |errors| {
        row(
            Better::Lower,
            Some(Target::ZeroErrors),
            Cell::Measured(vec![Sample {
                value: 900.0,
                errors,
                first_error: None,
            }]),
            measured(&[3000.0]),
        )
    };
    assert_eq!(storm(0).target_met(), Some(true));
    assert_eq!(storm(2).target_met(), Some(false));
    assert_eq!(
        row(Better::Lower, None, measured(&[1.0]), measured(&[1.0])).target_met(),
        None
    );
}

#[test]
fn table_shows_values_errors_and_verdicts() {
    let rows = vec![
        Row {
            workload: "select-only -M simple, 1 client".to_owned(),
            unit: "tps",
            better: Better::Higher,
            target: Some(Target::RatioAtLeast(1.5)),
            devdb: measured(&[30000.4]),
            postgres: measured(&[20000.0]),
        },
        Row {
            workload: "ORM".to_owned(),
            unit: "requests/s",
            better: Better::Higher,
            target: None,
            devdb: Cell::Failed(
                "unsupported: upsert: ON CONFLICT is not supported (0A000)".to_owned(),
            ),
            postgres: measured(&[900.0]),
        },
        Row {
            workload: "initdb".to_owned(),
            unit: "ms",
            better: Better::Lower,
            target: None,
            devdb: Cell::NotApplicable,
            postgres: measured(&[1500.0]),
        },
    ];
    let table = report::table(&rows);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("| workload "), "{table}");
    assert!(lines[1].starts_with("| ---"), "{table}");
    assert!(
        lines[2].contains("| 30000 ")
            && lines[2].contains("| 1.50x ")
            && lines[2].contains(">= 1.5x met"),
        "{table}"
    );
    assert!(
        lines[3].contains("unsupported: upsert") && lines[3].contains("| - "),
        "{table}"
    );
    assert!(
        lines[4].contains("| n/a ") && lines[4].contains("| 1500 "),
        "{table}"
    );
    // Every line of the table has the same width.
    assert!(
        lines[..5]
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()),
        "{table}"
    );
    assert!(
        table.contains("Errors:\n- ORM / devdb: unsupported: upsert: ON CONFLICT"),
        "{table}"
    );
}

#[test]
fn json_shape_of_a_row() {
    let r = Row {
        workload: "storm: 100 \"sessions\"".to_owned(),
        unit: "ms",
        better: Better::Lower,
        target: Some(Target::ZeroErrors),
        devdb: Cell::Measured(vec![Sample {
            value: 12.3456,
            errors: 1,
            first_error: Some("connect: refused\n".to_owned()),
        }]),
        postgres: Cell::Failed("boom".to_owned()),
    };
    let expected = r#"{
  "workload": "storm: 100 \"sessions\"",
  "unit": "ms",
  "better": "lower",
  "devdb": {
    "median": 12.346,
    "samples": [
      12.346
    ],
    "errors": 1,
    "first_error": "connect: refused\n"
  },
  "postgres": {
    "error": "boom"
  },
  "ratio": null,
  "target": {
    "goal": "0 errors",
    "met": false
  }
}
"#;
    assert_eq!(report::row_json(&r).pretty(), expected);
}

#[test]
fn json_scalars() {
    assert_eq!(Json::Number(f64::NAN).pretty(), "null\n");
    assert_eq!(Json::Number(3.0).pretty(), "3\n");
    assert_eq!(Json::str("\u{1}").pretty(), "\"\\u0001\"\n");
    assert_eq!(Json::Array(vec![]).pretty(), "[]\n");
    assert_eq!(Json::Object(vec![]).pretty(), "{}\n");
}

#[test]
fn timestamps_are_utc() {
    assert_eq!(report::utc_timestamp(0), "1970-01-01T00:00:00Z");
    assert_eq!(report::utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(report::utc_timestamp(1_767_225_599), "2025-12-31T23:59:59Z");
}

#[test]
fn proc_parsing() {
    let status = "Name:\tpostgres\nVmPeak:\t  220000 kB\nVmRSS:\t   28672 kB\nThreads:\t1\n";
    assert_eq!(servers::kb_field(status, "VmRSS:"), Some(28672 * 1024));
    assert_eq!(servers::kb_field(status, "VmSwap:"), None);
    let rollup = "7ffc-7ffd ---p 00000000 00:00 0  [rollup]\nRss:  1788 kB\nPss:  394 kB\nPss_Dirty: 116 kB\n";
    assert_eq!(servers::kb_field(rollup, "Pss:"), Some(394 * 1024));
    let stat = "4242 (postgres: walwriter ) S 4200 4200 4200 0 -1 4194624";
    assert_eq!(servers::parent_of(stat), Some(4200));
}

#[test]
fn urls_and_client_lines() {
    assert_eq!(
        servers::port_of("postgres://postgres@127.0.0.1:54321/postgres"),
        Some(54321)
    );
    assert_eq!(servers::port_of("postgres://u:p@[::1]:5432/db"), Some(5432));
    assert_eq!(servers::port_of("postgres://127.0.0.1/db"), None);
    assert_eq!(
        servers::parse_kv("elapsed_ms=12.5\nerrors=0\nready\nfirst_error=a=b\n"),
        vec![
            ("elapsed_ms".to_owned(), "12.5".to_owned()),
            ("errors".to_owned(), "0".to_owned()),
            ("first_error".to_owned(), "a=b".to_owned()),
        ]
    );
}

#[test]
fn plan_has_every_row_of_the_issue() {
    let full = Settings::from(&super::Options {
        quick: false,
        rounds: None,
        seconds: None,
        only: None,
    });
    assert_eq!(
        (full.rounds, full.seconds, full.storm, full.idle_connections),
        (3, 5, 1000, 1000)
    );
    let rows = plan(&full);
    let names: Vec<&str> = rows.iter().map(|(_, r)| r.workload.as_str()).collect();
    let pgbench_rows = rows
        .iter()
        .filter(|(w, _)| matches!(w, Workload::Pgbench(_)))
        .count();
    assert_eq!(pgbench_rows, 9, "{names:#?}");
    assert!(
        names.contains(&"storm: 1000 concurrent connect-query-disconnect"),
        "{names:#?}"
    );
    assert!(
        names.contains(&"resident memory, 1000 idle connections"),
        "{names:#?}"
    );

    let quick = Settings::from(&super::Options {
        quick: true,
        rounds: None,
        seconds: None,
        only: None,
    });
    assert_eq!((quick.rounds, quick.seconds, quick.storm), (1, 1, 100));
}
