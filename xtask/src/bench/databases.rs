//! The database rows (issue 8): CREATE DATABASE ... TEMPLATE of a pgbench -s 1 and of a
//! 5,000-row seeded database, DROP DATABASE of the copies, many clients each creating, using
//! and dropping their own database at once, and two databases under pgbench load at once
//! against one alone.
//!
//! Every server gets the same template databases once ([`Bench::setup_databases`]); the rows
//! are then measured in interleaved rounds like the others. The SQL is timed inside
//! bench-client (`template`, `parallel`), so process start and connection set-up never count.

use std::process::Command;
use std::time::Duration;

use super::report::Sample;
use super::servers;
use super::{Bench, Row, Side, Workload, client_result, log_sample, parse_number, push_sample};

/// The template databases the create and drop rows copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// `pgbench -i -I dtGvp -s 1`: 100,000 accounts, about 11 MB as a SQLite file.
    Pgbench,
    /// [`SEEDED`]: three small tables with indexes, 5,000 rows in all.
    Seeded,
}

impl Template {
    pub fn name(self) -> &'static str {
        match self {
            Template::Pgbench => "bench_tpl_pgbench",
            Template::Seeded => "bench_tpl_seeded",
        }
    }

    /// How the row names it.
    pub fn describe(self) -> &'static str {
        match self {
            Template::Pgbench => "a pgbench -s 1 database",
            Template::Seeded => "a 5,000-row seeded database",
        }
    }
}

/// The three rows of the two-databases measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pair {
    /// One database alone: tps.
    One,
    /// Two databases at once, two pgbench processes: tps summed.
    Both,
    /// Both / One of the same round.
    Scaling,
}

/// The two pgbench-initialized databases of the two-databases rows.
pub const PAIR_DATABASES: [&str; 2] = ["bench_two_a", "bench_two_b"];

/// What the two-databases rows run on each database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairLoad {
    /// `pgbench -S -M prepared`, 4 clients: the row. On a 2-core machine the pgbench
    /// processes need about as much CPU as the server, so two at once cannot double.
    SelectOnly,
    /// [`RANGE_SCAN`], 1 client, `-M prepared`: each transaction costs the server far more than
    /// the client, so the row shows whether two databases use two cores.
    RangeScan,
}

/// The pgbench script of [`PairLoad::RangeScan`]: an aggregate over 1,000 accounts.
pub const RANGE_SCAN: &str = "\\set a random(1, 99001)\n\
    SELECT count(*), sum(abalance) FROM pgbench_accounts WHERE aid BETWEEN :a AND :a + 999;\n";

impl PairLoad {
    pub const ALL: [PairLoad; 2] = [PairLoad::SelectOnly, PairLoad::RangeScan];

    pub fn run(self) -> super::pgbench::Run {
        let (script, clients) = match self {
            PairLoad::SelectOnly => (super::pgbench::Script::SelectOnly, 4),
            PairLoad::RangeScan => (super::pgbench::Script::File, 1),
        };
        super::pgbench::Run {
            script,
            mode: "prepared",
            clients,
            connect_each: false,
        }
    }

    /// How the rows name it.
    pub fn describe(self) -> &'static str {
        match self {
            PairLoad::SelectOnly => "select-only",
            PairLoad::RangeScan => "1,000-row range aggregate",
        }
    }
}

/// The seeded template's tables and their row counts (5,000 in all).
pub const SEEDED: [(&str, u32); 3] = [("users", 1000), ("posts", 2500), ("comments", 1500)];

/// The statements that build the seeded template (run on that database): the shape of a small
/// app's test fixture, with serial keys, a unique index, secondary indexes, defaults.
pub fn seed_statements() -> Vec<String> {
    let [(_, users), (_, posts), (_, comments)] = SEEDED;
    vec![
        "create table users (id bigserial primary key, email text not null unique, \
         name text not null, created_at timestamptz not null default now())"
            .to_owned(),
        "create table posts (id bigserial primary key, user_id bigint not null, \
         title text not null, body text not null, published boolean not null default false)"
            .to_owned(),
        "create index posts_user_id on posts (user_id)".to_owned(),
        "create table comments (id bigserial primary key, post_id bigint not null, \
         author text not null, body text not null)"
            .to_owned(),
        "create index comments_post_id on comments (post_id)".to_owned(),
        format!(
            "insert into users (email, name) select 'user' || g || '@example.com', \
             'User ' || g from generate_series(1, {users}) g"
        ),
        format!(
            "insert into posts (user_id, title, body, published) select 1 + g % {users}, \
             'Post ' || g, repeat('lorem ipsum ', 8), g % 3 = 0 from generate_series(1, {posts}) g"
        ),
        format!(
            "insert into comments (post_id, author, body) select 1 + g % {posts}, \
             'author ' || (g % 97), 'comment ' || g from generate_series(1, {comments}) g"
        ),
    ]
}

/// `1.5,2,0.25` as numbers.
pub fn parse_list(text: &str) -> Result<Vec<f64>, String> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_number(s.trim()))
        .collect()
}

/// What each side's set-up left broken, per part; the rows needing a broken part fail.
#[derive(Clone, Debug, Default)]
pub struct SetupFailures {
    pub pgbench_template: Option<String>,
    pub seeded_template: Option<String>,
    pub pair: Option<String>,
}

impl SetupFailures {
    /// The failure that stops `workload`, if any.
    pub fn blocking(&self, workload: Workload) -> Option<&String> {
        match workload {
            Workload::CreateDatabase(Template::Pgbench)
            | Workload::DropDatabase(Template::Pgbench) => self.pgbench_template.as_ref(),
            Workload::CreateDatabase(Template::Seeded)
            | Workload::DropDatabase(Template::Seeded)
            | Workload::ParallelDatabases { .. } => self.seeded_template.as_ref(),
            Workload::TwoDatabases(..) => self.pair.as_ref(),
            _ => None,
        }
    }
}

/// Where one server is reached.
#[derive(Clone, Debug)]
pub struct Target {
    pub side: Side,
    pub url: String,
    pub port: u16,
    /// The server's process, when one process is the whole server (devdb): its CPU time is
    /// logged beside the two-databases runs.
    pub pid: Option<u32>,
}

fn needs(rows: &[(Workload, Row)], f: impl Fn(Workload) -> bool) -> bool {
    rows.iter().any(|(w, _)| f(*w))
}

fn uses_template(rows: &[(Workload, Row)], template: Template) -> bool {
    needs(rows, |w| match w {
        Workload::CreateDatabase(t) | Workload::DropDatabase(t) => t == template,
        Workload::ParallelDatabases { .. } => template == Template::Seeded,
        _ => false,
    })
}

impl Bench {
    /// Creates the databases the selected rows need on one server: the pgbench template
    /// (`pgbench -i -I dtGvp -s 1 -q`), the seeded template, the two pgbench databases.
    pub(super) fn setup_databases(
        &self,
        target: &Target,
        rows: &[(Workload, Row)],
    ) -> SetupFailures {
        let mut failures = SetupFailures::default();
        let init = ["-i", "-I", "dtGvp", "-s", "1", "-q"].map(str::to_owned);
        let pgbench_db = |name: &str| -> Result<(), String> {
            self.exec(
                &target.url,
                "postgres",
                &[format!("create database {name}")],
            )?;
            self.pgbench_run_on(target.port, name, &init, Duration::from_secs(600))
                .map(drop)
                .map_err(|e| format!("pgbench -i of {name} failed: {e}"))
        };
        if uses_template(rows, Template::Pgbench) {
            failures.pgbench_template = pgbench_db(Template::Pgbench.name()).err();
        }
        if uses_template(rows, Template::Seeded) {
            let name = Template::Seeded.name();
            failures.seeded_template = self
                .exec(
                    &target.url,
                    "postgres",
                    &[format!("create database {name}")],
                )
                .and_then(|()| self.exec(&target.url, name, &seed_statements()))
                .map_err(|e| format!("seeding {name} failed: {e}"))
                .err();
        }
        if needs(rows, |w| matches!(w, Workload::TwoDatabases(..))) {
            failures.pair = PAIR_DATABASES.iter().find_map(|db| pgbench_db(db).err());
        }
        for (what, failure) in [
            (Template::Pgbench.name(), &failures.pgbench_template),
            (Template::Seeded.name(), &failures.seeded_template),
            ("the two pgbench databases", &failures.pair),
        ] {
            if let Some(e) = failure {
                eprintln!("    {}: setting up {what} failed: {e}", target.side.name());
            }
        }
        failures
    }

    /// `bench-client exec`: statements in order on one database.
    fn exec(&self, url: &str, database: &str, statements: &[String]) -> Result<(), String> {
        let mut command = Command::new(&self.client_bin);
        command.args(["exec", "--url", url, "--database", database]);
        for sql in statements {
            command.arg("--sql").arg(sql);
        }
        let output = servers::output_within(&mut command, Duration::from_secs(300))
            .map_err(|e| format!("{e:#}"))?;
        client_result(&output, "statements").map(drop)
    }

    /// Rounds of CREATE DATABASE ... TEMPLATE then DROP DATABASE, `template_repeat` of each
    /// per server per round, devdb then PostgreSQL; every timing is a sample.
    pub(super) fn template_rounds(&self, targets: &[Target; 2], rows: &mut [(Workload, Row)]) {
        let rounds = self.settings.rounds;
        let repeat = self.settings.template_repeat;
        let mut notes_shown = std::collections::HashSet::new();
        for round in 1..=rounds {
            for target in targets {
                for template in [Template::Pgbench, Template::Seeded] {
                    let timed = needs(rows, |w| {
                        matches!(w, Workload::CreateDatabase(t) | Workload::DropDatabase(t)
                            if t == template)
                    });
                    if !timed {
                        continue;
                    }
                    let mut command = Command::new(&self.client_bin);
                    command.args(["template", "--url", &target.url, "--template"]);
                    command.arg(template.name());
                    command.arg("--prefix").arg(format!(
                        "bench_copy_{}_{round}",
                        match template {
                            Template::Pgbench => "pgbench",
                            Template::Seeded => "seeded",
                        }
                    ));
                    command.arg("--repeat").arg(repeat.to_string());
                    let timings = servers::output_within(&mut command, Duration::from_secs(600))
                        .map_err(|e| format!("{e:#}"))
                        .and_then(|output| {
                            if !output.status.success() {
                                return Err(format!(
                                    "bench-client failed ({}): {}",
                                    output.status,
                                    String::from_utf8_lossy(&output.stderr).trim()
                                ));
                            }
                            template_timings(&String::from_utf8_lossy(&output.stdout))
                        });
                    let (create, drop) = match timings {
                        Ok(t) => {
                            if let Some(note) = t.note
                                && notes_shown.insert((target.side.name(), note.clone()))
                            {
                                eprintln!("    {}: {note}", target.side.name());
                            }
                            (Ok(t.create), Ok(t.drop))
                        }
                        Err(e) => (Err(e.clone()), Err(e)),
                    };
                    for (workload, what, timings) in [
                        (Workload::CreateDatabase(template), "create", create),
                        (Workload::DropDatabase(template), "drop", drop),
                    ] {
                        let what = format!("{what} from {}", template.name());
                        match timings {
                            Ok(values) => {
                                let text: Vec<String> =
                                    values.iter().map(|v| format!("{v:.2}")).collect();
                                eprintln!(
                                    "    round {round}/{rounds} {:<10} {what}: {} ms",
                                    target.side.name(),
                                    text.join(", ")
                                );
                                for v in values {
                                    push_sample(rows, workload, target.side, Ok(Sample::new(v)));
                                }
                            }
                            Err(e) => {
                                log_sample(round, rounds, target.side, &what, &Err(e.clone()), "");
                                push_sample(rows, workload, target.side, Err(e));
                            }
                        }
                    }
                }
            }
        }
    }

    /// `bench-client parallel`: the clients each create, use and drop their own database.
    pub(super) fn parallel(
        &self,
        url: &str,
        clients: usize,
        round: usize,
    ) -> Result<Sample, String> {
        let mut command = Command::new(&self.client_bin);
        command.args([
            "parallel",
            "--url",
            url,
            "--template",
            Template::Seeded.name(),
        ]);
        command.arg("--prefix").arg(format!("bench_par_{round}"));
        command.arg("--clients").arg(clients.to_string());
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

    /// Rounds of: pgbench on one database alone, then on both at once (two processes);
    /// devdb then PostgreSQL.
    pub(super) fn pair_rounds(
        &self,
        load: PairLoad,
        targets: &[Target; 2],
        rows: &mut [(Workload, Row)],
    ) {
        let rounds = self.settings.rounds;
        let mut args = load.run().args(self.settings.seconds);
        if load == PairLoad::RangeScan {
            let script = self.out_dir.join("range-scan.sql");
            if let Err(e) = std::fs::write(&script, RANGE_SCAN) {
                eprintln!("    writing {} failed: {e}", script.display());
                return;
            }
            args.extend(["-f".to_owned(), script.display().to_string()]);
        }
        let timeout = Duration::from_secs(u64::from(self.settings.seconds) + 120);
        for round in 1..=rounds {
            for target in targets {
                // CPU use beside each run, for the log: a run the machine cannot double shows
                // up as a machine already busy with one database.
                let with_cpu = |run: &dyn Fn() -> Result<(f64, f64), String>| {
                    let start = std::time::Instant::now();
                    let (p0, m0) = (
                        target.pid.and_then(servers::cpu_ticks),
                        servers::machine_ticks(),
                    );
                    let result = run();
                    let (p1, m1) = (
                        target.pid.and_then(servers::cpu_ticks),
                        servers::machine_ticks(),
                    );
                    let cpu = servers::cpu_use(start.elapsed().as_secs_f64(), (p0, p1), (m0, m1));
                    (result, cpu)
                };
                let (one, cpu_one) = with_cpu(&|| {
                    self.pgbench_run_on(target.port, PAIR_DATABASES[0], &args, timeout)
                        .map(|tps| (tps, 0.0))
                });
                let one = one.map(|(tps, _)| tps);
                let pair = || {
                    let [a, b] = std::thread::scope(|scope| {
                        PAIR_DATABASES
                            .map(|db| {
                                let args = &args;
                                scope.spawn(move || {
                                    self.pgbench_run_on(target.port, db, args, timeout)
                                })
                            })
                            .map(|handle| {
                                handle
                                    .join()
                                    .unwrap_or_else(|_| Err("pgbench thread panicked".to_owned()))
                            })
                    });
                    Ok((a?, b?))
                };
                // The pair runs only after one database alone worked.
                let (both, cpu_both) = match &one {
                    Ok(_) => with_cpu(&pair),
                    Err(e) => (Err(e.clone()), String::new()),
                };
                let samples = match (one, both) {
                    (Ok(one), Ok((a, b))) => {
                        eprintln!(
                            "    round {round}/{rounds} {:<10} 1 database {one:.0} tps \
                             ({cpu_one}); 2 at once {a:.0} + {b:.0} tps ({cpu_both})",
                            target.side.name()
                        );
                        let s = pair_samples(one, a, b);
                        [Ok(s[0].clone()), Ok(s[1].clone()), Ok(s[2].clone())]
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        eprintln!("    round {round}/{rounds} {:<10} {e}", target.side.name());
                        [Err(e.clone()), Err(e.clone()), Err(e)]
                    }
                };
                for (pair, sample) in [Pair::One, Pair::Both, Pair::Scaling]
                    .into_iter()
                    .zip(samples)
                {
                    push_sample(
                        rows,
                        Workload::TwoDatabases(load, pair),
                        target.side,
                        sample,
                    );
                }
            }
        }
    }
}

/// One round of the two-databases rows: one database's tps, both summed, their ratio.
pub fn pair_samples(one: f64, a: f64, b: f64) -> [Sample; 3] {
    let both = a + b;
    let scaling = if one > 0.0 { both / one } else { f64::NAN };
    [Sample::new(one), Sample::new(both), Sample::new(scaling)]
}

/// bench-client template's output: its `error=`, or the `create_ms=` and `drop_ms=` lists
/// and the `note=` it left, if any.
pub fn template_timings(stdout: &str) -> Result<Timings, String> {
    let kv = servers::parse_kv(stdout);
    let get = |key: &str| kv.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if let Some(e) = get("error") {
        return Err(e);
    }
    let list = |key: &str| {
        get(key)
            .ok_or_else(|| format!("bench-client printed no {key}="))
            .and_then(|v| parse_list(&v))
    };
    Ok(Timings {
        create: list("create_ms")?,
        drop: list("drop_ms")?,
        note: get("note"),
    })
}

/// The timings of one `bench-client template` run, in ms.
#[derive(Clone, Debug, PartialEq)]
pub struct Timings {
    pub create: Vec<f64>,
    pub drop: Vec<f64>,
    pub note: Option<String>,
}
