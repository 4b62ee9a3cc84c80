//! `cargo xtask fuzz [TARGET] [-- ARGS]`: runs a cargo-fuzz target (frames, startup, translate).
//! cargo-fuzz needs a nightly toolchain, which the machines here lack; without one this says so
//! loudly and runs the stable no-panic property tests that `cargo test` also runs.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub const TARGETS: &[&str] = &["frames", "startup", "translate"];

pub fn run(root: &Path, target: &str, args: &[String]) -> Result<()> {
    if !TARGETS.contains(&target) {
        bail!("unknown fuzz target {target:?}; one of {TARGETS:?}");
    }
    let nightly = Command::new("cargo")
        .args(["+nightly", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nightly || !fuzz {
        eprintln!("==================================================================");
        eprintln!("cargo fuzz needs a nightly toolchain and cargo-fuzz:");
        eprintln!("  nightly: {}, cargo-fuzz: {}", found(nightly), found(fuzz));
        eprintln!("running the stable no-panic property tests instead");
        eprintln!("==================================================================");
        let status = Command::new("cargo")
            .current_dir(root)
            .args([
                "test",
                "-p",
                "devdb-wire",
                "-p",
                "devdb-sql",
                "--",
                "never_panics",
                "deep_nesting",
            ])
            .status()
            .context("running cargo test")?;
        if !status.success() {
            bail!("property tests failed");
        }
        return Ok(());
    }
    let status = Command::new("cargo")
        .current_dir(root.join("fuzz"))
        .args(["+nightly", "fuzz", "run", target])
        .args(args)
        .status()
        .context("running cargo fuzz")?;
    if !status.success() {
        bail!("cargo fuzz run {target} failed");
    }
    Ok(())
}

fn found(yes: bool) -> &'static str {
    if yes { "found" } else { "missing" }
}
