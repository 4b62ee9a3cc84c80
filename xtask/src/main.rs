//! devdb's tooling in Rust: `cargo xtask codegen`.

mod codegen;
mod pg;

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
    /// Regenerate generated sources (SQLSTATE codes); --check fails if they are stale.
    Codegen {
        #[arg(long)]
        check: bool,
    },
}

fn main() -> Result<()> {
    let root = project_root();
    match Cli::parse().task {
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
