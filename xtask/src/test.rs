//! `cargo xtask test`: everything CI checks, in order, with one summary at the end.
//!
//! Steps: rustfmt check, clippy with `-D warnings`, generated code up to date, the Rust test
//! suite (nextest when installed, else `cargo test`), then the client suites under
//! `tests/clients/` (node, python) when they exist. Every step runs even after a failure, so
//! one CI run shows every problem; any failure makes the command exit non-zero.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Flags of `cargo xtask test`.
pub struct Options {
    /// Skip rustfmt and clippy (local iteration).
    pub quick: bool,
    /// Extra arguments for the test runner (a filter, `--nocapture`, ...).
    pub test_args: Vec<String>,
}

/// How a step ended.
enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

pub fn run(root: &Path, options: &Options) -> Result<()> {
    let mut results: Vec<(String, Outcome, Duration)> = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Outcome| {
        println!("\n==> {name}");
        let start = Instant::now();
        let outcome = f();
        match &outcome {
            Outcome::Passed => println!("--> {name}: ok"),
            Outcome::Skipped(why) => println!("--> {name}: SKIPPED ({why})"),
            Outcome::Failed(why) => println!("--> {name}: FAILED ({why})"),
        }
        results.push((name.to_owned(), outcome, start.elapsed()));
    };

    if options.quick {
        println!("--quick: skipping rustfmt and clippy");
    } else {
        step("cargo fmt --all -- --check", &mut || {
            cargo(root, &["fmt", "--all", "--", "--check"])
        });
        step(
            "cargo clippy --workspace --all-targets -- -D warnings",
            &mut || {
                cargo(
                    root,
                    &[
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                )
            },
        );
    }
    step(
        "cargo xtask codegen --check",
        &mut || match crate::codegen::run(root, true) {
            Ok(()) => Outcome::Passed,
            Err(e) => Outcome::Failed(format!("{e:#}")),
        },
    );

    let postgres = crate::pg::bin("postgres");
    if !postgres.is_file() {
        // Locally the oracle tests then pass after printing SKIPPED (a runner may hide that);
        // under CI they fail.
        println!(
            "\nWARNING: {} not found (set PG_BIN): tests that compare against PostgreSQL 15 \
             and the psql/pgbench tests will be SKIPPED{}",
            postgres.display(),
            if std::env::var_os("CI").is_some() {
                " -- and fail, since CI is set"
            } else {
                ""
            }
        );
    }

    if nextest_installed(root) {
        let mut args = vec!["nextest", "run", "--workspace", "--no-fail-fast"];
        args.extend(options.test_args.iter().map(String::as_str));
        step(&format!("cargo {}", args.join(" ")), &mut || {
            cargo(root, &args)
        });
        // nextest does not run doctests.
        step("cargo test --workspace --doc", &mut || {
            cargo(root, &["test", "--workspace", "--doc"])
        });
    } else {
        let mut args = vec!["test", "--workspace", "--no-fail-fast"];
        if !options.test_args.is_empty() {
            args.push("--");
            args.extend(options.test_args.iter().map(String::as_str));
        }
        step(&format!("cargo {}", args.join(" ")), &mut || {
            cargo(root, &args)
        });
    }

    let clients = root.join("tests").join("clients");
    let node = clients.join("node");
    step("client suite: node (tests/clients/node)", &mut || {
        if !node.join("package.json").is_file() {
            return Outcome::Skipped("tests/clients/node/package.json absent".into());
        }
        node_suite(root, &node)
    });
    let python = clients.join("python");
    step("client suite: python (tests/clients/python)", &mut || {
        if !python.is_dir() {
            return Outcome::Skipped("tests/clients/python absent".into());
        }
        python_suite(root, &python)
    });

    println!("\n==> summary");
    let mut failed = 0;
    for (name, outcome, took) in &results {
        let secs = took.as_secs_f32();
        match outcome {
            Outcome::Passed => println!("  ok      {name} ({secs:.1}s)"),
            Outcome::Skipped(why) => println!("  SKIPPED {name}: {why}"),
            Outcome::Failed(why) => {
                failed += 1;
                println!("  FAILED  {name}: {why} ({secs:.1}s)");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} steps failed", results.len());
    }
    println!("all {} steps passed or were skipped", results.len());
    Ok(())
}

/// `cargo ARGS` in the workspace root.
fn cargo(root: &Path, args: &[&str]) -> Outcome {
    let mut command = Command::new(cargo_bin());
    command.args(args).current_dir(root);
    status(&mut command)
}

/// The cargo that runs us (`CARGO`), so nested runs use the same toolchain.
fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

fn nextest_installed(root: &Path) -> bool {
    Command::new(cargo_bin())
        .args(["nextest", "--version"])
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a command with inherited output; a non-zero exit or a spawn error is a failure.
fn status(command: &mut Command) -> Outcome {
    let shown = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    match command.status() {
        Ok(s) if s.success() => Outcome::Passed,
        Ok(s) => Outcome::Failed(format!("{shown} exited with {s}")),
        Err(e) => Outcome::Failed(format!("could not run {shown}: {e}")),
    }
}

/// Client suites start devdb themselves: they get the freshly built binary as `DEVDB_BIN`
/// and PostgreSQL's programs as `PG_BIN`.
fn client_env(root: &Path, command: &mut Command) -> Result<()> {
    let bin = build_devdb(root)?;
    command.env("DEVDB_BIN", bin);
    command.env("PG_BIN", crate::pg::bin_dir());
    Ok(())
}

/// Builds the devdb binary and returns its path.
fn build_devdb(root: &Path) -> Result<PathBuf> {
    let ok = Command::new(cargo_bin())
        .args(["build", "-q", "-p", "devdb", "--bin", "devdb"])
        .current_dir(root)
        .status()
        .context("running cargo build -p devdb")?
        .success();
    anyhow::ensure!(ok, "cargo build -p devdb failed");
    Ok(target_dir(root).join("debug").join("devdb"))
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else the directory this xtask binary was built in
/// (`<target>/debug/xtask`), else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return root.join(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| root.join("target"))
}

/// `npm ci` (with a lockfile) or `npm install`, then `npm test`.
fn node_suite(root: &Path, dir: &Path) -> Outcome {
    let install = if dir.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    let mut npm = Command::new("npm");
    npm.args([install, "--no-audit", "--no-fund"])
        .current_dir(dir);
    if let Outcome::Failed(why) = status(&mut npm) {
        return Outcome::Failed(why);
    }
    let mut npm = Command::new("npm");
    npm.arg("test").current_dir(dir);
    if let Err(e) = client_env(root, &mut npm) {
        return Outcome::Failed(format!("{e:#}"));
    }
    status(&mut npm)
}

/// A virtualenv under the target directory (never in the source tree), the suite's
/// requirements, then pytest. pytest's exit code 5 (no tests collected) is a skip, not a pass
/// or a failure.
fn python_suite(root: &Path, dir: &Path) -> Outcome {
    let venv = target_dir(root).join("clients-python-venv");
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        let mut make = Command::new("python3");
        make.args(["-m", "venv"]).arg(&venv);
        if let Outcome::Failed(why) = status(&mut make) {
            return Outcome::Failed(why);
        }
    }
    let requirements = dir.join("requirements.txt");
    if requirements.is_file() {
        let mut pip = Command::new(&python);
        pip.args(["-m", "pip", "install", "-q", "-r"])
            .arg(&requirements)
            .current_dir(dir);
        if let Outcome::Failed(why) = status(&mut pip) {
            return Outcome::Failed(why);
        }
    }
    let mut pytest = Command::new(&python);
    pytest.args(["-m", "pytest", "-q"]).current_dir(dir);
    if let Err(e) = client_env(root, &mut pytest) {
        return Outcome::Failed(format!("{e:#}"));
    }
    match pytest.status() {
        Ok(s) if s.success() => Outcome::Passed,
        Ok(s) if s.code() == Some(5) => Outcome::Skipped("pytest collected no tests".into()),
        Ok(s) => Outcome::Failed(format!("pytest exited with {s}")),
        Err(e) => Outcome::Failed(format!("could not run pytest: {e}")),
    }
}
