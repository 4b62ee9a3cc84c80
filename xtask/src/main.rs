//! devdb's tooling in Rust: `cargo xtask test`, `cargo xtask bench`, `cargo xtask fuzz`,
//! `cargo xtask codegen`.

mod bench;
mod clients;
mod codegen;
mod fuzz;
mod pg;
mod servers;
mod test;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Everything CI checks: fmt, clippy, codegen --check, the test suite, client suites.
    Test {
        /// Skip rustfmt and clippy, for local iteration.
        #[arg(long)]
        quick: bool,
        /// Only the real-client suites under tests/clients (against PostgreSQL 15 and devdb).
        #[arg(long)]
        clients: bool,
        /// Only this client suite (`node` or `python`); implies --clients.
        #[arg(long, value_name = "SUITE")]
        suite: Option<String>,
        /// Passed to the test runner (nextest or cargo test), e.g. a test name filter.
        #[arg(last = true)]
        test_args: Vec<String>,
    },
    /// devdb against a throwaway PostgreSQL 15, same workloads, interleaved; prints a table
    /// and writes target/bench/latest.json (see docs/performance.md).
    Bench {
        /// About a second per row, one round, a 100-session storm: checks the harness works.
        #[arg(long)]
        quick: bool,
        /// Rounds per row; the table shows medians (default 3, --quick 1).
        #[arg(long)]
        rounds: Option<usize>,
        /// Seconds per pgbench and ORM run (default 5, --quick 1).
        #[arg(long)]
        seconds: Option<u32>,
        /// Only the rows whose name contains PATTERN (case-insensitive), e.g. "select-only".
        #[arg(long, value_name = "PATTERN")]
        only: Option<String>,
    },
    /// Fuzz a target (frames, startup, translate) with cargo-fuzz; needs nightly, else runs the
    /// stable no-panic property tests.
    Fuzz {
        #[arg(default_value = "frames")]
        target: String,
        /// Passed to `cargo fuzz run` (e.g. `-- -max_total_time=60`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Regenerate generated sources (SQLSTATE codes); --check fails if they are stale.
    Codegen {
        #[arg(long)]
        check: bool,
    },
}

fn main() {
    if let Err(e) = run(Cli::parse().task) {
        // One line with the cause chain; a backtrace of xtask itself helps nobody.
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(task: Task) -> Result<()> {
    let root = project_root();
    match task {
        Task::Test {
            quick,
            clients,
            suite,
            test_args,
        } => test::run(
            &root,
            &test::Options {
                quick,
                clients_only: clients || suite.is_some(),
                suite,
                test_args,
            },
        ),
        Task::Bench {
            quick,
            rounds,
            seconds,
            only,
        } => bench::run(
            &root,
            &bench::Options {
                quick,
                rounds,
                seconds,
                only,
            },
        ),
        Task::Fuzz { target, args } => fuzz::run(&root, &target, &args),
        Task::Codegen { check } => codegen::run(&root, check),
    }
}

/// The workspace root, one level above this crate.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
