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
//! | `FRONT_DOOR_TOTP_KEY` | `totp_key` | a key created in `<data_dir>/totp.key` |
//! | `FRONT_DOOR_MODE` | `mode` | `development` (`production` requires a configured master key) |
//! | `FRONT_DOOR_MASTER_KEY` | `master_key` | development: a key created in `<data_dir>/master.key` |
//! | `FRONT_DOOR_MASTER_KEY_PREVIOUS` | `master_key_previous` | none (comma-separated, during a rotation) |
//! | `FRONT_DOOR_SESSION_IDLE_SECS` | `session_idle_secs` | `3600` (1 hour without a request) |
//! | `FRONT_DOOR_SESSION_MAX_SECS` | `session_max_secs` | `43200` (12 hours after login) |
//! | `FRONT_DOOR_COUNSELLORS` | `counsellors` | `3` (the statistics scale the yearly minimums, set per three counsellors, to this many) |
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
    /// The secret (64 hex characters) that encrypts counsellors' TOTP
    /// secrets (AES-256-GCM). When unset, a key is created in
    /// `data_dir/totp.key` on first start; several nodes must share one.
    pub totp_key: Option<String>,
    /// Development (the default) or production. Production refuses to start
    /// without a configured master key.
    pub mode: Mode,
    /// The master key (64 hex characters) that wraps every conversation's,
    /// booking's and case's own data key. In development, when unset, a key
    /// is created in `data_dir/master.key` (and the log says so). Keep it
    /// apart from backups: a backup without it is unreadable by design.
    pub master_key: Option<String>,
    /// Earlier master keys, still read while a rotation re-wraps the data
    /// keys under the new one (see `crypto`).
    pub master_key_previous: Vec<String>,
    /// A counsellor is logged out after this many seconds without a request.
    pub session_idle_secs: u64,
    /// A login ends this many seconds after it began, however active.
    pub session_max_secs: u64,
    /// The risk word lists (`[risk]`, `da` and `en`) that raise a chat's
    /// priority in the counsellors' queue.
    pub risk: app::protocol::console::RiskWords,
    /// New chats open only while a counsellor on duty is available (not
    /// busy or away), besides the opening hours. Default `true`.
    pub chat_needs_available_counsellor: bool,
    /// New chats one client address may open in ten minutes. Default 20,
    /// generous because a school class or a youth club shares one address;
    /// a service behind a network that gathers many (a municipal guest
    /// Wi-Fi) may raise it.
    pub new_chats_per_address: u32,
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
    /// The `[booking]` table: conversation types, meeting places, the slot
    /// grid, how far ahead, retention. Default: in person, phone, walk and
    /// talk, video; three meeting places.
    pub booking: crate::booking::BookingConfig,
    /// The `[letters]` table: the promised answer time, the longest letter,
    /// review before sending. Default: within 3 working days, 10,000
    /// characters, no review.
    pub letters: crate::letters::LettersConfig,
    /// Counsellors in the team (full-time equivalents, 1–1000). The yearly
    /// minimums the statistics show progress against are set per three
    /// counsellors (24 treatment cases, 75 unique anonymous persons, 2
    /// parent groups, 36 consultant tasks) and scaled to this. Default 3.
    pub counsellors: u32,
}

/// How the service runs: development creates missing secrets in the data
/// folder; production insists that they are configured.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Missing keys are created in the data folder (and logged as created).
    #[default]
    Development,
    /// Missing keys stop the server at start.
    Production,
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
            totp_key: None,
            mode: Mode::Development,
            master_key: None,
            master_key_previous: Vec::new(),
            session_idle_secs: 3600,
            session_max_secs: 12 * 3600,
            risk: app::protocol::console::RiskWords::default(),
            chat_needs_available_counsellor: true,
            new_chats_per_address: crate::chat::limit::NEW_CHATS_PER_ADDRESS,
            unanswered_claim_secs: 180,
            console_gone_grace_secs: 120,
            note_names: DEFAULT_NOTE_NAMES.iter().map(|n| (*n).to_owned()).collect(),
            emergency_procedure: None,
            duty_to_notify: None,
            booking: crate::booking::BookingConfig::default(),
            letters: crate::letters::LettersConfig::default(),
            counsellors: 3,
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
    /// A setting in the file (or its environment override) is refused by the
    /// checks the coordinator's settings page uses too.
    #[error("{name} is invalid: {reason}")]
    InvalidSetting {
        /// The setting's key, e.g. `service.name` or `risk.da`.
        name: String,
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
        if let Some(key) = var("FRONT_DOOR_TOTP_KEY") {
            settings.totp_key = Some(key.trim().to_owned());
        }
        if let Some(mode) = var("FRONT_DOOR_MODE") {
            settings.mode = match mode.trim() {
                "development" => Mode::Development,
                "production" => Mode::Production,
                _ => {
                    return Err(ConfigError::InvalidVariable {
                        name: "FRONT_DOOR_MODE",
                        reason: "expected development or production".to_owned(),
                    });
                }
            };
        }
        if let Some(key) = var("FRONT_DOOR_MASTER_KEY") {
            settings.master_key = Some(key.trim().to_owned());
        }
        if let Some(keys) = var("FRONT_DOOR_MASTER_KEY_PREVIOUS") {
            settings.master_key_previous = keys
                .split(',')
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
                .collect();
        }
        for (name, field) in [
            (
                "FRONT_DOOR_SESSION_IDLE_SECS",
                &mut settings.session_idle_secs,
            ),
            (
                "FRONT_DOOR_SESSION_MAX_SECS",
                &mut settings.session_max_secs,
            ),
        ] {
            if let Some(secs) = var(name) {
                *field = secs
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=7 * 24 * 3600).contains(n))
                    .ok_or_else(|| ConfigError::InvalidVariable {
                        name,
                        reason: "expected a whole number of seconds from 1 to 604800".to_owned(),
                    })?;
            }
        }
        if let Some(counsellors) = var("FRONT_DOOR_COUNSELLORS") {
            settings.counsellors = counsellors.trim().parse().unwrap_or(0);
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
        // The same checks as the coordinator's settings page.
        if let Err(error) = crate::settings::check_service(&self.service) {
            return Err(ConfigError::InvalidSetting {
                name: error.field,
                reason: error.reason,
            });
        }
        if let Err(error) = crate::settings::check_risk(&self.risk) {
            return Err(ConfigError::InvalidSetting {
                name: error.field,
                reason: error.reason,
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
        if let Some(key) = &self.totp_key
            && crate::auth::totp::TotpKey::from_hex(key).is_err()
        {
            return Err(ConfigError::InvalidVariable {
                name: "FRONT_DOOR_TOTP_KEY",
                reason: "expected 64 hexadecimal characters (32 random bytes)".to_owned(),
            });
        }
        for key in self.master_key.iter().chain(&self.master_key_previous) {
            if crate::key_file::parse_hex(key).is_none() {
                return Err(ConfigError::InvalidVariable {
                    name: "FRONT_DOOR_MASTER_KEY",
                    reason: "expected 64 hexadecimal characters (32 random bytes)".to_owned(),
                });
            }
        }
        if self.mode == Mode::Production && self.master_key.is_none() {
            return Err(ConfigError::InvalidVariable {
                name: "FRONT_DOOR_MASTER_KEY",
                reason: "production mode needs a configured master key (64 hexadecimal \
                         characters), kept apart from backups"
                    .to_owned(),
            });
        }
        if self.session_idle_secs == 0 || self.session_max_secs == 0 {
            return Err(ConfigError::InvalidVariable {
                name: "session_idle_secs/session_max_secs",
                reason: "session timeouts must be at least one second".to_owned(),
            });
        }
        if self.unanswered_claim_secs == 0 || self.console_gone_grace_secs == 0 {
            return Err(ConfigError::InvalidVariable {
                name: "unanswered_claim_secs",
                reason: "unanswered_claim_secs and console_gone_grace_secs must be at least 1"
                    .to_owned(),
            });
        }
        if !(1..=100_000).contains(&self.new_chats_per_address) {
            return Err(ConfigError::InvalidVariable {
                name: "new_chats_per_address",
                reason: "expected a whole number of new chats from 1 to 100000".to_owned(),
            });
        }
        if !(1..=1000).contains(&self.counsellors) {
            return Err(ConfigError::InvalidVariable {
                name: "FRONT_DOOR_COUNSELLORS",
                reason: "expected a whole number of counsellors from 1 to 1000".to_owned(),
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

    /// The checked risk word lists ([`Settings::load`] has validated them;
    /// the default lists stand in should that ever be skipped).
    pub fn risk_matcher(&self) -> crate::chat::risk::RiskMatcher {
        crate::settings::check_risk(&self.risk).unwrap_or_default()
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
    fn production_mode_refuses_to_start_without_a_master_key() {
        assert_eq!(load(&[]).expect("valid").mode, Mode::Development);
        let error = load(&[("FRONT_DOOR_MODE", "production")]).expect_err("refused");
        assert!(
            error.to_string().contains("FRONT_DOOR_MASTER_KEY"),
            "{error}"
        );
        let key = "ab".repeat(32);
        let old = "cd".repeat(32);
        let settings = load(&[
            ("FRONT_DOOR_MODE", "production"),
            ("FRONT_DOOR_MASTER_KEY", &key),
            ("FRONT_DOOR_MASTER_KEY_PREVIOUS", &format!(" {old} ,")),
        ])
        .expect("valid");
        assert_eq!(settings.master_key.as_deref(), Some(key.as_str()));
        assert_eq!(settings.master_key_previous, vec![old]);
        let error = load(&[("FRONT_DOOR_MASTER_KEY", "short")]).expect_err("refused");
        assert!(!error.to_string().contains("short"), "{error}");
        assert!(load(&[("FRONT_DOOR_MODE", "staging")]).is_err());
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
    fn session_timeouts_and_the_totp_key_are_configurable_and_checked() {
        let defaults = load(&[]).expect("defaults");
        assert_eq!(defaults.session_idle_secs, 3600);
        assert_eq!(defaults.session_max_secs, 12 * 3600);
        assert!(defaults.totp_key.is_none());
        let key = "ab".repeat(32);
        let settings = load(&[
            ("FRONT_DOOR_SESSION_IDLE_SECS", "900"),
            ("FRONT_DOOR_SESSION_MAX_SECS", " 28800 "),
            ("FRONT_DOOR_TOTP_KEY", &key),
        ])
        .expect("valid");
        assert_eq!(settings.session_idle_secs, 900);
        assert_eq!(settings.session_max_secs, 28800);
        assert_eq!(settings.totp_key.as_deref(), Some(key.as_str()));
        let cases: &[(&str, &str)] = &[
            ("FRONT_DOOR_SESSION_IDLE_SECS", "-5"),
            ("FRONT_DOOR_SESSION_MAX_SECS", "forever"),
            ("FRONT_DOOR_TOTP_KEY", "not-a-secret-key"),
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

        std::fs::write(&path, "new_chats_per_address = 0").expect("write config");
        let error = load(&[("FRONT_DOOR_CONFIG", path.to_str().expect("utf-8 path"))])
            .expect_err("no chats at all")
            .to_string();
        assert!(error.contains("new_chats_per_address"), "{error}");
        std::fs::write(&path, "new_chats_per_address = 200").expect("write config");
        let settings =
            load(&[("FRONT_DOOR_CONFIG", path.to_str().expect("utf-8 path"))]).expect("valid");
        assert_eq!(settings.new_chats_per_address, 200);

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
