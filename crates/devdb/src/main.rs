//! The `devdb` command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = devdb::cli::Cli::parse();
    match devdb::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("devdb: {err:#}");
            ExitCode::FAILURE
        }
    }
}
