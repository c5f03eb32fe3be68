//! What a coordinator changes while the service runs: the service's name and
//! texts, the opening hours and closed dates, and the risk word lists (this
//! module), and canned replies ([`canned`]).
//!
//! The configuration file gives the starting values; a coordinator's changes
//! are stored in the `settings` table (one JSON value per section) and laid
//! over the file's values at every start. A change is checked with the very
//! same checks as the file, then swapped in atomically ([`Swap`]): the next
//! chat, page or message sees it, no restart needed. One server node only:
//! other nodes pick a change up at their next start.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/settings` | 200 [`SettingsView`] (coordinators) |
//! | `PUT /api/settings/<section>` | 200 the new [`SettingsView`]; 400 `{"error":"invalid","field","message"}` and nothing changed; 404 for an unknown section |

pub mod canned;

use crate::audit::{self, Action, Actor};
use crate::auth::csrf::same_origin_json;
use crate::auth::session::CurrentCounsellor;
use crate::chat::risk::RiskMatcher;
use crate::db::{Db, now_millis};
use crate::hours::{OpeningHours, OpeningHoursConfig};
use crate::state::AppState;
use app::protocol::console::{RiskWords, SettingsView};
use app::service::ServiceInfo;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use http::StatusCode;
use std::sync::{Arc, RwLock};

/// A value read by many and replaced whole now and then: readers take a
/// cheap `Arc` of the current value and never see a half-made change.
#[derive(Debug, Default)]
pub struct Swap<T>(RwLock<Arc<T>>);

impl<T> Swap<T> {
    /// Starts with `value`.
    pub fn new(value: T) -> Self {
        Swap(RwLock::new(Arc::new(value)))
    }

    /// The current value.
    pub fn get(&self) -> Arc<T> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the value; readers from now on see the new one.
    pub fn set(&self, value: T) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(value);
    }
}

/// The settings state not held elsewhere: the opening hours as written (the
/// checked schedule is [`crate::chat::ChatService::hours`]) and a lock that
/// lets one change through at a time.
#[derive(Debug, Default)]
pub struct Editing {
    /// The opening hours as the coordinator (or the file) wrote them.
    pub hours_config: Swap<OpeningHoursConfig>,
    /// Held while a change is checked, stored and swapped in.
    writing: tokio::sync::Mutex<()>,
}

impl Editing {
    /// Starts from the hours as configured.
    pub fn new(hours_config: OpeningHoursConfig) -> Self {
        Editing {
            hours_config: Swap::new(hours_config),
            writing: tokio::sync::Mutex::new(()),
        }
    }
}

/// A setting refused: which field, and why in words (never the value, which
/// may be long).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// The field, as the file and the settings page name it
    /// (`service.name`, `opening_hours.mon`, `risk.da`).
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

fn field_error(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Longest service name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest service text (tagline, helpline name or hours), in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// Checks the service's name and texts. The configuration file and the
/// settings page both go through here.
pub fn check_service(service: &ServiceInfo) -> Result<(), FieldError> {
    let name = service.name.trim();
    if name.is_empty() {
        return Err(field_error("service.name", "the service needs a name"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(field_error(
            "service.name",
            format!("at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if !service.quick_exit_url.starts_with("https://") || service.quick_exit_url.contains(' ') {
        return Err(field_error(
            "service.quick_exit_url",
            "must be an https:// address of a neutral site",
        ));
    }
    let long = |text: &str| text.chars().count() > MAX_TEXT_CHARS;
    if long(&service.tagline.da) || long(&service.tagline.en) {
        return Err(field_error(
            "service.tagline",
            format!("at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    for (index, line) in service.helplines.iter().enumerate() {
        let field = format!("service.helplines[{}]", index + 1);
        if line.name.da.trim().is_empty() || line.name.en.trim().is_empty() {
            return Err(field_error(
                &field,
                "a helpline needs a name in Danish and English",
            ));
        }
        let digits = line.number.chars().filter(char::is_ascii_digit).count();
        if digits < 3
            || !line
                .number
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
        {
            return Err(field_error(
                &field,
                "the number must be digits (spaces and + allowed)",
            ));
        }
        if [&line.name.da, &line.name.en, &line.hours.da, &line.hours.en]
            .iter()
            .any(|t| long(t))
        {
            return Err(field_error(
                &field,
                format!("at most {MAX_TEXT_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

/// Checks the opening hours (the checks of [`OpeningHours::from_config`]).
pub fn check_hours(config: &OpeningHoursConfig) -> Result<OpeningHours, FieldError> {
    OpeningHours::from_config(config).map_err(|error| {
        let text = error.to_string();
        let (field, reason) = text.split_once(": ").unwrap_or(("opening_hours", &text));
        field_error(field, reason)
    })
}

/// Checks the risk word lists (the checks of [`RiskMatcher::new`]).
pub fn check_risk(words: &RiskWords) -> Result<RiskMatcher, FieldError> {
    RiskMatcher::new(words).map_err(|error| {
        let text = error.to_string();
        let (field, reason) = text.split_once(": ").unwrap_or(("risk", &text));
        field_error(field, reason)
    })
}

/// Why stored settings could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The database failed; nothing was changed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// The sections stored in the `settings` table, by key.
const SECTIONS: [&str; 3] = ["service", "opening_hours", "risk"];

/// Reads a stored section, if a coordinator ever saved one.
async fn stored(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(value,)| value))
}

async fn store(db: &Db, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Lays the coordinator's stored changes over the configured values (at
/// start). A stored section that no longer passes the checks (a newer
/// version checks more) is skipped with a warning: the file's value stands.
pub async fn load_stored(
    db: &Db,
    settings: &mut crate::config::Settings,
) -> Result<(), SettingsError> {
    for key in SECTIONS {
        let Some(value) = stored(db, key).await? else {
            continue;
        };
        let applied = match key {
            "service" => serde_json::from_str::<ServiceInfo>(&value)
                .ok()
                .filter(|s| check_service(s).is_ok())
                .map(|s| settings.service = s),
            "opening_hours" => serde_json::from_str::<OpeningHoursConfig>(&value)
                .ok()
                .filter(|h| check_hours(h).is_ok())
                .map(|h| settings.opening_hours = h),
            _ => serde_json::from_str::<RiskWords>(&value)
                .ok()
                .filter(|r| check_risk(r).is_ok())
                .map(|r| settings.risk = r),
        };
        if applied.is_none() {
            tracing::warn!(
                section = key,
                "a stored setting is no longer valid; the configured value stands"
            );
        }
    }
    Ok(())
}

/// The settings routes, behind the CSRF guard.
pub fn router(https: bool) -> Router<AppState> {
    Router::new()
        .route("/api/settings", get(get_settings))
        .route("/api/settings/{section}", put(put_section))
        .merge(canned::routes())
        .layer(axum::middleware::from_fn_with_state(
            https,
            same_origin_json,
        ))
}

/// The current settings.
pub fn view(state: &AppState) -> SettingsView {
    SettingsView {
        service: (*state.service.get()).clone(),
        opening_hours: (*state.settings.hours_config.get()).clone(),
        risk: state.chat.risk.get().words().clone(),
    }
}

fn refuse(field: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": "invalid", "field": field, "message": message })),
    )
        .into_response()
}

fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(serde_json::json!({ "error": "server_error" })),
    )
        .into_response()
}

/// Reads a JSON body; a refusal names the field serde stumbled on.
fn parse<T: serde::de::DeserializeOwned>(section: &str, body: &Bytes) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|error| {
        // serde's message names the field (`unknown field `mo``, `missing
        // field `name``) and the line and column.
        Box::new(refuse(section, &error.to_string()))
    })
}

/// `GET /api/settings` (coordinators).
async fn get_settings(counsellor: CurrentCounsellor, State(state): State<AppState>) -> Response {
    if let Err(rejection) = counsellor.require_coordinator() {
        return rejection.into_response();
    }
    Json(view(&state)).into_response()
}

/// `PUT /api/settings/<section>` (coordinators): checks, stores, swaps in,
/// audits; or refuses and changes nothing.
async fn put_section(
    counsellor: CurrentCounsellor,
    State(state): State<AppState>,
    Path(section): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(rejection) = counsellor.require_coordinator() {
        return rejection.into_response();
    }
    let _writing = state.settings.writing.lock().await;
    let result = match section.as_str() {
        "service" => {
            let service = match parse::<ServiceInfo>("service", &body) {
                Ok(service) => service,
                Err(refusal) => return *refusal,
            };
            if let Err(error) = check_service(&service) {
                return refuse(&error.field, &error.reason);
            }
            let service = ServiceInfo {
                name: service.name.trim().to_owned(),
                ..service
            };
            let json = serde_json::to_string(&service).unwrap_or_default();
            store(&state.db, "service", &json)
                .await
                .map(|()| state.service.set(service))
        }
        "opening_hours" => {
            let config = match parse::<OpeningHoursConfig>("opening_hours", &body) {
                Ok(config) => config,
                Err(refusal) => return *refusal,
            };
            let hours = match check_hours(&config) {
                Ok(hours) => hours,
                Err(error) => return refuse(&error.field, &error.reason),
            };
            let json = serde_json::to_string(&config).unwrap_or_default();
            store(&state.db, "opening_hours", &json).await.map(|()| {
                state.chat.hours.set(hours);
                state.settings.hours_config.set(config);
            })
        }
        "risk" => {
            let words = match parse::<RiskWords>("risk", &body) {
                Ok(words) => words,
                Err(refusal) => return *refusal,
            };
            let matcher = match check_risk(&words) {
                Ok(matcher) => matcher,
                Err(error) => return refuse(&error.field, &error.reason),
            };
            let json = serde_json::to_string(matcher.words()).unwrap_or_default();
            store(&state.db, "risk", &json)
                .await
                .map(|()| state.chat.risk.set(matcher))
        }
        _ => {
            return (
                StatusCode::NOT_FOUND,
                Json(serde_json::json!({ "error": "not_found" })),
            )
                .into_response();
        }
    };
    if let Err(error) = result {
        tracing::error!(%error, section = %section, "could not store a setting");
        return server_error();
    }
    let me = counsellor.counsellor();
    let actor = Actor::Counsellor(me.id.0, me.login.to_string());
    if let Err(error) = audit::record(
        &state.db,
        &actor,
        Action::SettingsChanged,
        &format!("settings:{section}"),
        "",
    )
    .await
    {
        tracing::error!(%error, "a settings change was not audited");
    }
    tracing::info!(section = %section, counsellor = %me.id, "settings changed");
    Json(view(&state)).into_response()
}
