//! The pure parts of the bench: pgbench's report, medians, ratios, targets, the table and the
//! JSON shape, `/proc` parsing and bench-client's output. No servers are started here.

use super::databases::{self, Pair, PairLoad, Template};
use super::pgbench::{self, Script};
use super::report::{self, Better, Cell, Json, Row, Sample, Target};
use super::{Settings, Workload, plan, selected};
use crate::servers;

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

fn settings(quick: bool) -> Settings {
    Settings::from(&super::Options {
        quick,
        rounds: None,
        seconds: None,
        only: None,
    })
}

#[test]
fn database_rows_are_planned_with_the_issue_targets() {
    let rows = plan(&settings(false));
    let target_of = |w: Workload| {
        rows.iter()
            .find(|(x, _)| *x == w)
            .map(|(_, r)| r.target)
            .unwrap_or_else(|| panic!("no row for {w:?}"))
    };
    assert_eq!(
        target_of(Workload::CreateDatabase(Template::Pgbench)),
        Some(Target::RatioAtLeast(10.0))
    );
    assert_eq!(
        target_of(Workload::CreateDatabase(Template::Seeded)),
        Some(Target::DevdbBelow(2.0))
    );
    for t in [Template::Pgbench, Template::Seeded] {
        assert_eq!(
            target_of(Workload::DropDatabase(t)),
            Some(Target::DevdbBelow(2.0))
        );
    }
    assert_eq!(
        target_of(Workload::ParallelDatabases { clients: 32 }),
        Some(Target::ZeroErrors)
    );
    assert_eq!(
        target_of(Workload::TwoDatabases(PairLoad::SelectOnly, Pair::Scaling)),
        Some(Target::DevdbAtLeast(1.8))
    );
    let full = settings(false);
    assert_eq!((full.template_repeat, full.parallel_clients), (5, 32));
    let quick = settings(true);
    assert_eq!((quick.template_repeat, quick.parallel_clients), (2, 8));
    assert!(
        plan(&quick)
            .iter()
            .any(|(w, _)| *w == Workload::ParallelDatabases { clients: 8 })
    );
}

#[test]
fn only_selects_by_group_or_name() {
    let rows = plan(&settings(false));
    let pick = |pattern: &str| -> Vec<Workload> {
        rows.iter()
            .filter(|(w, r)| selected(*w, &r.workload, pattern))
            .map(|(w, _)| *w)
            .collect()
    };
    let databases = pick("databases");
    assert_eq!(databases.len(), 11, "{databases:?}");
    assert!(databases.iter().all(|w| w.is_database_row()));
    assert_eq!(pick("DATABASES"), databases);
    // A name fragment still works, across groups.
    assert_eq!(pick("select-only -M simple").len(), 2);
    assert_eq!(pick("drop database").len(), 2);
    assert_eq!(pick("memory").len(), 4);
    assert!(pick("no such row").is_empty());
}

#[test]
fn seeded_template_has_5000_rows_in_indexed_tables() {
    let total: u32 = databases::SEEDED.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 5000);
    let sql = databases::seed_statements();
    for (table, rows) in databases::SEEDED {
        assert!(
            sql.iter()
                .any(|s| s.starts_with(&format!("create table {table} ("))),
            "{sql:#?}"
        );
        assert!(
            sql.iter()
                .any(|s| s.starts_with(&format!("insert into {table} "))
                    && s.ends_with(&format!("generate_series(1, {rows}) g"))),
            "{sql:#?}"
        );
    }
    assert!(sql.iter().filter(|s| s.starts_with("create index")).count() >= 2);
    // bench-client parallel's statements need these columns.
    assert!(sql[0].contains("email text not null unique"));
    assert!(sql[1].contains("published boolean"));
}

#[test]
fn template_timings_from_bench_client() {
    assert_eq!(
        databases::template_timings("create_ms=1.5,2.25\ndrop_ms=0.5,0.75\n"),
        Ok(databases::Timings {
            create: vec![1.5, 2.25],
            drop: vec![0.5, 0.75],
            note: None,
        })
    );
    let with_note =
        databases::template_timings("note=could not check for sessions\ncreate_ms=3\ndrop_ms=1\n");
    assert_eq!(
        with_note.map(|t| t.note),
        Ok(Some("could not check for sessions".to_owned()))
    );
    assert_eq!(
        databases::template_timings(
            "error=create database c_0 template t: source database \"t\" is being accessed by other users (55006)\n"
        ),
        Err("create database c_0 template t: source database \"t\" is being accessed by other users (55006)".to_owned())
    );
    assert_eq!(
        databases::template_timings("create_ms=1\n"),
        Err("bench-client printed no drop_ms=".to_owned())
    );
    assert!(databases::template_timings("create_ms=1,x\ndrop_ms=1\n").is_err());
    assert_eq!(databases::parse_list(""), Ok(vec![]));
}

#[test]
fn two_databases_samples_and_verdict() {
    let [one, both, scaling] = databases::pair_samples(20_000.0, 18_000.0, 17_000.0);
    assert_eq!(
        (one.value, both.value, scaling.value),
        (20_000.0, 35_000.0, 1.75)
    );
    assert!(databases::pair_samples(0.0, 1.0, 1.0)[2].value.is_nan());
    let r = |devdb: &[f64]| Row {
        workload: "2 / 1".to_owned(),
        unit: "x",
        better: Better::Higher,
        target: Some(Target::DevdbAtLeast(1.8)),
        devdb: measured(devdb),
        postgres: measured(&[1.1]),
    };
    assert_eq!(r(&[1.9, 1.7, 1.85]).target_met(), Some(true));
    assert_eq!(r(&[1.2]).target_met(), Some(false));
    assert_eq!(
        Target::DevdbAtLeast(1.8).describe("x"),
        ">= 1.8x (devdb)".to_owned()
    );
    assert_eq!(report::format_value("x", 1.754), "1.75");
    assert_eq!(report::format_value("ms", 0.734), "0.73");
    assert_eq!(report::format_value("ms", 18.44), "18.4");
}

#[test]
fn pgbench_runs_on_the_named_database() {
    let command = pgbench::command(
        std::path::Path::new("pgbench"),
        5432,
        "bench_two_a",
        &["-S".to_owned()],
    );
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        args.join(" "),
        "-h 127.0.0.1 -p 5432 -U postgres -S bench_two_a"
    );
}

#[test]
fn cpu_time_parsing() {
    let stat = "4242 (devdb (db 1)) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 9 0";
    assert_eq!(servers::stat_cpu_ticks(stat), Some(1234 + 567));
    let proc_stat = "cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n";
    assert_eq!(servers::proc_stat_ticks(proc_stat), Some((160, 980)));
    assert_eq!(
        servers::cpu_use(
            2.0,
            (Some(100), Some(300)),
            (Some((0, 100)), Some((150, 300)))
        ),
        "server 100% of a core, machine 75% busy"
    );
    assert_eq!(servers::cpu_use(2.0, (None, None), (None, None)), "");
}

#[test]
fn two_database_rows_run_select_only_and_the_range_scan() {
    for load in PairLoad::ALL {
        for pair in [Pair::One, Pair::Both, Pair::Scaling] {
            assert!(
                plan(&settings(false))
                    .iter()
                    .any(|(w, _)| *w == Workload::TwoDatabases(load, pair)),
                "{load:?} {pair:?}"
            );
        }
    }
    let select_only = PairLoad::SelectOnly.run().args(5);
    assert!(select_only.contains(&"-S".to_owned()));
    // The range scan's script comes with -f; one client keeps the client's share small.
    let range = PairLoad::RangeScan.run();
    assert_eq!(range.clients, 1);
    assert!(!range.args(5).contains(&"-S".to_owned()));
    assert!(databases::RANGE_SCAN.starts_with("\\set a random(1, "));
}
