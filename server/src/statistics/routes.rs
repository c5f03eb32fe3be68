//! The coordinators' statistics routes. Merged into
//! [`crate::routes::auth::router`] (its session and CSRF guard); every
//! route needs a logged-in coordinator: 401 `not_logged_in`, 403
//! `forbidden` for a counsellor. All are reads; a malformed or missing
//! period is 400 `bad_period` and changes nothing.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/statistics?period=2026-10` (or `=2026`) | 200 [`Report`](app::protocol::statistics::Report), exact figures |
//! | `GET /api/statistics/csv?period=2026-10&lang=da` | 200 `text/csv` (RFC 4180) download, small numbers suppressed |
//! | `GET /api/statistics/report?period=2026-10&lang=da` | 200 the printable report (HTML), suppressed like the CSV |
//!
//! `lang` is `da` (the default) or `en`; it changes only the labels.

use super::{Period, export};
use crate::auth::session::CurrentCounsellor;
use crate::routes::auth::refuse;
use crate::state::AppState;
use app::console::texts::Lang;
use app::protocol::statistics::Report;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

/// The routes (layers come from the session router).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/statistics", get(figures))
        .route("/api/statistics/csv", get(csv))
        .route("/api/statistics/report", get(printable))
}

/// What every route reads from the query string.
#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
    lang: Option<String>,
}

/// The period's report for a coordinator, or the answer that refuses.
async fn report_for(
    state: &AppState,
    me: &CurrentCounsellor,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<(Report, Lang), Response> {
    me.require_coordinator()
        .map_err(IntoResponse::into_response)?;
    let bad_period = || {
        refuse(
            StatusCode::BAD_REQUEST,
            "bad_period",
            "period must be a month (YYYY-MM) or a year (YYYY) from 2000 to 2100",
        )
    };
    let Ok(Query(query)) = query else {
        return Err(bad_period());
    };
    let period = query
        .period
        .as_deref()
        .and_then(Period::parse)
        .ok_or_else(bad_period)?;
    let lang = Lang::from_code(query.lang.as_deref().unwrap_or("da"));
    match super::report(
        &state.db,
        &state.booking,
        period,
        state.statistics,
        crate::db::now_millis(),
    )
    .await
    {
        Ok(Some(report)) => Ok((report, lang)),
        Ok(None) => Err(bad_period()),
        Err(error) => {
            tracing::error!(%error, "statistics could not be computed");
            Err(refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "The server could not compute the statistics; try again.",
            ))
        }
    }
}

/// `GET /api/statistics`.
async fn figures(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    match report_for(&state, &me, query).await {
        Ok((report, _)) => axum::Json(report).into_response(),
        Err(refused) => refused,
    }
}

/// `GET /api/statistics/csv`.
async fn csv(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    let (report, lang) = match report_for(&state, &me, query).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let name = match lang {
        Lang::Da => "statistik",
        Lang::En => "statistics",
    };
    let mut response = export::csv(&report, lang).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{name}-{}.csv\"",
        report.period
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /api/statistics/report`.
async fn printable(
    State(state): State<AppState>,
    me: CurrentCounsellor,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    match report_for(&state, &me, query).await {
        Ok((report, lang)) => {
            Html(export::printable(&report, lang, &state.service.get().name)).into_response()
        }
        Err(refused) => refused,
    }
}
