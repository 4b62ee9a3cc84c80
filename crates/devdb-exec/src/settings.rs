//! A session's run-time parameters (PostgreSQL's GUCs): SET, SHOW, RESET, SET LOCAL, and the
//! ones reported to the client in ParameterStatus.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;
use std::time::Duration;

use devdb_pg::{PgError, SqlState};

use crate::EngineConfig;
use crate::parameters;

/// Settings that PostgreSQL 15 reports with ParameterStatus at startup and whenever they change,
/// with the spelling of their names on the wire.
pub const REPORTED: &[&str] = &[
    "application_name",
    "client_encoding",
    "DateStyle",
    "default_transaction_read_only",
    "in_hot_standby",
    "integer_datetimes",
    "IntervalStyle",
    "is_superuser",
    "server_encoding",
    "server_version",
    "session_authorization",
    "standard_conforming_strings",
    "TimeZone",
];

/// The server version clients see: PostgreSQL 15's form, so version checks in drivers pass.
pub const SERVER_VERSION: &str = concat!("15.0 (devdb ", env!("CARGO_PKG_VERSION"), ")");

/// What a new session starts with: its ParameterStatus values and idle timeouts, after its
/// startup options.
#[derive(Clone, Debug)]
pub struct SessionStart {
    pub parameters: Vec<(&'static str, String)>,
    pub idle_in_transaction_timeout: Option<Duration>,
    pub idle_session_timeout: Option<Duration>,
}

impl SessionStart {
    pub(crate) fn new(defaults: &Defaults, info: &crate::SessionInfo) -> Self {
        let settings = Settings::new(
            defaults.clone(),
            &info.user,
            &info.application_name,
            &info.options,
        );
        SessionStart {
            parameters: REPORTED
                .iter()
                .filter_map(|name| settings.get(name).ok().map(|v| (*name, v.to_owned())))
                .collect(),
            idle_in_transaction_timeout: settings.duration("idle_in_transaction_session_timeout"),
            idle_session_timeout: settings.duration("idle_session_timeout"),
        }
    }
}

/// Settings whose values are durations in milliseconds.
const MILLISECOND_SETTINGS: &[&str] = &[
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
    "idle_session_timeout",
];

/// A value to restore when the transaction ends.
#[derive(Clone, Debug)]
struct Saved {
    key: String,
    old: Option<String>,
    /// SET LOCAL: restored on commit too.
    local: bool,
}

/// Every setting's server-wide default, built once per database and shared by its sessions.
pub type Defaults = Arc<HashMap<String, String>>;

/// One session's settings: the shared defaults, the session's own defaults (its identity and
/// startup options, which RESET returns to) and what it has SET since.
#[derive(Clone, Debug)]
pub struct Settings {
    defaults: Defaults,
    session_defaults: Vec<(String, String)>,
    values: HashMap<String, String>,
    /// Values to restore when the transaction ends (SET LOCAL, and SET inside a transaction
    /// that rolls back).
    saved: Vec<Saved>,
    /// [`MILLISECOND_SETTINGS`]' values parsed, kept current by every change: the engine reads
    /// statement_timeout for every statement and the idle timeouts after every batch.
    durations: [Option<Duration>; MILLISECOND_SETTINGS.len()],
    /// TimeZone's value, kept current likewise: every statement reads it.
    timezone: String,
}

impl Settings {
    /// The server-wide defaults for databases run with `config`.
    pub fn defaults(config: &EngineConfig) -> Defaults {
        let ms = |d: Duration| d.as_millis().to_string();
        let devdb: HashMap<String, String> = [
            ("application_name", String::new()),
            ("client_encoding", "UTF8".into()),
            ("datestyle", "ISO, MDY".into()),
            ("default_transaction_read_only", "off".into()),
            ("default_transaction_isolation", "read committed".into()),
            ("transaction_isolation", "read committed".into()),
            ("transaction_read_only", "off".into()),
            ("in_hot_standby", "off".into()),
            ("integer_datetimes", "on".into()),
            ("intervalstyle", "postgres".into()),
            ("is_superuser", "on".into()),
            ("server_encoding", "UTF8".into()),
            ("server_version", SERVER_VERSION.into()),
            ("server_version_num", "150000".into()),
            ("session_authorization", "postgres".into()),
            ("standard_conforming_strings", "on".into()),
            ("timezone", "UTC".into()),
            ("search_path", "\"$user\", public".into()),
            ("statement_timeout", "0".into()),
            ("lock_timeout", ms(config.lock_timeout)),
            (
                "idle_in_transaction_session_timeout",
                ms(config.idle_in_transaction_timeout),
            ),
            ("idle_session_timeout", ms(config.idle_session_timeout)),
            ("extra_float_digits", "1".into()),
            ("client_min_messages", "notice".into()),
            ("bytea_output", "hex".into()),
            ("max_identifier_length", "63".into()),
            ("max_connections", "1000".into()),
            ("block_size", "8192".into()),
            ("lc_messages", "C.UTF-8".into()),
            ("lc_monetary", "C.UTF-8".into()),
            ("lc_numeric", "C.UTF-8".into()),
            ("lc_time", "C.UTF-8".into()),
            ("synchronous_commit", "on".into()),
            ("work_mem", "4MB".into()),
            ("maintenance_work_mem", "64MB".into()),
            ("jit", "off".into()),
            ("row_security", "on".into()),
            ("check_function_bodies", "on".into()),
            ("escape_string_warning", "on".into()),
            ("xmloption", "content".into()),
            ("default_text_search_config", "pg_catalog.english".into()),
            ("plan_cache_mode", "auto".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        // PostgreSQL's values for every parameter, then devdb's where they differ.
        let mut defaults: HashMap<String, String> = parameters::all()
            .iter()
            .map(|(key, parameter)| (key.clone(), parameter.show.clone()))
            .chain(devdb)
            .collect();
        for key in MILLISECOND_SETTINGS {
            if let Some(v) = defaults.get_mut(*key) {
                *v = normalize_ms(v);
            }
        }
        Arc::new(defaults)
    }

    /// A session's settings: `options` (from the startup packet) become its own defaults;
    /// unknown or invalid ones are skipped, as the wire crate already reported them.
    pub fn new(
        defaults: Defaults,
        user: &str,
        application_name: &str,
        options: &[(String, String)],
    ) -> Self {
        let mut settings = Settings {
            defaults,
            session_defaults: vec![
                ("application_name".to_owned(), application_name.to_owned()),
                ("session_authorization".to_owned(), user.to_owned()),
            ],
            values: HashMap::new(),
            saved: Vec::new(),
            durations: [None; MILLISECOND_SETTINGS.len()],
            timezone: String::new(),
        };
        for (name, value) in options {
            let _ = settings.set(name, Some(value), false, false);
        }
        let startup = std::mem::take(&mut settings.values);
        settings.session_defaults.extend(startup);
        settings.refresh();
        settings
    }

    /// What RESET returns `key` (lower-case) to.
    fn default_of(&self, key: &str) -> Option<&str> {
        self.session_defaults
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.defaults.get(key).map(String::as_str))
    }

    /// What RESET would return `key` (lower-case) to, as SHOW prints it.
    pub fn reset_value(&self, key: &str) -> Option<&str> {
        self.default_of(key)
    }

    /// SHOW's answer.
    pub fn get(&self, name: &str) -> Result<&str, PgError> {
        // The engine asks for lowercase names on every statement: no copy for those.
        let key = match name.bytes().any(|b| b.is_ascii_uppercase()) {
            true => std::borrow::Cow::Owned(name.to_ascii_lowercase()),
            false => std::borrow::Cow::Borrowed(name),
        };
        match self.values.get(key.as_ref()) {
            Some(value) => Ok(value),
            None => self.default_of(&key).ok_or_else(|| unrecognized(name)),
        }
    }

    /// Every setting, sorted by name, for SHOW ALL and pg_settings; names as PostgreSQL spells
    /// them (`TimeZone`, `DateStyle`).
    pub fn all(&self) -> Vec<(&str, &str)> {
        let mut all: Vec<(&str, &str)> = self
            .defaults
            .keys()
            .chain(self.values.keys())
            .filter_map(|k| Some((k.as_str(), self.get(k).ok()?)))
            .collect();
        all.sort_unstable();
        all.dedup_by_key(|(k, _)| *k);
        all.into_iter()
            .map(|(k, v)| (reported_name(k).unwrap_or(k), v))
            .collect()
    }

    /// SET name = value (None: DEFAULT). `in_transaction` records the old value so a rollback
    /// (or, with `local`, any end of the transaction) restores it. Returns the name as reported
    /// in ParameterStatus when the client must be told.
    pub fn set(
        &mut self,
        name: &str,
        value: Option<&str>,
        local: bool,
        in_transaction: bool,
    ) -> Result<Option<&'static str>, PgError> {
        let key = name.to_ascii_lowercase();
        match parameters::all().get(&key) {
            Some(parameter) => parameter.settable()?,
            // Hidden from pg_settings, and as fixed as server_version.
            None if key == "is_superuser" => {
                return Err(PgError::new(
                    SqlState::CANT_CHANGE_RUNTIME_PARAM,
                    format!("parameter \"{name}\" cannot be changed"),
                ));
            }
            None => {}
        }
        if !self.defaults.contains_key(&key) && !key.contains('.') {
            return Err(unrecognized(name));
        }
        let value = match value {
            None => self.default_of(&key).unwrap_or_default().to_owned(),
            Some(v) => validate(&key, v)?,
        };
        if local && !in_transaction {
            // PostgreSQL warns and does nothing outside a transaction block.
            return Ok(None);
        }
        if in_transaction {
            let old = self.values.get(&key).cloned();
            self.saved.push(Saved {
                key: key.clone(),
                old,
                local,
            });
        }
        self.values.insert(key.clone(), value);
        self.refresh();
        Ok(reported_name(&key))
    }

    /// RESET name, or everything for None. Returns the reported names that changed.
    pub fn reset(
        &mut self,
        name: Option<&str>,
        in_transaction: bool,
    ) -> Result<Vec<&'static str>, PgError> {
        let keys: Vec<String> = match name {
            Some(n) => vec![n.to_ascii_lowercase()],
            None => self.values.keys().cloned().collect(),
        };
        let mut changed = Vec::new();
        for key in keys {
            if self.values.get(&key).map(String::as_str) == self.default_of(&key) {
                continue;
            }
            if let Some(reported) = self.set(&key, None, false, in_transaction)? {
                changed.push(reported);
            }
        }
        Ok(changed)
    }

    /// Ends the transaction: on rollback every SET made in it is undone, on commit only SET LOCAL.
    /// Returns the reported names whose value changed back.
    pub fn end_transaction(&mut self, committed: bool) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.saved.is_empty() {
            // Every autocommit statement ends a transaction: nothing to restore or re-parse.
            return changed;
        }
        for Saved { key, old, local } in std::mem::take(&mut self.saved).into_iter().rev() {
            if committed && !local {
                continue;
            }
            match old {
                Some(v) => self.values.insert(key.clone(), v),
                None => self.values.remove(&key),
            };
            if let Some(r) = reported_name(&key) {
                changed.push(r);
            }
        }
        self.refresh();
        changed
    }

    /// A duration setting, one of [`MILLISECOND_SETTINGS`]; zero means off.
    pub fn duration(&self, name: &str) -> Option<Duration> {
        let i = MILLISECOND_SETTINGS.iter().position(|&key| key == name)?;
        self.durations[i]
    }

    /// The session's TimeZone setting.
    pub fn timezone(&self) -> &str {
        &self.timezone
    }

    /// Brings the values kept parsed up to date after a change.
    fn refresh(&mut self) {
        for (i, key) in MILLISECOND_SETTINGS.iter().enumerate() {
            let ms = self.get(key).ok().and_then(parse_ms);
            self.durations[i] = ms.filter(|&ms| ms > 0).map(Duration::from_millis);
        }
        let zone = self.get("timezone").unwrap_or("UTC").to_owned();
        self.timezone = zone;
    }
}

fn unrecognized(name: &str) -> PgError {
    PgError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("unrecognized configuration parameter \"{name}\""),
    )
}

fn reported_name(key: &str) -> Option<&'static str> {
    REPORTED
        .iter()
        .copied()
        .find(|r| r.eq_ignore_ascii_case(key))
}

fn validate(key: &str, value: &str) -> Result<String, PgError> {
    if MILLISECOND_SETTINGS.contains(&key) {
        return match parse_ms(value) {
            Some(_) => Ok(normalize_ms(value)),
            None => Err(PgError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("invalid value for parameter \"{key}\": \"{value}\""),
            )),
        };
    }
    if key == "timezone" {
        return devdb_pg::value::zone::zone_setting(value);
    }
    match parameters::all().get(key) {
        Some(parameter) => parameter.check(value),
        None => Ok(value.to_owned()),
    }
}

/// Parses PostgreSQL's duration syntax for a milliseconds setting: `1500`, `10s`, `1min`, `2h`.
fn parse_ms(value: &str) -> Option<u64> {
    let v = value.trim().trim_matches('\'');
    let split = v
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(v.len());
    let (number, unit) = v.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "ms" => 1.0,
        "us" => 0.001,
        "s" => 1000.0,
        "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    let ms = number * factor;
    (ms >= 0.0 && ms < i32::MAX as f64).then_some(ms.round() as u64)
}

/// SHOW's spelling: the largest unit that divides the value exactly.
fn normalize_ms(value: &str) -> String {
    let Some(ms) = parse_ms(value) else {
        return value.to_owned();
    };
    if ms == 0 {
        return "0".to_owned();
    }
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("min", 60_000),
        ("s", 1000),
    ] {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_show_in_postgresql_units() {
        assert_eq!(normalize_ms("10000"), "10s");
        assert_eq!(normalize_ms("60000"), "1min");
        assert_eq!(normalize_ms("1500"), "1500ms");
        assert_eq!(normalize_ms("0"), "0");
        assert_eq!(parse_ms("2min"), Some(120_000));
    }

    #[test]
    fn rollback_undoes_set_and_commit_keeps_it() {
        let config = EngineConfig::new(std::env::temp_dir());
        let mut s = Settings::new(Settings::defaults(&config), "postgres", "", &[]);
        s.set("application_name", Some("a"), false, true)
            .expect("set");
        assert_eq!(s.end_transaction(false), vec!["application_name"]);
        assert_eq!(s.get("application_name").expect("get"), "");
        s.set("statement_timeout", Some("5000"), false, true)
            .expect("set");
        s.set("lock_timeout", Some("1s"), true, true)
            .expect("set local");
        s.end_transaction(true);
        assert_eq!(s.get("statement_timeout").expect("get"), "5s");
        assert_eq!(s.get("lock_timeout").expect("get"), "10s");
    }

    #[test]
    fn kept_values_follow_set_reset_and_the_end_of_transactions() {
        let config = EngineConfig::new(std::env::temp_dir());
        let options = [("statement_timeout".to_owned(), "2s".to_owned())];
        let mut s = Settings::new(Settings::defaults(&config), "postgres", "", &options);
        let secs = |n| Some(Duration::from_secs(n));
        assert_eq!(s.duration("statement_timeout"), secs(2), "startup option");
        s.set("statement_timeout", Some("0"), false, false)
            .expect("set");
        assert_eq!(s.duration("statement_timeout"), None, "zero is off");
        s.set("statement_timeout", Some("3s"), true, true)
            .expect("set local");
        assert_eq!(s.duration("statement_timeout"), secs(3));
        s.end_transaction(true);
        assert_eq!(s.duration("statement_timeout"), None, "SET LOCAL ended");
        s.reset(Some("statement_timeout"), false).expect("reset");
        assert_eq!(
            s.duration("statement_timeout"),
            secs(2),
            "RESET: the startup option"
        );
        s.set("idle_session_timeout", Some("1min"), false, true)
            .expect("set");
        assert_eq!(s.duration("idle_session_timeout"), secs(60));
        s.end_transaction(false);
        assert_eq!(s.duration("idle_session_timeout"), None, "rolled back");
        assert_eq!(s.duration("lock_timeout"), secs(10), "the server's default");
        assert_eq!(s.timezone(), "UTC");
        s.set("TimeZone", Some("Europe/Paris"), false, true)
            .expect("set");
        assert_eq!(s.timezone(), "Europe/Paris");
        s.end_transaction(false);
        assert_eq!(s.timezone(), "UTC", "rolled back");
    }

    #[test]
    fn reset_returns_to_startup_options_not_server_defaults() {
        let config = EngineConfig::new(std::env::temp_dir());
        let options = [("statement_timeout".to_owned(), "2s".to_owned())];
        let mut s = Settings::new(Settings::defaults(&config), "alice", "app", &options);
        assert_eq!(s.get("statement_timeout").expect("get"), "2s");
        s.set("statement_timeout", Some("5s"), false, false)
            .expect("set");
        s.set("application_name", Some("other"), false, false)
            .expect("set");
        let changed = s.reset(None, false).expect("reset all");
        assert_eq!(changed, vec!["application_name"]);
        assert_eq!(s.get("statement_timeout").expect("get"), "2s");
        assert_eq!(s.get("application_name").expect("get"), "app");
        assert_eq!(s.get("session_authorization").expect("get"), "alice");
        assert!(
            s.all()
                .iter()
                .any(|(k, v)| *k == "statement_timeout" && *v == "2s")
        );
    }

    #[test]
    fn unknown_settings_are_rejected_unless_custom() {
        let config = EngineConfig::new(std::env::temp_dir());
        let mut s = Settings::new(Settings::defaults(&config), "postgres", "", &[]);
        let err = s
            .set("no_such_thing", Some("1"), false, false)
            .expect_err("rejects");
        assert_eq!(err.code, SqlState::UNDEFINED_OBJECT);
        s.set("myapp.tenant", Some("7"), false, false)
            .expect("custom ok");
        assert_eq!(s.get("myapp.tenant").expect("get"), "7");
    }
}
