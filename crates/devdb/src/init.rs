//! `devdb serve --init PATH`: SQL files run into the `postgres` database before the server
//! announces readiness, as the official PostgreSQL image's init directory does.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use devdb_exec::Databases;

/// Runs `path` (a .sql file, or every .sql file of a directory in name order), statement by
/// statement in one session per file, as `psql -f` would.
pub async fn run(databases: &Databases, user: &str, path: &Path) -> Result<()> {
    let files = sql_files(path)?;
    let (handle, _membership) = databases
        .connect("postgres")
        .map_err(|e| anyhow::anyhow!("--init: {}", e.message))?;
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("--init: reading {}", file.display()))?;
        let statements = devdb_sql::script::split(&text);
        let texts: Vec<String> = statements.iter().map(|s| s.text.clone()).collect();
        if let Err((index, err)) = devdb_exec::run_script(&handle, user, texts).await {
            let statement = statements.get(index);
            let first_line = statement.map_or(1, |s| s.line);
            let within = err
                .position
                .zip(statement)
                .map_or(0, |(p, s)| line_of(&s.text, p) - 1);
            bail!(
                "--init: {}, line {}: {}: {} ({})",
                file.display(),
                first_line + within as u64,
                err.severity.as_str(),
                err.message,
                err.code
            );
        }
        tracing::info!(file = %file.display(), "init script ran");
    }
    Ok(())
}

fn sql_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("--init: reading {}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    Ok(files)
}

/// The 1-based line of a 1-based character position.
fn line_of(text: &str, position: u32) -> usize {
    let chars = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    1 + text.chars().take(chars).filter(|c| *c == '\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_to_lines() {
        let text = "select 1;\nselect x;\n";
        assert_eq!(line_of(text, 1), 1);
        assert_eq!(line_of(text, 11), 2);
        assert_eq!(line_of(text, 18), 2);
    }
}
