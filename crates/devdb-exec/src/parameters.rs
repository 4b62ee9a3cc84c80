//! PostgreSQL 15's run-time parameters (pg_settings' rows, from devdb-builtins): which exist,
//! who may change them, and how a value is checked and spelled for each type, as PostgreSQL's
//! guc.c does. Most change nothing in devdb; clients and tools (pg_dump, migration runners,
//! ORMs) SET and SHOW them and expect PostgreSQL's answers.

use std::collections::HashMap;
use std::sync::OnceLock;

use devdb_pg::{PgError, SqlState};
use devdb_sql::system::builtin::SETTINGS;

/// One parameter as pg_settings describes it.
#[derive(Debug)]
pub(crate) struct Parameter {
    /// PostgreSQL's spelling (`TimeZone`, `DateStyle`).
    pub name: String,
    /// The value in a fresh cluster as SHOW prints it.
    pub show: String,
    pub unit: Option<String>,
    pub category: String,
    pub short_desc: String,
    pub extra_desc: Option<String>,
    pub context: String,
    pub vartype: String,
    pub min_val: Option<String>,
    pub max_val: Option<String>,
    /// Array text form, for enum parameters.
    pub enumvals: Option<String>,
    pub boot_val: Option<String>,
}

/// Every parameter, by lower-case name.
pub(crate) fn all() -> &'static HashMap<String, Parameter> {
    static PARAMETERS: OnceLock<HashMap<String, Parameter>> = OnceLock::new();
    PARAMETERS.get_or_init(|| {
        SETTINGS
            .text_rows()
            .filter_map(|fields| {
                let field = |i: usize| fields.get(i).cloned().flatten().map(|f| f.into_owned());
                let name = field(0)?;
                let parameter = Parameter {
                    show: field(2).unwrap_or_default(),
                    unit: field(3),
                    category: field(4).unwrap_or_default(),
                    short_desc: field(5).unwrap_or_default(),
                    extra_desc: field(6),
                    context: field(7).unwrap_or_default(),
                    vartype: field(8).unwrap_or_default(),
                    min_val: field(9),
                    max_val: field(10),
                    enumvals: field(11),
                    boot_val: field(12),
                    name: name.clone(),
                };
                Some((name.to_ascii_lowercase(), parameter))
            })
            .collect()
    })
}

/// SHOW ALL's description of a parameter: pg_settings' short_desc.
pub(crate) fn description(name: &str) -> String {
    all()
        .get(&name.to_ascii_lowercase())
        .map(|p| p.short_desc.clone())
        .unwrap_or_default()
}

impl Parameter {
    /// Whether a session may SET it; the error PostgreSQL gives otherwise.
    pub(crate) fn settable(&self) -> Result<(), PgError> {
        let why = match self.context.as_str() {
            "user" | "superuser" => return Ok(()),
            "internal" => "cannot be changed",
            "postmaster" => "cannot be changed without restarting the server",
            _ => "cannot be changed now",
        };
        Err(PgError::new(
            SqlState::CANT_CHANGE_RUNTIME_PARAM,
            format!("parameter \"{}\" {why}", self.name),
        ))
    }

    /// `value` checked for this parameter's type and range, spelled as SHOW prints it.
    pub(crate) fn check(&self, value: &str) -> Result<String, PgError> {
        match self.vartype.as_str() {
            "bool" => parse_bool(value)
                .map(|b| if b { "on" } else { "off" }.to_owned())
                .ok_or_else(|| {
                    PgError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!("parameter \"{}\" requires a Boolean value", self.name),
                    )
                }),
            "enum" => self.check_enum(value),
            "integer" => {
                let base = self.to_base(value)?;
                self.check_range(base, value)?;
                Ok(self.show_base(base.round() as i64))
            }
            "real" => {
                let base = self.to_base(value)?;
                self.check_range(base, value)?;
                Ok(show_real(base))
            }
            _ => Ok(value.to_owned()),
        }
    }

    /// pg_settings' `setting` for a value SHOW prints: integers in the parameter's base unit.
    pub(crate) fn setting(&self, show: &str) -> String {
        match (self.vartype.as_str(), &self.unit) {
            ("integer", Some(_)) => match self.to_base(show) {
                Ok(base) => (base.round() as i64).to_string(),
                Err(_) => show.to_owned(),
            },
            _ => show.to_owned(),
        }
    }

    fn check_enum(&self, value: &str) -> Result<String, PgError> {
        let labels = enum_labels(self.enumvals.as_deref().unwrap_or_default());
        if let Some(label) = labels.iter().find(|l| l.eq_ignore_ascii_case(value.trim())) {
            return Ok(label.clone());
        }
        Err(self
            .invalid(value)
            .with_hint(format!("Available values: {}.", labels.join(", "))))
    }

    fn invalid(&self, value: &str) -> PgError {
        PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid value for parameter \"{}\": \"{value}\"", self.name),
        )
    }

    /// A number with an optional unit, in the parameter's base unit.
    fn to_base(&self, value: &str) -> Result<f64, PgError> {
        let text = value.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = match number.strip_prefix("0x") {
            Some(_) => return Err(self.invalid(value)),
            None => number.parse().map_err(|_| self.invalid(value))?,
        };
        let unit = unit.trim();
        if unit.is_empty() {
            return Ok(number);
        }
        let base = self.unit.as_deref().unwrap_or_default();
        let Some((family, base_size)) = unit_size(base) else {
            return Err(self.invalid(value));
        };
        match unit_size(unit) {
            Some((f, size)) if f == family => Ok(number * size / base_size),
            _ => Err(self.invalid(value).with_hint(match family {
                Family::Memory => {
                    "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\"."
                }
                Family::Time => {
                    "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\"."
                }
            })),
        }
    }

    fn check_range(&self, base: f64, value: &str) -> Result<(), PgError> {
        let bound = |b: &Option<String>| b.as_deref().and_then(|b| b.parse::<f64>().ok());
        let (Some(min), Some(max)) = (bound(&self.min_val), bound(&self.max_val)) else {
            return Ok(());
        };
        if base.is_finite() && (min..=max).contains(&base) {
            return Ok(());
        }
        let unit = match &self.unit {
            Some(unit) if value.trim().ends_with(|c: char| c.is_ascii_digit()) => {
                format!(" {unit}")
            }
            _ => String::new(),
        };
        let shown = match self.vartype.as_str() {
            "integer" => (base.round() as i64).to_string(),
            _ => show_real(base),
        };
        Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!(
                "{shown}{unit} is outside the valid range for parameter \"{}\" ({} .. {})",
                self.name,
                self.min_val.as_deref().unwrap_or_default(),
                self.max_val.as_deref().unwrap_or_default()
            ),
        ))
    }

    /// An integer in base units as SHOW prints it: in the largest unit that divides it.
    fn show_base(&self, base: i64) -> String {
        let Some((family, base_size)) = self.unit.as_deref().and_then(unit_size) else {
            return base.to_string();
        };
        if base == 0 || base == -1 {
            // -1 and 0 mean "off" or "default" for most such parameters: shown without a unit
            // only when PostgreSQL does (0 keeps its unit but not -1).
            return match (base, self.unit.as_deref()) {
                (-1, _) => "-1".to_owned(),
                (_, Some(unit)) => format!("0{}", display_unit(unit)),
                _ => "0".to_owned(),
            };
        }
        let units: &[&str] = match family {
            Family::Memory => &["TB", "GB", "MB", "kB", "B"],
            Family::Time => &["d", "h", "min", "s", "ms", "us"],
        };
        let bytes = base as f64 * base_size;
        for unit in units {
            let Some((_, size)) = unit_size(unit) else {
                continue;
            };
            if size < base_size {
                break;
            }
            if bytes % size == 0.0 {
                return format!("{}{unit}", (bytes / size) as i64);
            }
        }
        format!(
            "{base}{}",
            display_unit(self.unit.as_deref().unwrap_or_default())
        )
    }
}

/// The unit a base unit of "8kB" is shown in (its multiples are kB).
fn display_unit(unit: &str) -> &str {
    match unit {
        "8kB" => "kB",
        other => other,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Memory,
    Time,
}

/// A unit's family and size (bytes or milliseconds).
fn unit_size(unit: &str) -> Option<(Family, f64)> {
    Some(match unit {
        "B" => (Family::Memory, 1.0),
        "kB" => (Family::Memory, 1024.0),
        "8kB" => (Family::Memory, 8192.0),
        "MB" => (Family::Memory, 1024.0 * 1024.0),
        "GB" => (Family::Memory, 1024.0 * 1024.0 * 1024.0),
        "TB" => (Family::Memory, 1024.0 * 1024.0 * 1024.0 * 1024.0),
        "us" => (Family::Time, 0.001),
        "ms" => (Family::Time, 1.0),
        "s" => (Family::Time, 1000.0),
        "min" => (Family::Time, 60_000.0),
        "h" => (Family::Time, 3_600_000.0),
        "d" => (Family::Time, 86_400_000.0),
        _ => return None,
    })
}

/// A real as PostgreSQL's `%g` prints it for the values parameters take.
fn show_real(value: f64) -> String {
    let text = format!("{value}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// PostgreSQL's parse_bool: on/off, true/false, yes/no, 1/0 and unique prefixes of the words.
fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    let prefix = |word: &str, min: usize| v.len() >= min && word.starts_with(v.as_str());
    if v == "1" || prefix("true", 1) || prefix("yes", 1) || v == "on" {
        Some(true)
    } else if v == "0" || prefix("false", 1) || prefix("no", 1) || prefix("off", 2) {
        Some(false)
    } else {
        None
    }
}

/// The labels of an enum parameter's `{a,"b c"}`.
fn enum_labels(array: &str) -> Vec<String> {
    let inner = array.trim_start_matches('{').trim_end_matches('}');
    inner
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_matches('"').to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameter(name: &str) -> &'static Parameter {
        all().get(name).expect("a PostgreSQL parameter")
    }

    #[test]
    fn every_parameter_of_postgresql_15_is_known() {
        assert!(all().len() > 300);
        assert_eq!(parameter("timezone").name, "TimeZone");
        assert_eq!(parameter("synchronize_seqscans").vartype, "bool");
    }

    #[test]
    fn values_are_checked_and_spelled_as_show_prints_them() {
        let check = |name: &str, value: &str| parameter(name).check(value);
        assert_eq!(check("enable_seqscan", "FALSE").expect("bool"), "off");
        assert_eq!(check("enable_seqscan", "y").expect("bool"), "on");
        assert!(check("enable_seqscan", "o").is_err());
        assert_eq!(check("work_mem", "65536").expect("kB"), "64MB");
        assert_eq!(check("work_mem", "1GB").expect("GB"), "1GB");
        assert!(check("work_mem", "10").is_err());
        assert!(check("work_mem", "4XB").is_err());
        assert_eq!(check("statement_timeout", "90000").expect("ms"), "90s");
        assert_eq!(check("statement_timeout", "1500").expect("ms"), "1500ms");
        assert_eq!(
            check("client_min_messages", "WARNING").expect("enum"),
            "warning"
        );
        assert!(check("client_min_messages", "loud").is_err());
        assert_eq!(check("random_page_cost", "1.50").expect("real"), "1.5");
        assert_eq!(parameter("work_mem").setting("64MB"), "65536");
    }

    #[test]
    fn only_session_parameters_may_be_set() {
        assert!(parameter("work_mem").settable().is_ok());
        let err = parameter("shared_buffers")
            .settable()
            .expect_err("postmaster");
        assert!(err.message.contains("without restarting the server"));
        let err = parameter("server_version")
            .settable()
            .expect_err("internal");
        assert_eq!(err.code, SqlState::CANT_CHANGE_RUNTIME_PARAM);
    }
}
