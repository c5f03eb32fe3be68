//! Bookings in the database: free times, booking, the manage-code flows,
//! the counsellors' agenda, and the purge of phone numbers and old bookings.
//!
//! Every function takes `now` (Unix ms) from its caller, so tests can play
//! the clock forward.

use super::slots::{self, Availability, Minutes};
use super::{BookerRole, BookingError, BookingService, Refusal};
use crate::crypto::{self, DataKey};
use crate::statistics::events::{self, Event};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, BTreeSet};

/// A booking's state.
pub const BOOKED: &str = "booked";

/// What a visitor asks for.
#[derive(Clone, Debug)]
pub struct NewBooking {
    /// The conversation type's key.
    pub kind: String,
    /// Who books.
    pub role: BookerRole,
    /// The chosen start (Unix ms), one of the offered times.
    pub start_ms: i64,
    /// The alias (checked).
    pub alias: String,
    /// The optional message (checked).
    pub message: Option<String>,
    /// The number to call (phone calls only, checked).
    pub phone: Option<String>,
    /// The meeting place's key (walk-and-talk only, checked).
    pub place: Option<String>,
}

/// A booking as its booker sees it with the manage code.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BookingView {
    /// The booking's id (the .ics UID is made from it).
    pub id: i64,
    /// The conversation type's key.
    pub kind: String,
    /// Who booked.
    pub role: BookerRole,
    /// The counsellor's id.
    pub counsellor_id: i64,
    /// The counsellor's first name.
    pub counsellor: String,
    /// Start (Unix ms).
    pub starts_at: i64,
    /// End (Unix ms).
    pub ends_at: i64,
    /// Meeting place key.
    pub place: Option<String>,
    /// booked, cancelled, attended, no_show.
    pub state: String,
    /// booker or counsellor, when cancelled.
    pub cancelled_by: Option<String>,
    /// The counsellor's message when they cancelled.
    pub cancel_note: Option<String>,
    /// The alias.
    pub alias: String,
    /// The video-call link the counsellor gave (video calls only, until the
    /// talk is over).
    pub video_link: Option<String>,
}

/// A booking in a counsellor's agenda.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AgendaEntry {
    /// What the booker sees too.
    #[serde(flatten)]
    pub booking: BookingView,
    /// The booker's message.
    pub message: Option<String>,
    /// The number to call: only for the assigned counsellor, and only until
    /// the talk is over.
    pub phone: Option<String>,
    /// Whether the asking counsellor holds this booking.
    pub mine: bool,
    /// Start and end as Copenhagen wall-clock time, for the console.
    #[serde(flatten)]
    pub local: LocalSpan,
    /// The conversation type's name in Danish (the key when unknown).
    pub kind_da: String,
    /// The conversation type's name in English (the key when unknown).
    pub kind_en: String,
    /// The meeting place's name in Danish, when there is one.
    pub place_da: Option<String>,
    /// The meeting place's name in English, when there is one.
    pub place_en: Option<String>,
    /// A video call: the holder gives its link in the agenda.
    pub video: bool,
}

/// A time span as Copenhagen wall-clock text: the console shows it as is,
/// without a time-zone database in the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LocalSpan {
    /// `"YYYY-MM-DD"`, the start's date.
    pub day: String,
    /// `"HH:MM"`, the start.
    pub from: String,
    /// `"HH:MM"`, the end.
    pub to: String,
}

impl LocalSpan {
    /// The span from `start` to `end` (Unix ms); empty texts for an instant
    /// outside the calendar.
    pub fn of(start: i64, end: i64) -> LocalSpan {
        let clock = |ms| {
            crate::hours::local_parts(ms)
                .map(|t| format!("{:02}:{:02}", t.hour, t.minute))
                .unwrap_or_default()
        };
        LocalSpan {
            day: crate::hours::local_parts(start)
                .map(|t| format!("{:04}-{:02}-{:02}", t.year, t.month, t.day))
                .unwrap_or_default(),
            from: clock(start),
            to: clock(end),
        }
    }
}

const VIEW_COLUMNS: &str = "b.id, b.kind, b.role, b.counsellor_id, c.first_name, b.starts_at, \
     b.ends_at, b.place, b.state, b.cancelled_by, b.cancel_note, b.data_key, b.alias, \
     b.message, b.phone, b.video_link";

fn owner(id: i64) -> Vec<u8> {
    crypto::context("booking", &[id])
}

/// The data key of booking `id`.
fn key_of(service: &BookingService, id: i64, wrapped: &[u8]) -> Result<DataKey, BookingError> {
    Ok(service.vault.unwrap(wrapped, &owner(id))?)
}

fn open(
    key: &DataKey,
    kind: &str,
    id: i64,
    sealed: Option<Vec<u8>>,
) -> Result<Option<String>, BookingError> {
    sealed
        .map(|s| key.open_text(&crypto::context(kind, &[id]), &s))
        .transpose()
        .map_err(BookingError::from)
}

/// Reads a view row; also returns the opened key and the row's sealed
/// message and phone for the agenda.
fn view_of(
    service: &BookingService,
    row: &AnyRow,
) -> Result<(BookingView, Option<String>, Option<String>), BookingError> {
    let id: i64 = row.try_get("id")?;
    let key = key_of(service, id, &row.try_get::<Vec<u8>, _>("data_key")?)?;
    let alias = open(&key, "booking-alias", id, Some(row.try_get("alias")?))?.unwrap_or_default();
    let role: String = row.try_get("role")?;
    let view = BookingView {
        id,
        kind: row.try_get("kind")?,
        role: BookerRole::parse(&role).unwrap_or(BookerRole::Parent),
        counsellor_id: row.try_get("counsellor_id")?,
        counsellor: row.try_get("first_name")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        place: row.try_get("place")?,
        state: row.try_get("state")?,
        cancelled_by: row.try_get("cancelled_by")?,
        cancel_note: open(&key, "booking-note", id, row.try_get("cancel_note")?)?,
        video_link: open(&key, "booking-video", id, row.try_get("video_link")?)?,
        alias,
    };
    let message = open(&key, "booking-message", id, row.try_get("message")?)?;
    let phone = open(&key, "booking-phone", id, row.try_get("phone")?)?;
    Ok((view, message, phone))
}

/// Every active counsellor's availability.
pub async fn availabilities(
    service: &BookingService,
) -> Result<BTreeMap<i64, Availability>, sqlx::Error> {
    let mut all: BTreeMap<i64, Availability> = BTreeMap::new();
    let weekly = sqlx::query(
        "SELECT h.counsellor_id, h.weekday, h.start_minute, h.end_minute FROM booking_hours h \
         JOIN counsellors c ON c.id = h.counsellor_id WHERE c.active = 1",
    )
    .fetch_all(service.db.pool())
    .await?;
    for row in weekly {
        let (Ok(weekday), Some(range)) = (
            u8::try_from(row.try_get::<i64, _>("weekday")?),
            minutes(&row)?,
        ) else {
            continue;
        };
        all.entry(row.try_get("counsellor_id")?)
            .or_default()
            .weekly
            .push((weekday, range));
    }
    let exceptions = sqlx::query(
        "SELECT e.counsellor_id, e.day, e.start_minute, e.end_minute, e.available \
         FROM booking_exceptions e JOIN counsellors c ON c.id = e.counsellor_id WHERE c.active = 1",
    )
    .fetch_all(service.db.pool())
    .await?;
    for row in exceptions {
        let day: String = row.try_get("day")?;
        let (Ok(day), Some(range)) = (day.parse(), minutes(&row)?) else {
            continue;
        };
        let available: i64 = row.try_get("available")?;
        all.entry(row.try_get("counsellor_id")?)
            .or_default()
            .exceptions
            .push((day, range, available == 1));
    }
    Ok(all)
}

fn minutes(row: &AnyRow) -> Result<Option<Minutes>, sqlx::Error> {
    let start: i64 = row.try_get("start_minute")?;
    let end: i64 = row.try_get("end_minute")?;
    Ok(match (u16::try_from(start), u16::try_from(end)) {
        (Ok(start), Ok(end)) => Minutes::new(start, end),
        _ => None,
    })
}

/// Occupied cells per counsellor between `from` and `to`, leaving out
/// those of booking `except` (a booking being moved).
async fn busy_cells(
    service: &BookingService,
    from: i64,
    to: i64,
    except: Option<i64>,
) -> Result<BTreeMap<i64, BTreeSet<i64>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT counsellor_id, cell_start FROM booking_cells \
         WHERE cell_start >= $1 AND cell_start < $2 AND booking_id <> $3",
    )
    .bind(from)
    .bind(to)
    .bind(except.unwrap_or(-1))
    .fetch_all(service.db.pool())
    .await?;
    let mut busy: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for row in rows {
        busy.entry(row.try_get("counsellor_id")?)
            .or_default()
            .insert(row.try_get("cell_start")?);
    }
    Ok(busy)
}

/// The window the booking page offers: from `now` plus the notice to the
/// configured number of weeks ahead.
pub fn window(service: &BookingService, now: i64) -> (i64, i64) {
    let config = &service.config;
    let from = now + i64::from(config.notice_minutes) * 60_000;
    let to = now + i64::from(config.weeks_ahead.max(1)) * 7 * 86_400_000;
    (from, to)
}

/// Which counsellors are free for a talk of type `kind` at each offered
/// start within `[from, to)`.
async fn free_by_start(
    service: &BookingService,
    kind: &str,
    from: i64,
    to: i64,
    except: Option<i64>,
) -> Result<BTreeMap<i64, Vec<i64>>, BookingError> {
    let kind = service.config.kind(kind).ok_or(Refusal::UnknownType)?;
    let length = i64::from(kind.minutes) * 60_000;
    let availability = availabilities(service).await?;
    let busy = busy_cells(service, from - length, to + length, except).await?;
    let empty = BTreeSet::new();
    let mut by_start: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (counsellor, hours) in &availability {
        let taken = busy.get(counsellor).unwrap_or(&empty);
        for start in slots::free_starts(
            hours,
            taken,
            from,
            to,
            kind.minutes,
            service.config.cell_minutes,
        ) {
            by_start.entry(start).or_default().push(*counsellor);
        }
    }
    Ok(by_start)
}

/// The free start times for a conversation type, as the booking page
/// offers them.
pub async fn free_times(
    service: &BookingService,
    kind: &str,
    now: i64,
) -> Result<Vec<i64>, BookingError> {
    let (from, to) = window(service, now);
    Ok(free_by_start(service, kind, from, to, None)
        .await?
        .into_keys()
        .collect())
}

/// Counsellors free at exactly `start` for `kind`, the least busy first
/// (so bookings spread over the team).
async fn candidates(
    service: &BookingService,
    kind: &str,
    start: i64,
    now: i64,
    except: Option<i64>,
) -> Result<Vec<i64>, BookingError> {
    let (from, to) = window(service, now);
    if start < from {
        return Err(Refusal::Past.into());
    }
    if start >= to {
        return Err(Refusal::Taken.into());
    }
    let mut free = free_by_start(service, kind, start, start + 1, except)
        .await?
        .remove(&start)
        .unwrap_or_default();
    if free.is_empty() {
        return Err(Refusal::Taken.into());
    }
    let mut load = BTreeMap::new();
    for row in sqlx::query(
        "SELECT counsellor_id, COUNT(*) AS n FROM booking_cells \
         WHERE cell_start >= $1 AND cell_start < $2 GROUP BY counsellor_id",
    )
    .bind(start - 7 * 86_400_000)
    .bind(start + 7 * 86_400_000)
    .fetch_all(service.db.pool())
    .await?
    {
        load.insert(
            row.try_get::<i64, _>("counsellor_id")?,
            row.try_get::<i64, _>("n")?,
        );
    }
    free.sort_by_key(|c| (load.get(c).copied().unwrap_or(0), *c));
    Ok(free)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Books a talk. Returns the booking's id and its manage code (shown once;
/// only its keyed hash is stored). `Taken` when every counsellor free at
/// that time was taken meanwhile: then nothing was stored.
pub async fn book(
    service: &BookingService,
    request: &NewBooking,
    now: i64,
) -> Result<(i64, String), BookingError> {
    let kind = service
        .config
        .kind(&request.kind)
        .ok_or(Refusal::UnknownType)?;
    if !kind.roles.contains(&request.role) {
        return Err(Refusal::UnknownType.into());
    }
    if kind.phone != request.phone.is_some() {
        return Err(Refusal::BadPhone.into());
    }
    match &request.place {
        Some(place) if kind.meeting_place && service.config.place(place).is_some() => {}
        None if !kind.meeting_place => {}
        _ => return Err(Refusal::BadPlace.into()),
    }
    let length = i64::from(kind.minutes) * 60_000;
    for counsellor in candidates(service, &request.kind, request.start_ms, now, None).await? {
        let code = crate::chat::code::new_code(&service.rng).map_err(|_| BookingError::Random)?;
        let hash = service.code_key.hash(&code);
        match insert(service, request, counsellor, length, &hash, now).await {
            Ok(id) => return Ok((id, code)),
            Err(BookingError::Refused(Refusal::Taken)) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(Refusal::Taken.into())
}

/// Takes the grid cells a talk of `length` from `start` covers for
/// `counsellor` in `tx`; `false` when one is already taken (the primary key
/// of `booking_cells` is what forbids double booking).
async fn take_cells(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    service: &BookingService,
    counsellor: i64,
    start: i64,
    length: i64,
    booking: i64,
) -> Result<bool, BookingError> {
    for cell in slots::cells(start, length, service.config.cell_ms()) {
        let inserted = sqlx::query(
            "INSERT INTO booking_cells (counsellor_id, cell_start, booking_id) VALUES ($1, $2, $3)",
        )
        .bind(counsellor)
        .bind(cell)
        .bind(booking)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(true)
}

async fn insert(
    service: &BookingService,
    request: &NewBooking,
    counsellor: i64,
    length: i64,
    hash: &[u8],
    now: i64,
) -> Result<i64, BookingError> {
    let mut tx = service.db.pool().begin().await?;
    // The first statement writes, so SQLite takes the write lock at once
    // (a read first could not be upgraded under contention).
    let id: i64 = sqlx::query(
        "INSERT INTO bookings (kind, role, counsellor_id, starts_at, ends_at, place, state, \
         code_hash, data_key, alias, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8, $8, $9, $9) RETURNING id",
    )
    .bind(&request.kind)
    .bind(request.role.as_str())
    .bind(counsellor)
    .bind(request.start_ms)
    .bind(request.start_ms + length)
    .bind(request.place.as_deref())
    .bind(hash)
    .bind(Vec::<u8>::new())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    if !take_cells(&mut tx, service, counsellor, request.start_ms, length, id).await? {
        tx.rollback().await?;
        return Err(Refusal::Taken.into());
    }
    let (key, wrapped) = service.vault.new_data_key(&owner(id))?;
    let seal = |kind: &str, text: &str| key.seal_text(&crypto::context(kind, &[id]), text);
    let alias = seal("booking-alias", &request.alias)?;
    let message = request
        .message
        .as_deref()
        .map(|m| seal("booking-message", m))
        .transpose()?;
    let phone = request
        .phone
        .as_deref()
        .map(|p| seal("booking-phone", p))
        .transpose()?;
    sqlx::query(
        "UPDATE bookings SET data_key = $1, alias = $2, message = $3, phone = $4 WHERE id = $5",
    )
    .bind(wrapped)
    .bind(alias)
    .bind(message)
    .bind(phone)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // A contact for the statistics: who booked and which type, nothing else.
    count_talk(&mut tx, "booked", now, request.role.as_str(), &request.kind).await?;
    tx.commit().await?;
    Ok(id)
}

/// Counts a talk booked, cancelled or marked (`kind`) for the statistics:
/// who booked (`role`) and which type of talk, nothing else.
async fn count_talk(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: &str,
    at: i64,
    role: &str,
    talk: &str,
) -> Result<(), sqlx::Error> {
    let event = Event {
        kind,
        at,
        channel: "booking",
        role: Some(events::booking_role(role)),
        outcome: Some(talk),
        ..Event::default()
    };
    events::record(tx, &event).await
}

/// The booking with this code hash, if any (the caller counts a miss as a
/// wrong guess once every kind of code was tried).
pub async fn by_hash(
    service: &BookingService,
    hash: &[u8],
) -> Result<Option<BookingView>, BookingError> {
    let row = sqlx::query(&format!(
        "SELECT {VIEW_COLUMNS} FROM bookings b JOIN counsellors c ON c.id = b.counsellor_id \
         WHERE b.code_hash = $1"
    ))
    .bind(hash)
    .fetch_optional(service.db.pool())
    .await?;
    row.map(|row| view_of(service, &row).map(|(view, _, _)| view))
        .transpose()
}

async fn by_id(service: &BookingService, id: i64) -> Result<Option<BookingView>, BookingError> {
    let row = sqlx::query(&format!(
        "SELECT {VIEW_COLUMNS} FROM bookings b JOIN counsellors c ON c.id = b.counsellor_id \
         WHERE b.id = $1"
    ))
    .bind(id)
    .fetch_optional(service.db.pool())
    .await?;
    row.map(|row| view_of(service, &row).map(|(view, _, _)| view))
        .transpose()
}

/// A booking that may still be changed by its booker: booked and not begun.
fn changeable(view: &BookingView, now: i64) -> Result<(), Refusal> {
    if view.state != BOOKED || view.starts_at <= now {
        return Err(Refusal::Closed);
    }
    Ok(())
}

/// The booker cancels. Gives the time back and deletes the phone number.
pub async fn cancel_by_booker(
    service: &BookingService,
    hash: &[u8],
    now: i64,
) -> Result<BookingView, BookingError> {
    let view = by_hash(service, hash).await?.ok_or(Refusal::UnknownCode)?;
    changeable(&view, now)?;
    cancel(service, view.id, "booker", None, now).await?;
    Ok(by_id(service, view.id).await?.unwrap_or(view))
}

async fn cancel(
    service: &BookingService,
    id: i64,
    by: &str,
    note: Option<Vec<u8>>,
    now: i64,
) -> Result<(), BookingError> {
    let mut tx = service.db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE bookings SET state = 'cancelled', cancelled_by = $1, cancel_note = $2, \
         phone = NULL, video_link = NULL, updated_at = $3 WHERE id = $4 AND state = 'booked' RETURNING role, kind",
    )
    .bind(by)
    .bind(note)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(changed) = changed else {
        tx.rollback().await?;
        return Err(Refusal::Closed.into());
    };
    let (role, kind): (String, String) = (changed.try_get("role")?, changed.try_get("kind")?);
    count_talk(&mut tx, "cancelled", now, &role, &kind).await?;
    sqlx::query("DELETE FROM booking_cells WHERE booking_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The booker moves the talk to another offered time (possibly with another
/// counsellor). All or nothing: when the new time is taken the old stays.
pub async fn move_by_booker(
    service: &BookingService,
    hash: &[u8],
    start_ms: i64,
    now: i64,
) -> Result<BookingView, BookingError> {
    let view = by_hash(service, hash).await?.ok_or(Refusal::UnknownCode)?;
    changeable(&view, now)?;
    let length = view.ends_at - view.starts_at;
    // The current counsellor first: the same person is better.
    let mut free = candidates(service, &view.kind, start_ms, now, Some(view.id)).await?;
    free.sort_by_key(|c| *c != view.counsellor_id);
    for counsellor in free {
        match relocate(service, view.id, counsellor, start_ms, length, now).await {
            Ok(()) => return Ok(by_id(service, view.id).await?.unwrap_or(view)),
            Err(BookingError::Refused(Refusal::Taken)) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(Refusal::Taken.into())
}

/// Gives booking `id` new cells: `counsellor` from `start` for `length`.
async fn relocate(
    service: &BookingService,
    id: i64,
    counsellor: i64,
    start: i64,
    length: i64,
    now: i64,
) -> Result<(), BookingError> {
    let mut tx = service.db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE bookings SET counsellor_id = $1, starts_at = $2, ends_at = $3, updated_at = $4 \
         WHERE id = $5 AND state = 'booked'",
    )
    .bind(counsellor)
    .bind(start)
    .bind(start + length)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Err(Refusal::Closed.into());
    }
    sqlx::query("DELETE FROM booking_cells WHERE booking_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if !take_cells(&mut tx, service, counsellor, start, length, id).await? {
        tx.rollback().await?;
        return Err(Refusal::Taken.into());
    }
    tx.commit().await?;
    Ok(())
}

/// The agenda from `from` to `to`: the asking counsellor's own bookings, or
/// the whole team's. Phone numbers only on the counsellor's own.
pub async fn agenda(
    service: &BookingService,
    me: i64,
    team: bool,
    from: i64,
    to: i64,
) -> Result<Vec<AgendaEntry>, BookingError> {
    let rows = sqlx::query(&format!(
        "SELECT {VIEW_COLUMNS} FROM bookings b JOIN counsellors c ON c.id = b.counsellor_id \
         WHERE b.starts_at >= $1 AND b.starts_at < $2 AND ($3 = 1 OR b.counsellor_id = $4) \
         ORDER BY b.starts_at, b.id"
    ))
    .bind(from)
    .bind(to)
    .bind(i64::from(team))
    .bind(me)
    .fetch_all(service.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let (booking, message, phone) = view_of(service, row)?;
            let mine = booking.counsellor_id == me;
            let config = &service.config;
            let kind = config.kind(&booking.kind);
            let place = booking.place.as_deref().and_then(|p| config.place(p));
            Ok(AgendaEntry {
                local: LocalSpan::of(booking.starts_at, booking.ends_at),
                kind_da: kind.map_or_else(|| booking.kind.clone(), |k| k.name_da.clone()),
                kind_en: kind.map_or_else(|| booking.kind.clone(), |k| k.name_en.clone()),
                place_da: place.map(|p| p.name_da.clone()),
                place_en: place.map(|p| p.name_en.clone()),
                video: kind.is_some_and(|k| k.video),
                booking,
                message,
                phone: phone.filter(|_| mine),
                mine,
            })
        })
        .collect()
}

/// A counsellor marks a held (or missed) talk.
pub async fn mark(
    service: &BookingService,
    id: i64,
    attended: bool,
    now: i64,
) -> Result<(), BookingError> {
    let state = if attended { "attended" } else { "no_show" };
    let mut tx = service.db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE bookings SET state = $1, updated_at = $2 WHERE id = $3 AND state = 'booked' \
         RETURNING role, kind, starts_at",
    )
    .bind(state)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(changed) = changed else {
        tx.rollback().await?;
        return Err(Refusal::Closed.into());
    };
    let (role, kind): (String, String) = (changed.try_get("role")?, changed.try_get("kind")?);
    // Counted in the hour the talk began, however late it is marked.
    count_talk(&mut tx, state, changed.try_get("starts_at")?, &role, &kind).await?;
    tx.commit().await?;
    Ok(())
}

/// Why a counsellor may not give a video link.
#[derive(Debug, thiserror::Error)]
pub enum VideoLinkError {
    /// No such booking.
    #[error("no such booking")]
    NotFound,
    /// Another counsellor holds the booking.
    #[error("the booking is a colleague's")]
    NotYours,
    /// Not a video call.
    #[error("not a video call")]
    NotVideo,
    /// Over, cancelled or marked.
    #[error("the booking is closed")]
    Closed,
    /// The database or the key failed.
    #[error(transparent)]
    Failed(#[from] BookingError),
}

/// The assigned counsellor gives (or replaces) the link of a video call;
/// the booker reads it with the manage code. Sealed like the alias.
pub async fn set_video_link(
    service: &BookingService,
    id: i64,
    me: i64,
    link: &str,
    now: i64,
) -> Result<(), VideoLinkError> {
    let view = by_id(service, id).await?.ok_or(VideoLinkError::NotFound)?;
    if view.counsellor_id != me {
        return Err(VideoLinkError::NotYours);
    }
    if !service.config.kind(&view.kind).is_some_and(|k| k.video) {
        return Err(VideoLinkError::NotVideo);
    }
    if view.state != BOOKED || view.ends_at <= now {
        return Err(VideoLinkError::Closed);
    }
    let row = sqlx::query("SELECT data_key FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(service.db.pool())
        .await
        .map_err(BookingError::from)?;
    let wrapped: Vec<u8> = row.try_get("data_key").map_err(BookingError::from)?;
    let key = key_of(service, id, &wrapped)?;
    let sealed = key
        .seal_text(&crypto::context("booking-video", &[id]), link)
        .map_err(BookingError::from)?;
    // The guard repeats the checks, so a reassignment or cancellation in
    // between wins and nothing is written.
    let changed = sqlx::query(
        "UPDATE bookings SET video_link = $1, updated_at = $2 \
         WHERE id = $3 AND counsellor_id = $4 AND state = 'booked'",
    )
    .bind(sealed)
    .bind(now)
    .bind(id)
    .bind(me)
    .execute(service.db.pool())
    .await
    .map_err(BookingError::from)?
    .rows_affected();
    if changed == 0 {
        return Err(VideoLinkError::Closed);
    }
    Ok(())
}

/// A counsellor cancels, with a note the booker sees with their code.
pub async fn cancel_by_counsellor(
    service: &BookingService,
    id: i64,
    note: &str,
    now: i64,
) -> Result<(), BookingError> {
    let row = sqlx::query("SELECT data_key FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_optional(service.db.pool())
        .await?
        .ok_or(Refusal::Closed)?;
    let key = key_of(service, id, &row.try_get::<Vec<u8>, _>("data_key")?)?;
    let note = (!note.trim().is_empty())
        .then(|| key.seal_text(&crypto::context("booking-note", &[id]), note.trim()))
        .transpose()?;
    cancel(service, id, "counsellor", note, now).await
}

/// Hands a booking to a colleague (who must be free then).
pub async fn reassign(
    service: &BookingService,
    id: i64,
    to: i64,
    now: i64,
) -> Result<(), BookingError> {
    let active: Option<i64> = sqlx::query("SELECT active FROM counsellors WHERE id = $1")
        .bind(to)
        .fetch_optional(service.db.pool())
        .await?
        .map(|row| row.try_get("active"))
        .transpose()?;
    if active != Some(1) {
        return Err(Refusal::Taken.into());
    }
    let view = by_id(service, id).await?.ok_or(Refusal::Closed)?;
    if view.state != BOOKED {
        return Err(Refusal::Closed.into());
    }
    let length = view.ends_at - view.starts_at;
    relocate(service, id, to, view.starts_at, length, now).await
}

/// Deletes the phone number of every talk that is over, and (wrapped key
/// first, then the row) every booking past retention.
pub async fn purge(service: &BookingService, now: i64) -> Result<(), BookingError> {
    let phones = sqlx::query(
        "UPDATE bookings SET phone = NULL, video_link = NULL \
         WHERE (phone IS NOT NULL OR video_link IS NOT NULL) AND ends_at <= $1",
    )
    .bind(now)
    .execute(service.db.pool())
    .await?
    .rows_affected();
    let cutoff = now - i64::from(service.config.retention_days) * 86_400_000;
    let mut tx = service.db.pool().begin().await?;
    sqlx::query("UPDATE bookings SET data_key = $1 WHERE ends_at < $2")
        .bind(Vec::<u8>::new())
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM booking_cells WHERE booking_id IN (SELECT id FROM bookings WHERE ends_at < $1)",
    )
    .bind(cutoff)
    .execute(&mut *tx)
    .await?;
    let bookings = sqlx::query("DELETE FROM bookings WHERE ends_at < $1")
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    let participants = super::groups::purge(service, now).await?;
    if phones + bookings + participants > 0 {
        tracing::info!(phones, bookings, participants, "booking data purged");
    }
    Ok(())
}

/// A counsellor's published availability as stored.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedHours {
    /// Weekly hours.
    pub weekly: Vec<WeeklyHours>,
    /// Exceptions and absences on single dates.
    pub exceptions: Vec<ExceptionHours>,
}

/// A weekly range: weekday 0 = Monday, `"HH:MM"` times.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// `"HH:MM"`.
    pub from: String,
    /// `"HH:MM"` (`"24:00"` = midnight).
    pub to: String,
}

/// One date's exception.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionHours {
    /// `"YYYY-MM-DD"`, Copenhagen date.
    pub day: String,
    /// `"HH:MM"`.
    pub from: String,
    /// `"HH:MM"`.
    pub to: String,
    /// `true`: extra hours; `false`: absent.
    pub available: bool,
}

/// `"HH:MM"` → minutes after midnight (`24:00` allowed).
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Reads a counsellor's published hours.
pub async fn published(
    service: &BookingService,
    counsellor: i64,
) -> Result<PublishedHours, BookingError> {
    let weekly = sqlx::query(
        "SELECT weekday, start_minute, end_minute FROM booking_hours WHERE counsellor_id = $1 \
         ORDER BY weekday, start_minute",
    )
    .bind(counsellor)
    .fetch_all(service.db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(WeeklyHours {
            weekday: u8::try_from(row.try_get::<i64, _>("weekday")?).unwrap_or_default(),
            from: clock(row.try_get("start_minute")?),
            to: clock(row.try_get("end_minute")?),
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let exceptions = sqlx::query(
        "SELECT day, start_minute, end_minute, available FROM booking_exceptions \
         WHERE counsellor_id = $1 ORDER BY day, start_minute",
    )
    .bind(counsellor)
    .fetch_all(service.db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(ExceptionHours {
            day: row.try_get("day")?,
            from: clock(row.try_get("start_minute")?),
            to: clock(row.try_get("end_minute")?),
            available: row.try_get::<i64, _>("available")? == 1,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(PublishedHours { weekly, exceptions })
}

/// Replaces a counsellor's published hours (all checked first: nothing is
/// changed when one range is invalid). Existing bookings stay.
pub async fn publish(
    service: &BookingService,
    counsellor: i64,
    hours: &PublishedHours,
) -> Result<(), PublishError> {
    let range = |from: &str, to: &str| {
        let (from, to) = (parse_clock(from), parse_clock(to));
        from.zip(to)
            .and_then(|(f, t)| Minutes::new(f, t))
            .ok_or(PublishError::BadRange)
    };
    let mut weekly = Vec::new();
    for w in &hours.weekly {
        if w.weekday > 6 {
            return Err(PublishError::BadRange);
        }
        weekly.push((w.weekday, range(&w.from, &w.to)?));
    }
    let mut exceptions = Vec::new();
    for e in &hours.exceptions {
        let day: chrono::NaiveDate = e.day.parse().map_err(|_| PublishError::BadRange)?;
        exceptions.push((day, range(&e.from, &e.to)?, e.available));
    }
    if weekly.len() + exceptions.len() > 500 {
        return Err(PublishError::BadRange);
    }
    let mut tx = service.db.pool().begin().await?;
    sqlx::query("DELETE FROM booking_hours WHERE counsellor_id = $1")
        .bind(counsellor)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM booking_exceptions WHERE counsellor_id = $1")
        .bind(counsellor)
        .execute(&mut *tx)
        .await?;
    for (weekday, range) in weekly {
        sqlx::query(
            "INSERT INTO booking_hours (counsellor_id, weekday, start_minute, end_minute) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(counsellor)
        .bind(i64::from(weekday))
        .bind(i64::from(range.start))
        .bind(i64::from(range.end))
        .execute(&mut *tx)
        .await?;
    }
    for (day, range, available) in exceptions {
        sqlx::query(
            "INSERT INTO booking_exceptions (counsellor_id, day, start_minute, end_minute, available) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(counsellor)
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(i64::from(range.start))
        .bind(i64::from(range.end))
        .bind(i64::from(available))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Why published hours were refused.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A time that is not `HH:MM`, an empty range, a bad date or weekday.
    #[error("a range is not valid (HH:MM-HH:MM, from before to; dates YYYY-MM-DD)")]
    BadRange,
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_read_strictly() {
        assert_eq!(parse_clock("09:30"), Some(570));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:30"), None);
        assert_eq!(parse_clock("9:30"), None);
        assert_eq!(parse_clock("09:60"), None);
        assert_eq!(clock(570), "09:30");
    }
}
