//! `cargo xtask bench`: devdb against a throwaway PostgreSQL 15 on the same machine, the same
//! workloads on both, interleaved (devdb, PostgreSQL, devdb, PostgreSQL, ... one sample each
//! per round), medians compared. Prints one Markdown table and writes
//! `target/bench/latest.json` so runs can be compared.
//!
//! The rows are listed in [`plan`]. pgbench drives the throughput rows; `bench-client` (a
//! tokio-postgres program in this workspace) drives what pgbench cannot: the connection storm,
//! idle connections held open, start-to-first-query timing and the ORM-shaped workload. A
//! workload devdb rejects is reported as its error text ("unsupported: ...") and the
//! benchmark goes on; numbers are never asserted here.
//!
//! Modules: [`crate::servers`] starts and measures the servers, [`pgbench`] builds and reads pgbench
//! runs, [`databases`] sets up and measures the CREATE/DROP DATABASE rows, [`report`] holds the
//! pure parts (medians, ratios, table, JSON).

mod databases;
mod pgbench;
mod report;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::servers::{self, DevDb, Held, Postgres};
use databases::{Pair, PairLoad, Template};
use pgbench::Script;
use report::{Better, Cell, Json, Row, Sample, Target};

/// Flags of `cargo xtask bench`.
pub struct Options {
    /// About a second per row, one round, 100-session storm: checks the harness works.
    pub quick: bool,
    /// Rounds per row (default 3, quick 1).
    pub rounds: Option<usize>,
    /// Seconds per pgbench and ORM run (default 5, quick 1).
    pub seconds: Option<u32>,
    /// Only rows whose name contains this, or of the group so named (case-insensitive).
    pub only: Option<String>,
}

/// The sizes a run uses, from the flags.
#[derive(Clone, Copy, Debug)]
struct Settings {
    quick: bool,
    rounds: usize,
    seconds: u32,
    /// Sessions in the connection storm.
    storm: usize,
    /// Idle connections held open for the memory row.
    idle_connections: usize,
    /// CREATE DATABASE / DROP DATABASE pairs per server per round.
    template_repeat: usize,
    /// Clients each creating, using and dropping their own database at once.
    parallel_clients: usize,
}

impl Settings {
    fn from(options: &Options) -> Settings {
        let quick = options.quick;
        Settings {
            quick,
            rounds: options.rounds.unwrap_or(if quick { 1 } else { 3 }).max(1),
            seconds: options.seconds.unwrap_or(if quick { 1 } else { 5 }).max(1),
            storm: if quick { 100 } else { 1000 },
            idle_connections: if quick { 100 } else { 1000 },
            template_repeat: if quick { 2 } else { 5 },
            parallel_clients: if quick { 8 } else { 32 },
        }
    }
}

/// What a row runs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Workload {
    Pgbench(pgbench::Run),
    Storm,
    Orm {
        clients: usize,
    },
    FirstQuery,
    Initdb,
    RssIdle,
    PssIdle,
    RssHeld,
    PssHeld,
    /// `CREATE DATABASE copy TEMPLATE t`, from a session on `postgres`.
    CreateDatabase(Template),
    /// `DROP DATABASE copy` of a copy of the template.
    DropDatabase(Template),
    /// Clients each creating, using and dropping their own database, all at once.
    ParallelDatabases {
        clients: usize,
    },
    /// pgbench on one database alone and on two at once.
    TwoDatabases(PairLoad, Pair),
}

impl Workload {
    /// The group `--only` also selects by: pgbench, connections, orm, startup, memory,
    /// databases.
    fn group(self) -> &'static str {
        match self {
            Workload::Pgbench(_) => "pgbench",
            Workload::Storm => "connections",
            Workload::Orm { .. } => "orm",
            Workload::FirstQuery | Workload::Initdb => "startup",
            Workload::RssIdle | Workload::PssIdle | Workload::RssHeld | Workload::PssHeld => {
                "memory"
            }
            Workload::CreateDatabase(_)
            | Workload::DropDatabase(_)
            | Workload::ParallelDatabases { .. }
            | Workload::TwoDatabases(..) => "databases",
        }
    }

    fn is_database_row(self) -> bool {
        self.group() == "databases"
    }
}

/// Whether `--only PATTERN` keeps a row: its group is PATTERN, or its name contains it
/// (case-insensitive both).
fn selected(workload: Workload, name: &str, pattern: &str) -> bool {
    let pattern = pattern.to_lowercase();
    workload.group() == pattern || name.to_lowercase().contains(&pattern)
}

/// The rows, in the order of the table.
fn plan(settings: &Settings) -> Vec<(Workload, Row)> {
    let row = |workload: String, unit, better, target| Row {
        workload,
        unit,
        better,
        target,
        devdb: Cell::Measured(Vec::new()),
        postgres: Cell::Measured(Vec::new()),
    };
    let mut rows = Vec::new();
    for (mode, target) in [("simple", 1.5), ("extended", 1.5), ("prepared", 1.0)] {
        for clients in [1, 4] {
            let run = pgbench::Run {
                script: Script::SelectOnly,
                mode,
                clients,
                connect_each: false,
            };
            rows.push((
                Workload::Pgbench(run),
                row(
                    format!("select-only -M {mode}, {}", clients_text(run)),
                    "tps",
                    Better::Higher,
                    Some(Target::RatioAtLeast(target)),
                ),
            ));
        }
    }
    let tpcb = pgbench::Run {
        script: Script::TpcbLike,
        mode: "prepared",
        clients: 4,
        connect_each: false,
    };
    rows.push((
        Workload::Pgbench(tpcb),
        row(
            format!("TPC-B-like -M prepared, {}", clients_text(tpcb)),
            "tps",
            Better::Higher,
            Some(Target::RatioAtLeast(1.0)),
        ),
    ));
    for clients in [3, 30] {
        let churn = pgbench::Run {
            script: Script::SelectOnly,
            mode: "simple",
            clients,
            connect_each: true,
        };
        rows.push((
            Workload::Pgbench(churn),
            row(
                format!("session churn -C -S, {}", clients_text(churn)),
                "sessions/s",
                Better::Higher,
                Some(Target::RatioAtLeast(10.0)),
            ),
        ));
    }
    rows.push((
        Workload::Storm,
        row(
            format!(
                "storm: {} concurrent connect-query-disconnect",
                settings.storm
            ),
            "ms",
            Better::Lower,
            Some(Target::ZeroErrors),
        ),
    ));
    rows.push((
        Workload::Orm { clients: 8 },
        row(
            "ORM-shaped (tokio-postgres), 8 clients".to_owned(),
            "requests/s",
            Better::Higher,
            None,
        ),
    ));
    rows.push((
        Workload::FirstQuery,
        row(
            "process start to first query".to_owned(),
            "ms",
            Better::Lower,
            Some(Target::DevdbBelow(50.0)),
        ),
    ));
    let mut initdb = row(
        "initdb (PostgreSQL only)".to_owned(),
        "ms",
        Better::Lower,
        None,
    );
    initdb.devdb = Cell::NotApplicable;
    rows.push((Workload::Initdb, initdb));
    rows.push((
        Workload::RssIdle,
        row(
            "resident memory, idle after start".to_owned(),
            "MiB",
            Better::Lower,
            Some(Target::DevdbBelow(30.0)),
        ),
    ));
    rows.push((
        Workload::PssIdle,
        row(
            "proportional memory (PSS), idle after start".to_owned(),
            "MiB",
            Better::Lower,
            None,
        ),
    ));
    rows.push((
        Workload::RssHeld,
        row(
            format!(
                "resident memory, {} idle connections",
                settings.idle_connections
            ),
            "MiB",
            Better::Lower,
            Some(Target::DevdbBelow(150.0)),
        ),
    ));
    rows.push((
        Workload::PssHeld,
        row(
            format!(
                "proportional memory (PSS), {} idle connections",
                settings.idle_connections
            ),
            "MiB",
            Better::Lower,
            None,
        ),
    ));
    for (template, target) in [
        (Template::Pgbench, Target::RatioAtLeast(10.0)),
        (Template::Seeded, Target::DevdbBelow(2.0)),
    ] {
        rows.push((
            Workload::CreateDatabase(template),
            row(
                format!("CREATE DATABASE ... TEMPLATE of {}", template.describe()),
                "ms",
                Better::Lower,
                Some(target),
            ),
        ));
    }
    for template in [Template::Pgbench, Template::Seeded] {
        rows.push((
            Workload::DropDatabase(template),
            row(
                format!(
                    "DROP DATABASE of a copy of the {}",
                    template.describe().trim_start_matches("a ")
                ),
                "ms",
                Better::Lower,
                Some(Target::DevdbBelow(2.0)),
            ),
        ));
    }
    rows.push((
        Workload::ParallelDatabases {
            clients: settings.parallel_clients,
        },
        row(
            format!(
                "{} clients at once each create, use, drop own database",
                settings.parallel_clients
            ),
            "ms",
            Better::Lower,
            Some(Target::ZeroErrors),
        ),
    ));
    for load in PairLoad::ALL {
        let what = load.describe();
        let pair = format!(
            "{what} -M prepared, {} per database",
            clients_text(load.run())
        );
        rows.push((
            Workload::TwoDatabases(load, Pair::One),
            row(
                format!("1 database alone: {pair}"),
                "tps",
                Better::Higher,
                None,
            ),
        ));
        rows.push((
            Workload::TwoDatabases(load, Pair::Both),
            row(
                format!("2 databases at once, summed: {pair}"),
                "tps",
                Better::Higher,
                None,
            ),
        ));
        rows.push((
            Workload::TwoDatabases(load, Pair::Scaling),
            row(
                format!("2 databases at once / 1 database alone, {what}"),
                "x",
                Better::Higher,
                Some(Target::DevdbAtLeast(1.8)),
            ),
        ));
    }
    rows
}

fn clients_text(run: pgbench::Run) -> String {
    match run.clients {
        1 => "1 client".to_owned(),
        n => format!("{n} clients (-j {})", run.threads()),
    }
}

/// Which server a sample is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    DevDb,
    Postgres,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::DevDb => "devdb",
            Side::Postgres => "PostgreSQL",
        }
    }
}

/// Paths and servers shared by the rows.
struct Bench {
    settings: Settings,
    devdb_bin: PathBuf,
    client_bin: PathBuf,
    pgbench: PathBuf,
    out_dir: PathBuf,
    started: Instant,
}

pub fn run(root: &Path, options: &Options) -> Result<()> {
    let started = Instant::now();
    // Other builds on a shared machine skew the numbers; the JSON records how busy it was.
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let settings = Settings::from(options);
    let mut rows = plan(&settings);
    if let Some(pattern) = &options.only {
        rows.retain(|(w, row)| selected(*w, &row.workload, pattern));
        if rows.is_empty() {
            let names: Vec<String> = plan(&settings)
                .into_iter()
                .map(|(w, r)| format!("  [{}] {}", w.group(), r.workload))
                .collect();
            bail!(
                "--only {pattern:?} matches no row or group; the rows are:\n{}",
                names.join("\n")
            );
        }
    }
    let has =
        |rows: &[(Workload, Row)], f: &dyn Fn(Workload) -> bool| rows.iter().any(|(w, _)| f(*w));

    eprintln!("==> cargo build --release -p devdb -p bench-client");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "-p", "devdb", "-p", "bench-client"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    let target_dir = target_dir(root);
    let out_dir = target_dir.join("bench");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let bench = Bench {
        settings,
        devdb_bin: target_dir.join("release/devdb"),
        client_bin: target_dir.join("release/bench-client"),
        pgbench: crate::pg::bin("pgbench"),
        out_dir,
        started,
    };
    for program in [
        crate::pg::bin("initdb"),
        crate::pg::bin("pg_ctl"),
        bench.pgbench.clone(),
    ] {
        if !program.is_file() {
            bail!(
                "{} not found: install postgresql-15 or set PG_BIN",
                program.display()
            );
        }
    }
    eprintln!(
        "==> {} round(s), {} s per pgbench/ORM run, storm of {}, {} idle connections",
        settings.rounds, settings.seconds, settings.storm, settings.idle_connections
    );

    bench.step("initdb");
    let (postgres, initdb_took) = Postgres::init()?;
    set_cell(
        &mut rows,
        Workload::Initdb,
        Side::Postgres,
        Cell::Measured(vec![Sample::new(ms(initdb_took))]),
    );

    if has(&rows, &|w| {
        matches!(
            w,
            Workload::FirstQuery | Workload::RssIdle | Workload::PssIdle
        )
    }) {
        bench.step("process start to first query, and memory when idle");
        bench.startup_rounds(&postgres, &mut rows)?;
    }
    if postgres.postmaster_pid().is_none() {
        postgres.start()?;
    }
    let devdb = DevDb::start(&bench.devdb_bin, &bench.out_dir.join("devdb.log"))?;
    eprintln!(
        "    devdb at {} (pid {}), PostgreSQL at {}",
        devdb.url,
        devdb.pid(),
        postgres.url()
    );

    let mut init_failed: [Option<String>; 2] = [None, None];
    if has(&rows, &|w| matches!(w, Workload::Pgbench(_))) {
        bench.step("pgbench -i -I dtGvp -s 1 -q");
        for (i, (side, port)) in [(Side::DevDb, devdb.port), (Side::Postgres, postgres.port)]
            .into_iter()
            .enumerate()
        {
            let args: Vec<String> = ["-i", "-I", "dtGvp", "-s", "1", "-q"]
                .map(str::to_owned)
                .into();
            let result = bench.pgbench_run(port, &args, Duration::from_secs(600));
            if let Err(e) = result {
                eprintln!("    {}: pgbench init failed: {e}", side.name());
                init_failed[i] = Some(format!("pgbench -i failed: {e}"));
            }
        }
    }

    for (workload, row) in rows.iter_mut() {
        let workload = *workload;
        let measure: Box<dyn FnMut(Side) -> Result<Sample, String> + '_> = match workload {
            Workload::Pgbench(run) => {
                if let Some(e) = &init_failed[0] {
                    row.devdb = Cell::Failed(e.clone());
                }
                if let Some(e) = &init_failed[1] {
                    row.postgres = Cell::Failed(e.clone());
                }
                let args = run.args(settings.seconds);
                let timeout = Duration::from_secs(u64::from(settings.seconds) + 120);
                let bench = &bench;
                let (devdb_port, pg_port) = (devdb.port, postgres.port);
                Box::new(move |side| {
                    let port = if side == Side::DevDb {
                        devdb_port
                    } else {
                        pg_port
                    };
                    bench.pgbench_run(port, &args, timeout).map(Sample::new)
                })
            }
            Workload::Storm => {
                let (bench, devdb_url, pg_url) = (&bench, devdb.url.clone(), postgres.url());
                Box::new(move |side| {
                    let url = if side == Side::DevDb {
                        &devdb_url
                    } else {
                        &pg_url
                    };
                    bench.storm(url)
                })
            }
            Workload::Orm { clients } => {
                let (bench, devdb_url, pg_url) = (&bench, devdb.url.clone(), postgres.url());
                Box::new(move |side| {
                    let url = if side == Side::DevDb {
                        &devdb_url
                    } else {
                        &pg_url
                    };
                    bench.orm(url, clients)
                })
            }
            // Measured in their own rounds.
            Workload::CreateDatabase(_)
            | Workload::DropDatabase(_)
            | Workload::ParallelDatabases { .. }
            | Workload::TwoDatabases(..)
            | Workload::FirstQuery
            | Workload::Initdb
            | Workload::RssIdle
            | Workload::PssIdle
            | Workload::RssHeld
            | Workload::PssHeld => continue,
        };
        bench.step(&row.workload);
        measure_row(row, settings.rounds, measure);
    }
    if has(&rows, &|w| {
        matches!(w, Workload::RssHeld | Workload::PssHeld)
    }) {
        bench.step(&format!(
            "memory with {} idle connections",
            settings.idle_connections
        ));
        bench.held_rounds(&devdb, &postgres, &mut rows);
    }
    // Last, so that the rows before are measured as they were before databases existed.
    if has(&rows, &|w| w.is_database_row()) {
        bench.database_rows(&devdb, &postgres, &mut rows);
    }

    devdb.stop()?;
    postgres.shut_down()?;

    let rows: Vec<Row> = rows.into_iter().map(|(_, row)| row).collect();
    let table = report::table(&rows);
    println!(
        "\nratio: devdb / PostgreSQL for throughput, PostgreSQL / devdb for time and memory; \
         > 1 means devdb is better. Medians of {} round(s).\n",
        settings.rounds
    );
    print!("{table}");
    let json = report_json(root, &settings, &rows, started.elapsed(), loadavg.trim());
    let path = bench.out_dir.join("latest.json");
    std::fs::write(&path, json.pretty()).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "\nwrote {} ({:.0} s)",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Rounds of devdb then PostgreSQL; a side that fails stops being measured on this row.
fn measure_row(
    row: &mut Row,
    rounds: usize,
    mut measure: impl FnMut(Side) -> Result<Sample, String>,
) {
    for round in 1..=rounds {
        for side in [Side::DevDb, Side::Postgres] {
            let cell = match side {
                Side::DevDb => &mut row.devdb,
                Side::Postgres => &mut row.postgres,
            };
            let Cell::Measured(samples) = cell else {
                continue;
            };
            match measure(side) {
                Ok(sample) => {
                    eprintln!(
                        "    round {round}/{rounds} {:<10} {} {}{}",
                        side.name(),
                        report::format_value(row.unit, sample.value),
                        row.unit,
                        if sample.errors > 0 {
                            format!(" ({} errors)", sample.errors)
                        } else {
                            String::new()
                        }
                    );
                    samples.push(sample);
                }
                Err(e) => {
                    eprintln!("    round {round}/{rounds} {:<10} {e}", side.name());
                    *cell = Cell::Failed(e);
                }
            }
        }
    }
}

fn has_row(rows: &[(Workload, Row)], f: impl Fn(Workload) -> bool) -> bool {
    rows.iter().any(|(w, _)| f(*w))
}

fn set_cell(rows: &mut [(Workload, Row)], workload: Workload, side: Side, cell: Cell) {
    for (w, row) in rows.iter_mut() {
        if *w == workload {
            match side {
                Side::DevDb => row.devdb = cell.clone(),
                Side::Postgres => row.postgres = cell.clone(),
            }
        }
    }
}

fn push_sample(
    rows: &mut [(Workload, Row)],
    workload: Workload,
    side: Side,
    sample: Result<Sample, String>,
) {
    for (w, row) in rows.iter_mut() {
        if *w != workload {
            continue;
        }
        let cell = match side {
            Side::DevDb => &mut row.devdb,
            Side::Postgres => &mut row.postgres,
        };
        if let Cell::Measured(samples) = cell {
            match &sample {
                Ok(s) => samples.push(s.clone()),
                Err(e) => *cell = Cell::Failed(e.clone()),
            }
        }
    }
}

/// Idle memory after a start goes to the VmRSS and the PSS rows.
fn push_memory(rows: &mut [(Workload, Row)], side: Side, memory: Result<servers::Memory, String>) {
    let pick = |f: fn(&servers::Memory) -> u64| {
        memory
            .as_ref()
            .map(|m| Sample::new(mib(f(m))))
            .map_err(Clone::clone)
    };
    push_sample(rows, Workload::RssIdle, side, pick(|m| m.rss));
    push_sample(rows, Workload::PssIdle, side, pick(|m| m.pss));
}

/// How long a settled server is left alone before its memory is read.
const SETTLE: Duration = Duration::from_millis(300);

impl Bench {
    /// Each round: devdb started by bench-client (spawn, readiness line, connect, `select 1`),
    /// then PostgreSQL (`pg_ctl start --no-wait` of the initdb'ed cluster, connect polled
    /// every millisecond, `select 1`). Idle memory is read after each start.
    fn startup_rounds(&self, postgres: &Postgres, rows: &mut [(Workload, Row)]) -> Result<()> {
        let rounds = self.settings.rounds;
        for round in 1..=rounds {
            // devdb
            let mut command = Command::new(&self.client_bin);
            command
                .args(["first-query", "--hold", "--"])
                .arg(&self.devdb_bin)
                .args(["serve", "--port", "0", "--max-connections"])
                .arg(servers::MAX_CONNECTIONS.to_string());
            let held = Held::start(&mut command, Duration::from_secs(120))?;
            let (first, memory) = match (held.get("error"), held.get("ms")) {
                (Some(e), _) => (Err(e.to_owned()), Err(e.to_owned())),
                (None, Some(ms)) => {
                    std::thread::sleep(SETTLE);
                    let memory = held
                        .get("child_pid")
                        .and_then(|p| p.parse().ok())
                        .and_then(servers::memory)
                        .ok_or_else(|| "could not read devdb's memory".to_owned());
                    (parse_number(ms).map(Sample::new), memory)
                }
                (None, None) => {
                    let e = "bench-client gave no start time".to_owned();
                    (Err(e.clone()), Err(e))
                }
            };
            held.release()?;
            log_sample(
                round,
                rounds,
                Side::DevDb,
                "start to first query",
                &first,
                "ms",
            );
            push_sample(rows, Workload::FirstQuery, Side::DevDb, first);
            push_memory(rows, Side::DevDb, memory);

            // PostgreSQL
            postgres.stop()?;
            let mut command = Command::new(&self.client_bin);
            command
                .args(["first-query", "--url", &postgres.url(), "--"])
                .args(postgres.start_argv(false));
            let first = servers::output_within(&mut command, Duration::from_secs(120))
                .map_err(|e| format!("{e:#}"))
                .and_then(|out| client_result(&out, "ms"));
            std::thread::sleep(SETTLE);
            let memory = postgres
                .postmaster_pid()
                .and_then(servers::memory_with_children)
                .ok_or_else(|| "could not read PostgreSQL's memory".to_owned());
            log_sample(
                round,
                rounds,
                Side::Postgres,
                "start to first query",
                &first,
                "ms",
            );
            push_sample(rows, Workload::FirstQuery, Side::Postgres, first);
            push_memory(rows, Side::Postgres, memory);
        }
        Ok(())
    }

    /// The CREATE/DROP DATABASE, parallel-databases and two-databases rows: their databases
    /// set up on both servers, then their rounds.
    fn database_rows(&self, devdb: &DevDb, postgres: &Postgres, rows: &mut [(Workload, Row)]) {
        let targets = [
            databases::Target {
                side: Side::DevDb,
                url: devdb.url.clone(),
                port: devdb.port,
                pid: Some(devdb.pid()),
            },
            databases::Target {
                side: Side::Postgres,
                url: postgres.url(),
                port: postgres.port,
                pid: None,
            },
        ];
        self.step("databases: templates (pgbench -i -s 1, 5,000 seeded rows) on both servers");
        for target in &targets {
            let failures = self.setup_databases(target, rows);
            for (workload, row) in rows.iter_mut() {
                if let Some(e) = failures.blocking(*workload) {
                    let cell = match target.side {
                        Side::DevDb => &mut row.devdb,
                        Side::Postgres => &mut row.postgres,
                    };
                    *cell = Cell::Failed(e.clone());
                }
            }
        }
        if has_row(rows, |w| {
            matches!(w, Workload::CreateDatabase(_) | Workload::DropDatabase(_))
        }) {
            self.step(&format!(
                "CREATE DATABASE ... TEMPLATE and DROP DATABASE, {} of each per round",
                self.settings.template_repeat
            ));
            self.template_rounds(&targets, rows);
        }
        for (workload, row) in rows.iter_mut() {
            let Workload::ParallelDatabases { clients } = *workload else {
                continue;
            };
            self.step(&row.workload);
            let mut round = 0;
            measure_row(row, self.settings.rounds, |side| {
                round += 1;
                let url = &targets[usize::from(side == Side::Postgres)].url;
                self.parallel(url, clients, round)
            });
        }
        for load in PairLoad::ALL {
            if has_row(
                rows,
                |w| matches!(w, Workload::TwoDatabases(l, _) if l == load),
            ) {
                self.step(&format!(
                    "one database alone, then two at once, under pgbench {} -M prepared",
                    load.describe()
                ));
                self.pair_rounds(load, &targets, rows);
            }
        }
    }

    fn pgbench_run(&self, port: u16, args: &[String], timeout: Duration) -> Result<f64, String> {
        self.pgbench_run_on(port, "postgres", args, timeout)
    }

    fn pgbench_run_on(
        &self,
        port: u16,
        database: &str,
        args: &[String],
        timeout: Duration,
    ) -> Result<f64, String> {
        let mut command = pgbench::command(&self.pgbench, port, database, args);
        let output = servers::output_within(&mut command, timeout).map_err(|e| format!("{e:#}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let is_init = args.first().is_some_and(|a| a == "-i");
        if is_init {
            return if output.status.success() {
                Ok(0.0)
            } else {
                Err(pgbench::parse_tps(&stdout, &stderr, false)
                    .err()
                    .unwrap_or_default())
            };
        }
        pgbench::parse_tps(&stdout, &stderr, output.status.success())
    }

    fn storm(&self, url: &str) -> Result<Sample, String> {
        let mut command = Command::new(&self.client_bin);
        command.args([
            "storm",
            "--url",
            url,
            "--sessions",
            &self.settings.storm.to_string(),
        ]);
        let output = servers::output_within(&mut command, Duration::from_secs(300))
            .map_err(|e| format!("{e:#}"))?;
        let value = client_result(&output, "elapsed_ms")?;
        let kv = servers::parse_kv(&String::from_utf8_lossy(&output.stdout));
        let get = |k: &str| kv.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        Ok(Sample {
            errors: get("errors").and_then(|e| e.parse().ok()).unwrap_or(0),
            first_error: get("first_error"),
            ..value
        })
    }

    fn orm(&self, url: &str, clients: usize) -> Result<Sample, String> {
        let mut command = Command::new(&self.client_bin);
        command.args([
            "orm",
            "--url",
            url,
            "--clients",
            &clients.to_string(),
            "--seconds",
            &self.settings.seconds.to_string(),
        ]);
        let timeout = Duration::from_secs(u64::from(self.settings.seconds) + 120);
        let output = servers::output_within(&mut command, timeout).map_err(|e| format!("{e:#}"))?;
        client_result(&output, "requests_per_sec")
    }

    /// Rounds of: open the idle connections, let the server settle, read its memory,
    /// release them; devdb first, then PostgreSQL.
    fn held_rounds(&self, devdb: &DevDb, postgres: &Postgres, rows: &mut [(Workload, Row)]) {
        let rounds = self.settings.rounds;
        for round in 1..=rounds {
            for side in [Side::DevDb, Side::Postgres] {
                let url = match side {
                    Side::DevDb => devdb.url.clone(),
                    Side::Postgres => postgres.url(),
                };
                let read = || match side {
                    Side::DevDb => servers::memory(devdb.pid()),
                    Side::Postgres => servers::memory_with_children(postgres.postmaster_pid()?),
                };
                let (rss, pss) = match self.held_memory(&url, read) {
                    Ok((m, errors, first_error)) => {
                        let sample = |bytes| Sample {
                            value: mib(bytes),
                            errors,
                            first_error: first_error.clone(),
                        };
                        (Ok(sample(m.rss)), Ok(sample(m.pss)))
                    }
                    Err(e) => (Err(e.clone()), Err(e)),
                };
                log_sample(round, rounds, side, "VmRSS", &rss, "MiB");
                push_sample(rows, Workload::RssHeld, side, rss);
                push_sample(rows, Workload::PssHeld, side, pss);
            }
        }
    }

    fn held_memory(
        &self,
        url: &str,
        read: impl Fn() -> Option<servers::Memory>,
    ) -> Result<(servers::Memory, u64, Option<String>), String> {
        let mut command = Command::new(&self.client_bin);
        command.args([
            "hold",
            "--url",
            url,
            "--connections",
            &self.settings.idle_connections.to_string(),
        ]);
        let held =
            Held::start(&mut command, Duration::from_secs(300)).map_err(|e| format!("{e:#}"))?;
        if let Some(e) = held.get("error") {
            return Err(e.to_owned());
        }
        std::thread::sleep(SETTLE);
        let memory = read().ok_or_else(|| "could not read the server's memory".to_owned());
        let errors = held.get("errors").and_then(|e| e.parse().ok()).unwrap_or(0);
        let first_error = held.get("first_error").map(str::to_owned);
        held.release().map_err(|e| format!("{e:#}"))?;
        // PostgreSQL's backends exit after their client has gone; let them, before the next.
        std::thread::sleep(Duration::from_millis(500));
        Ok((memory?, errors, first_error))
    }

    /// A progress line on stderr with the time since the start.
    fn step(&self, what: &str) {
        eprintln!(
            "==> [{:>5.1} s] {what}",
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// A bench-client result: its `error=` line, or the number under `key`.
fn client_result(output: &std::process::Output, key: &str) -> Result<Sample, String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let kv = servers::parse_kv(&stdout);
    let get = |k: &str| kv.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    if let Some(e) = get("error") {
        return Err(e);
    }
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "bench-client failed ({}): {}",
            output.status,
            stderr.trim()
        ));
    }
    let value = get(key).ok_or_else(|| format!("bench-client printed no {key}="))?;
    parse_number(&value).map(Sample::new)
}

fn parse_number(text: &str) -> Result<f64, String> {
    text.parse().map_err(|_| format!("not a number: {text:?}"))
}

fn log_sample(
    round: usize,
    rounds: usize,
    side: Side,
    what: &str,
    sample: &Result<Sample, String>,
    unit: &str,
) {
    match sample {
        Ok(s) => eprintln!(
            "    round {round}/{rounds} {:<10} {what}: {} {unit}",
            side.name(),
            report::format_value(unit, s.value)
        ),
        Err(e) => eprintln!("    round {round}/{rounds} {:<10} {what}: {e}", side.name()),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// `CARGO_TARGET_DIR` when set (relative to the workspace root), else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The whole report: how it was run, on what, and the rows.
fn report_json(
    root: &Path,
    settings: &Settings,
    rows: &[Row],
    took: Duration,
    loadavg: &str,
) -> Json {
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    Json::object([
        ("timestamp", Json::str(report::utc_timestamp(unix))),
        (
            "command",
            Json::str(format!("cargo xtask {}", args.join(" "))),
        ),
        ("machine", machine_json(root)),
        ("loadavg_at_start", Json::str(loadavg)),
        (
            "settings",
            Json::object([
                ("quick", Json::Bool(settings.quick)),
                ("rounds", Json::Number(settings.rounds as f64)),
                ("seconds_per_run", Json::Number(f64::from(settings.seconds))),
                ("storm_sessions", Json::Number(settings.storm as f64)),
                (
                    "idle_connections",
                    Json::Number(settings.idle_connections as f64),
                ),
                (
                    "template_repeat",
                    Json::Number(settings.template_repeat as f64),
                ),
                (
                    "parallel_clients",
                    Json::Number(settings.parallel_clients as f64),
                ),
            ]),
        ),
        ("wall_seconds", Json::Number(took.as_secs_f64())),
        (
            "rows",
            Json::Array(rows.iter().map(report::row_json).collect()),
        ),
    ])
}

fn machine_json(root: &Path) -> Json {
    let nproc = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok());
    let text = |program: &Path, args: &[&str]| {
        Command::new(program)
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let git = Path::new("git");
    let rev = text(git, &["rev-parse", "HEAD"]);
    // --no-optional-locks: reading the status must not rewrite the index.
    let dirty = text(git, &["--no-optional-locks", "status", "--porcelain"]).map(|s| !s.is_empty());
    let opt = |v: Option<String>| v.map_or(Json::Null, Json::String);
    Json::object([
        ("nproc", Json::Number(nproc as f64)),
        ("cpu", opt(cpu)),
        (
            "mem_total_mib",
            mem_kib.map_or(Json::Null, |k| Json::Number((k / 1024.0).round())),
        ),
        (
            "kernel",
            opt(std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .map(|s| s.trim().to_owned())),
        ),
        ("git_rev", opt(rev)),
        ("git_dirty", dirty.map_or(Json::Null, Json::Bool)),
        (
            "postgres",
            opt(text(&crate::pg::bin("postgres"), &["--version"])),
        ),
    ])
}
