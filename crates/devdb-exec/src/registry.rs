//! Every database of the server by name, each with its own database thread, so work in one
//! database never waits for another's.

use std::collections::HashMap;
use std::sync::Mutex;

use devdb_pg::{PgError, SqlState};

use crate::functions::lock;
use crate::{EngineConfig, Handle, thread};

/// The databases that exist at start.
pub const INITIAL_DATABASES: &[&str] = &["postgres", "template1"];

pub struct Databases {
    config: EngineConfig,
    engines: Mutex<HashMap<String, Handle>>,
}

impl Databases {
    /// Opens (creating if needed) the initial databases in `config.data_dir`.
    pub fn open(config: EngineConfig) -> Result<Self, PgError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            PgError::internal(format!("creating {}: {e}", config.data_dir.display()))
        })?;
        let databases = Databases {
            config,
            engines: Mutex::new(HashMap::new()),
        };
        for name in INITIAL_DATABASES {
            databases.get(name)?;
        }
        Ok(databases)
    }

    /// The engine of database `name`, started on first use; 3D000 if it does not exist.
    pub fn get(&self, name: &str) -> Result<Handle, PgError> {
        let mut engines = lock(&self.engines);
        if let Some(handle) = engines.get(name) {
            return Ok(handle.clone());
        }
        if !INITIAL_DATABASES.contains(&name) {
            return Err(PgError::new(
                SqlState::INVALID_CATALOG_NAME,
                format!("database \"{name}\" does not exist"),
            )
            .fatal());
        }
        let path = self.config.data_dir.join(format!("{name}.db"));
        let handle = thread::spawn(name, path, self.config.clone())?;
        engines.insert(name.to_owned(), handle.clone());
        Ok(handle)
    }

    /// Stops every database's thread (open transactions roll back) and waits for them.
    pub fn shutdown(&self) {
        let handles: Vec<Handle> = lock(&self.engines).values().cloned().collect();
        for handle in handles {
            handle.shutdown();
        }
    }
}
