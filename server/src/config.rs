//! Typed configuration. Every setting has a documented default, so the
//! service runs with no configuration at all (SQLite in `./data`). Values come
//! from, in rising order of precedence: the defaults, a TOML file named by
//! `FRONT_DOOR_CONFIG`, and environment variables.
//!
//! | variable | file key | default |
//! |---|---|---|
//! | `FRONT_DOOR_ADDR` (or `LEPTOS_SITE_ADDR`) | `addr` | `127.0.0.1:3000` |
//! | `DATABASE_URL` | `database_url` | `sqlite://<data_dir>/front-door.db` |
//! | `FRONT_DOOR_DATA_DIR` | `data_dir` | `data` |
//! | `FRONT_DOOR_SITE_ROOT` (or `LEPTOS_SITE_ROOT`) | `site_root` | `target/site` |
//! | `FRONT_DOOR_HTTPS` | `https` | `false` |
//! | `FRONT_DOOR_DB_MAX_CONNECTIONS` | `db_max_connections` | `10` |
//! | `FRONT_DOOR_RETENTION_DAYS` | `retention_days` | `30` |
//! | `FRONT_DOOR_CODE_KEY` | `code_key` | a key created in `<data_dir>/code.key` |
//! | `FRONT_DOOR_SERVICE_NAME` | `service.name` | `Snak Om Det` |
//!
//! The service's texts and helplines are set in the file's `[service]` table
//! (see `config/front-door.example.toml`).

use app::service::ServiceInfo;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything the server needs to start.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on. Port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// `sqlite://…` (default) or `postgres://…`. May contain a password: it
    /// is never logged (see [`Settings::database_label`]).
    pub database_url: Option<String>,
    /// Folder for the SQLite file and other local state; created on start.
    pub data_dir: PathBuf,
    /// Folder holding the built site (`pkg/` with WASM, JS and CSS).
    pub site_root: PathBuf,
    /// Served over HTTPS (directly or behind a TLS-terminating proxy):
    /// turns on HSTS and `Secure` cookies.
    pub https: bool,
    /// Upper bound of pooled database connections.
    pub db_max_connections: u32,
    /// Anonymous conversations are deleted this many days after their last
    /// activity (the deletion job comes with the data-protection work; the
    /// date is shown to the person from the start).
    pub retention_days: u32,
    /// The secret (64 hex characters) that keys resume-code hashes. When
    /// unset, a key is created in `data_dir/code.key` on first start; several
    /// server nodes must share one configured key.
    pub code_key: Option<String>,
    /// When the chat is open (`[opening_hours]`, Copenhagen time).
    pub opening_hours: crate::hours::OpeningHoursConfig,
    /// The service's own name, texts and helplines.
    pub service: ServiceInfo,
    /// New chats open only while a counsellor on duty is available (not
    /// busy or away), besides the opening hours. Default `true`.
    pub chat_needs_available_counsellor: bool,
    /// A claimed (or transferred) chat with no counsellor reply within this
    /// many seconds goes back to the queue with an alert. Default 180.
    pub unanswered_claim_secs: u64,
    /// A chat whose counsellor has had no console open for this many
    /// seconds goes back to the queue. Default 120.
    pub console_gone_grace_secs: u64,
    /// Names the note editor warns about (course notes, handover notes,
    /// concerns). Default: common Danish first names.
    pub note_names: Vec<String>,
    /// The service's emergency procedure, shown when a counsellor records a
    /// concern. Default: the console's own text (call 112 on danger to
    /// life, tell the coordinator, record the concern).
    pub emergency_procedure: Option<String>,
    /// Guidance on the duty to notify the municipality (underretningspligt),
    /// shown with a concern about an under-18. Default: the console's own.
    pub duty_to_notify: Option<String>,
}

/// Common Danish first names: the default list the note screening warns on.
const DEFAULT_NOTE_NAMES: [&str; 24] = [
    "Mads", "Mathias", "Frederik", "Oliver", "Lucas", "William", "Noah", "Emil", "Magnus",
    "Malthe", "Victor", "Jonas", "Emma", "Ida", "Sofie", "Freja", "Clara", "Laura", "Anna", "Ella",
    "Alma", "Josefine", "Mathilde", "Karla",
];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: None,
            data_dir: PathBuf::from("data"),
            site_root: PathBuf::from("target/site"),
            https: false,
            db_max_connections: 10,
            retention_days: 30,
            code_key: None,
            opening_hours: crate::hours::OpeningHoursConfig::default(),
            service: ServiceInfo::default(),
            chat_needs_available_counsellor: true,
            unanswered_claim_secs: 180,
            console_gone_grace_secs: 120,
            note_names: DEFAULT_NOTE_NAMES.iter().map(|n| (*n).to_owned()).collect(),
            emergency_procedure: None,
            duty_to_notify: None,
        }
    }
}

/// A setting that could not be read. Names the variable or file, never the
/// value (which may be a password).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable holds something unusable.
    #[error("{name} is invalid: {reason}")]
    InvalidVariable {
        /// The variable's name.
        name: &'static str,
        /// What is wrong, in words.
        reason: String,
    },
    /// The configuration file cannot be read.
    #[error("cannot read the configuration file {path}: {source}")]
    UnreadableFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML for these settings.
    #[error("the configuration file {path} is invalid: {reason}")]
    InvalidFile {
        /// The file.
        path: PathBuf,
        /// The parser's explanation (line, column, key).
        reason: String,
    },
}

impl Settings {
    /// Reads the settings from the process environment (and the file it names).
    pub fn load() -> Result<Settings, ConfigError> {
        Settings::from_source(|name| std::env::var(name).ok())
    }

    /// Reads the settings from `env`, a lookup of environment variables.
    /// Separate from [`Settings::load`] so tests need not touch the process
    /// environment.
    pub fn from_source(env: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let mut settings = match env("FRONT_DOOR_CONFIG").filter(|p| !p.is_empty()) {
            Some(path) => Settings::from_file(Path::new(&path))?,
            None => Settings::default(),
        };
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());

        if let Some(addr) = var("FRONT_DOOR_ADDR").or_else(|| var("LEPTOS_SITE_ADDR")) {
            settings.addr = addr
                .trim()
                .parse()
                .map_err(|_| ConfigError::InvalidVariable {
                    name: "FRONT_DOOR_ADDR",
                    reason: "expected an address and port such as 127.0.0.1:3000".to_owned(),
                })?;
        }
        if let Some(url) = var("DATABASE_URL") {
            settings.database_url = Some(url);
        }
        if let Some(dir) = var("FRONT_DOOR_DATA_DIR") {
            settings.data_dir = PathBuf::from(dir);
        }
        if let Some(dir) = var("FRONT_DOOR_SITE_ROOT").or_else(|| var("LEPTOS_SITE_ROOT")) {
            settings.site_root = PathBuf::from(dir);
        }
        if let Some(https) = var("FRONT_DOOR_HTTPS") {
            settings.https = parse_bool("FRONT_DOOR_HTTPS", &https)?;
        }
        if let Some(max) = var("FRONT_DOOR_DB_MAX_CONNECTIONS") {
            settings.db_max_connections = max
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| ConfigError::InvalidVariable {
                    name: "FRONT_DOOR_DB_MAX_CONNECTIONS",
                    reason: "expected a whole number from 1 to 1000".to_owned(),
                })?;
        }
        if let Some(days) = var("FRONT_DOOR_RETENTION_DAYS") {
            settings.retention_days = days
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=3650).contains(n))
                .ok_or_else(|| ConfigError::InvalidVariable {
                    name: "FRONT_DOOR_RETENTION_DAYS",
                    reason: "expected a whole number of days from 1 to 3650".to_owned(),
                })?;
        }
        if let Some(key) = var("FRONT_DOOR_CODE_KEY") {
            settings.code_key = Some(key.trim().to_owned());
        }
        if let Some(name) = var("FRONT_DOOR_SERVICE_NAME") {
            settings.service.name = name.trim().to_owned();
        }
        settings.validate()?;
        Ok(settings)
    }

    fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::UnreadableFile {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::InvalidFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.service.name.trim().is_empty() {
            return Err(ConfigError::InvalidVariable {
                name: "FRONT_DOOR_SERVICE_NAME",
                reason: "the service needs a name".to_owned(),
            });
        }
        if !self.service.quick_exit_url.starts_with("https://") {
            return Err(ConfigError::InvalidVariable {
                name: "service.quick_exit_url",
                reason: "must be an https:// address of a neutral site".to_owned(),
            });
        }
        if let Err(error) = crate::hours::OpeningHours::from_config(&self.opening_hours) {
            return Err(ConfigError::InvalidVariable {
                name: "opening_hours",
                reason: error.to_string(),
            });
        }
        if let Some(key) = &self.code_key
            && crate::chat::code::CodeKey::from_hex(key).is_err()
        {
            return Err(ConfigError::InvalidVariable {
                name: "FRONT_DOOR_CODE_KEY",
                reason: "expected 64 hexadecimal characters (32 random bytes)".to_owned(),
            });
        }
        if self.unanswered_claim_secs == 0 || self.console_gone_grace_secs == 0 {
            return Err(ConfigError::InvalidVariable {
                name: "unanswered_claim_secs",
                reason: "unanswered_claim_secs and console_gone_grace_secs must be at least 1"
                    .to_owned(),
            });
        }
        if let Some(url) = &self.database_url
            && crate::db::Backend::from_url(url).is_err()
        {
            return Err(ConfigError::InvalidVariable {
                name: "DATABASE_URL",
                reason: "expected sqlite:… or postgres://…".to_owned(),
            });
        }
        Ok(())
    }

    /// The checked opening hours ([`Settings::load`] has validated them; the
    /// default schedule stands in should that ever be skipped).
    pub fn hours(&self) -> crate::hours::OpeningHours {
        crate::hours::OpeningHours::from_config(&self.opening_hours).unwrap_or_default()
    }

    /// How the console works with chats (see [`crate::console::ChatWork`]).
    pub fn chat_work(&self) -> crate::console::ChatWork {
        let text = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
        crate::console::ChatWork {
            needs_available_counsellor: self.chat_needs_available_counsellor,
            unanswered_claim: std::time::Duration::from_secs(self.unanswered_claim_secs.max(1)),
            console_gone_grace: std::time::Duration::from_secs(self.console_gone_grace_secs.max(1)),
            names: self
                .note_names
                .iter()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect(),
            emergency_procedure: text(&self.emergency_procedure),
            duty_to_notify: text(&self.duty_to_notify),
        }
    }

    /// How long an anonymous conversation is kept after its last activity.
    pub fn retention(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.retention_days) * 24 * 3600)
    }

    /// The database URL in use: the configured one, or the default SQLite
    /// file in the data folder.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("front-door.db").display()
            )
        })
    }
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::InvalidVariable {
            name,
            reason: "expected true or false".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_source(|name| vars.get(name).cloned())
    }

    #[test]
    fn with_no_configuration_the_service_runs_on_sqlite_in_the_data_folder() {
        let settings = load(&[]).expect("defaults are valid");
        assert_eq!(settings.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(
            settings.database_url(),
            "sqlite://data/front-door.db?mode=rwc"
        );
        assert!(!settings.https);
    }

    #[test]
    fn environment_variables_override_defaults() {
        let settings = load(&[
            ("FRONT_DOOR_ADDR", "0.0.0.0:8080"),
            ("DATABASE_URL", "postgres://u:secret@db/front"),
            ("FRONT_DOOR_HTTPS", "yes"),
            ("FRONT_DOOR_SERVICE_NAME", "  Ung Snak "),
        ])
        .expect("valid");
        assert_eq!(settings.addr.port(), 8080);
        assert_eq!(settings.database_url(), "postgres://u:secret@db/front");
        assert!(settings.https);
        assert_eq!(settings.service.name, "Ung Snak");
    }

    #[test]
    fn bad_values_are_named_without_echoing_them() {
        let cases: &[(&str, &str)] = &[
            ("FRONT_DOOR_ADDR", "not-an-address"),
            ("FRONT_DOOR_HTTPS", "maybe"),
            ("FRONT_DOOR_DB_MAX_CONNECTIONS", "-7"),
            ("DATABASE_URL", "mysql://secret@db"),
        ];
        for (name, value) in cases {
            let error = load(&[(name, value)]).expect_err(name).to_string();
            assert!(error.contains(name), "{error}");
            assert!(!error.contains(value), "echoed the value: {error}");
        }
    }

    #[test]
    fn a_configuration_file_sets_the_service_texts() {
        let dir = std::env::temp_dir().join(format!("front-door-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("front-door.toml");
        std::fs::write(
            &path,
            r#"
            addr = "127.0.0.1:4000"
            [service]
            name = "Ung Linje"
            quick_exit_url = "https://www.dmi.dk"
            helplines = []
            [service.tagline]
            da = "Hej"
            en = "Hi"
            "#,
        )
        .expect("write config");
        let settings =
            load(&[("FRONT_DOOR_CONFIG", path.to_str().expect("utf-8 path"))]).expect("valid");
        assert_eq!(settings.addr.port(), 4000);
        assert_eq!(settings.service.name, "Ung Linje");
        assert_eq!(settings.service.tagline.en, "Hi");
        assert!(settings.service.helplines.is_empty());

        std::fs::write(&path, "adr = 1").expect("write config");
        let error = load(&[("FRONT_DOOR_CONFIG", path.to_str().expect("utf-8 path"))])
            .expect_err("unknown key")
            .to_string();
        assert!(error.contains("adr"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_configuration_file_is_a_clear_error() {
        let error = load(&[("FRONT_DOOR_CONFIG", "/nonexistent/front-door.toml")])
            .expect_err("missing file");
        assert!(error.to_string().contains("/nonexistent/front-door.toml"));
    }
}
