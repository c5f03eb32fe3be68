//! Group courses: parent groups, quit-cannabis courses for young people.
//!
//! Coordinators create a course (name, audience, place, capacity and its
//! sessions; [`parent_group_sessions`] makes the standard parent group).
//! People sign up with an alias and get a manage code; when the course is
//! full they are put on the waiting list, and the first on it moves up by
//! itself when someone cancels. After the last session, participants give
//! an anonymous evaluation with their code; it is stored apart from them.
//!
//! A course cannot overfill under concurrent sign-ups: an enrolled
//! participant holds a numbered seat (1..capacity), unique per course.

use super::{BookingError, BookingService, Refusal};
use crate::crypto;
use crate::statistics::events::{self, Event};
use app::protocol::statistics::QUESTIONS;
use chrono::{Days, NaiveDate};
use sqlx::Row;

/// Who a course is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Parents and other relatives.
    Parents,
    /// Young people.
    YoungPeople,
}

impl Audience {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Parents => "parents",
            Audience::YoungPeople => "young_people",
        }
    }
    fn parse(text: &str) -> Audience {
        if text == "young_people" {
            Audience::YoungPeople
        } else {
            Audience::Parents
        }
    }
}

/// One session (Unix ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// Start.
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
}

/// A course as created by a coordinator.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    /// Its name ("Forældregruppe forår").
    pub name: String,
    /// Who it is for.
    pub audience: Audience,
    /// Where it meets.
    pub place: String,
    /// Seats (the model's groups have 5–10).
    pub capacity: u16,
    /// Its sessions.
    pub sessions: Vec<Session>,
}

/// A course with its numbers.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Course {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Audience.
    pub audience: Audience,
    /// Place.
    pub place: String,
    /// Seats.
    pub capacity: i64,
    /// Enrolled now.
    pub enrolled: i64,
    /// Waiting now.
    pub waiting: i64,
    /// Sessions, in order.
    pub sessions: Vec<Session>,
    /// The sessions as Copenhagen wall-clock text, for the console.
    pub local_sessions: Vec<super::store::LocalSpan>,
}

/// The standard parent group from its first evening: five evenings of
/// 3.5 hours from `start_minute` (Copenhagen time), the first four 14 days
/// apart, the fifth a reunion about three months (91 days) after the fourth.
pub fn parent_group_sessions(first: NaiveDate, start_minute: u16) -> Option<Vec<Session>> {
    let offsets = [0u64, 14, 28, 42, 42 + 91];
    offsets
        .iter()
        .map(|days| {
            let date = first.checked_add_days(Days::new(*days))?;
            let starts_at =
                crate::hours::local_to_ms(date, start_minute, crate::hours::Edge::Start)?;
            Some(Session {
                starts_at,
                ends_at: starts_at + 210 * 60_000,
            })
        })
        .collect()
}

/// Why a course was refused.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    /// Empty or overlong name/place, capacity outside 1–100, no sessions,
    /// or a session that ends before it starts.
    #[error("the course is not valid: {0}")]
    Invalid(&'static str),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Creates a course.
pub async fn create(
    service: &BookingService,
    course: &NewCourse,
    now: i64,
) -> Result<i64, CourseError> {
    let name = course.name.trim();
    let place = course.place.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CourseError::Invalid("name"));
    }
    if place.is_empty() || place.chars().count() > 200 {
        return Err(CourseError::Invalid("place"));
    }
    if !(1..=100).contains(&course.capacity) {
        return Err(CourseError::Invalid("capacity"));
    }
    if course.sessions.is_empty()
        || course.sessions.len() > 30
        || course.sessions.iter().any(|s| s.ends_at <= s.starts_at)
    {
        return Err(CourseError::Invalid("sessions"));
    }
    let mut tx = service.db.pool().begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO group_courses (name, audience, place, capacity, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(course.audience.as_str())
    .bind(place)
    .bind(i64::from(course.capacity))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    for session in &course.sessions {
        sqlx::query(
            "INSERT INTO group_sessions (course_id, starts_at, ends_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(session.starts_at)
        .bind(session.ends_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Every course, or only those whose first session is still ahead (the
/// sign-up page).
pub async fn courses(
    service: &BookingService,
    open_at: Option<i64>,
) -> Result<Vec<Course>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, audience, place, capacity, \
         (SELECT COUNT(*) FROM group_participants p WHERE p.course_id = g.id AND p.state = 'enrolled') AS enrolled, \
         (SELECT COUNT(*) FROM group_participants p WHERE p.course_id = g.id AND p.state = 'waiting') AS waiting \
         FROM group_courses g ORDER BY id",
    )
    .fetch_all(service.db.pool())
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let sessions = sessions(service, id).await?;
        if let Some(now) = open_at
            && sessions.first().is_none_or(|s| s.starts_at <= now)
        {
            continue;
        }
        out.push(Course {
            id,
            name: row.try_get("name")?,
            audience: Audience::parse(&row.try_get::<String, _>("audience")?),
            place: row.try_get("place")?,
            capacity: row.try_get("capacity")?,
            enrolled: row.try_get("enrolled")?,
            waiting: row.try_get("waiting")?,
            local_sessions: sessions
                .iter()
                .map(|s| super::store::LocalSpan::of(s.starts_at, s.ends_at))
                .collect(),
            sessions,
        });
    }
    Ok(out)
}

async fn sessions(service: &BookingService, course: i64) -> Result<Vec<Session>, sqlx::Error> {
    sqlx::query(
        "SELECT starts_at, ends_at FROM group_sessions WHERE course_id = $1 ORDER BY starts_at",
    )
    .bind(course)
    .fetch_all(service.db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(Session {
            starts_at: row.try_get("starts_at")?,
            ends_at: row.try_get("ends_at")?,
        })
    })
    .collect()
}

/// A sign-up as its participant sees it with the code.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Participation {
    /// The participant row.
    pub id: i64,
    /// The course.
    pub course: Course,
    /// enrolled, waiting, cancelled.
    pub state: String,
    /// Place on the waiting list (1 = next), when waiting.
    pub waiting_place: Option<i64>,
    /// The alias.
    pub alias: String,
    /// Whether they already evaluated.
    pub evaluated: bool,
}

fn owner(id: i64) -> Vec<u8> {
    crypto::context("group-participant", &[id])
}

/// Signs up for a course: a seat if one is free, else the waiting list.
/// Returns the participant's id and manage code.
pub async fn sign_up(
    service: &BookingService,
    course: i64,
    alias: &str,
    now: i64,
) -> Result<(i64, String), BookingError> {
    let open = courses(service, Some(now)).await?;
    let course = open
        .into_iter()
        .find(|c| c.id == course)
        .ok_or(Refusal::UnknownCourse)?;
    let code = crate::chat::code::new_code(&service.rng).map_err(|_| BookingError::Random)?;
    let hash = service.code_key.hash(&code);
    let mut tx = service.db.pool().begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO group_participants (course_id, state, code_hash, data_key, alias, signed_up_at) \
         VALUES ($1, 'waiting', $2, $3, $3, $4) RETURNING id",
    )
    .bind(course.id)
    .bind(&hash)
    .bind(Vec::<u8>::new())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let (key, wrapped) = service.vault.new_data_key(&owner(id))?;
    let sealed = key.seal_text(&crypto::context("group-alias", &[id]), alias)?;
    sqlx::query("UPDATE group_participants SET data_key = $1, alias = $2 WHERE id = $3")
        .bind(wrapped)
        .bind(sealed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    fill_seats(service, course.id).await?;
    Ok((id, code))
}

/// Moves the earliest waiting participants into free seats, one seat at a
/// time; the seat's uniqueness settles any race.
async fn fill_seats(service: &BookingService, course: i64) -> Result<(), BookingError> {
    loop {
        let capacity: i64 = sqlx::query("SELECT capacity FROM group_courses WHERE id = $1")
            .bind(course)
            .fetch_one(service.db.pool())
            .await?
            .try_get("capacity")?;
        let taken: Vec<i64> = sqlx::query(
            "SELECT seat FROM group_participants WHERE course_id = $1 AND seat IS NOT NULL",
        )
        .bind(course)
        .fetch_all(service.db.pool())
        .await?
        .iter()
        .map(|row| row.try_get("seat"))
        .collect::<Result<_, _>>()?;
        let Some(seat) = (1..=capacity).find(|s| !taken.contains(s)) else {
            return Ok(());
        };
        let next: Option<i64> = sqlx::query(
            "SELECT id FROM group_participants WHERE course_id = $1 AND state = 'waiting' \
             ORDER BY signed_up_at, id LIMIT 1",
        )
        .bind(course)
        .fetch_optional(service.db.pool())
        .await?
        .map(|row| row.try_get("id"))
        .transpose()?;
        let Some(next) = next else {
            return Ok(());
        };
        let moved = sqlx::query(
            "UPDATE group_participants SET state = 'enrolled', seat = $1 \
             WHERE id = $2 AND state = 'waiting'",
        )
        .bind(seat)
        .bind(next)
        .execute(service.db.pool())
        .await;
        match moved {
            // Someone else took that seat (or that person) meanwhile: look again.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
            Err(e) => return Err(e.into()),
            Ok(_) => continue,
        }
    }
}

/// The sign-up with this code hash, if any.
pub async fn by_hash(
    service: &BookingService,
    hash: &[u8],
) -> Result<Option<Participation>, BookingError> {
    let Some(row) = sqlx::query(
        "SELECT id, course_id, state, data_key, alias, evaluated, signed_up_at \
         FROM group_participants WHERE code_hash = $1",
    )
    .bind(hash)
    .fetch_optional(service.db.pool())
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let course_id: i64 = row.try_get("course_id")?;
    let key = service
        .vault
        .unwrap(&row.try_get::<Vec<u8>, _>("data_key")?, &owner(id))?;
    let alias = key.open_text(
        &crypto::context("group-alias", &[id]),
        &row.try_get::<Vec<u8>, _>("alias")?,
    )?;
    let state: String = row.try_get("state")?;
    let waiting_place = if state == "waiting" {
        let ahead: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM group_participants WHERE course_id = $1 \
             AND state = 'waiting' AND (signed_up_at < $2 OR (signed_up_at = $2 AND id < $3))",
        )
        .bind(course_id)
        .bind(row.try_get::<i64, _>("signed_up_at")?)
        .bind(id)
        .fetch_one(service.db.pool())
        .await?
        .try_get("n")?;
        Some(ahead + 1)
    } else {
        None
    };
    let course = courses(service, None)
        .await?
        .into_iter()
        .find(|c| c.id == course_id)
        .ok_or(Refusal::UnknownCode)?;
    Ok(Some(Participation {
        id,
        course,
        state,
        waiting_place,
        alias,
        evaluated: row.try_get::<i64, _>("evaluated")? == 1,
    }))
}

/// The participant cancels; the first on the waiting list moves up.
pub async fn cancel(
    service: &BookingService,
    participation: &Participation,
    now: i64,
) -> Result<(), BookingError> {
    let over = participation
        .course
        .sessions
        .last()
        .is_none_or(|s| s.ends_at <= now);
    if participation.state == "cancelled" || over {
        return Err(Refusal::Closed.into());
    }
    sqlx::query("UPDATE group_participants SET state = 'cancelled', seat = NULL WHERE id = $1")
        .bind(participation.id)
        .execute(service.db.pool())
        .await?;
    fill_seats(service, participation.course.id).await
}

/// An anonymous evaluation: three 1–5 scores and an optional comment.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// "The course helped me."
    pub helpful: u8,
    /// "I felt understood."
    pub understood: u8,
    /// "I would recommend it."
    pub recommend: u8,
    /// Free text (checked).
    pub comment: Option<String>,
}

/// Records an evaluation once per enrolled participant, after the course's
/// last session. Stored with the course only, not the participant.
pub async fn evaluate(
    service: &BookingService,
    participation: &Participation,
    evaluation: &Evaluation,
    now: i64,
) -> Result<(), BookingError> {
    let over = participation
        .course
        .sessions
        .last()
        .is_some_and(|s| s.ends_at <= now);
    if !over || participation.evaluated || participation.state != "enrolled" {
        return Err(Refusal::NoEvaluation.into());
    }
    let scores = [
        evaluation.helpful,
        evaluation.understood,
        evaluation.recommend,
    ];
    if scores.iter().any(|s| !(1..=5).contains(s)) {
        return Err(Refusal::BadScore.into());
    }
    let mut tx = service.db.pool().begin().await?;
    let marked =
        sqlx::query("UPDATE group_participants SET evaluated = 1 WHERE id = $1 AND evaluated = 0")
            .bind(participation.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if marked == 0 {
        tx.rollback().await?;
        return Err(Refusal::NoEvaluation.into());
    }
    let id: i64 = sqlx::query(
        "INSERT INTO group_evaluations (course_id, helpful, understood, recommend, data_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(participation.course.id)
    .bind(i64::from(evaluation.helpful))
    .bind(i64::from(evaluation.understood))
    .bind(i64::from(evaluation.recommend))
    .bind(Vec::<u8>::new())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let (key, wrapped) = service
        .vault
        .new_data_key(&crypto::context("group-evaluation", &[id]))?;
    let comment = evaluation
        .comment
        .as_deref()
        .map(|c| key.seal_text(&crypto::context("group-evaluation-comment", &[id]), c))
        .transpose()?;
    sqlx::query("UPDATE group_evaluations SET data_key = $1, comment = $2 WHERE id = $3")
        .bind(wrapped)
        .bind(comment)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // The scores only (never the comment), with the course they rate.
    let group = format!("group:{}", participation.course.id);
    for (question, score) in QUESTIONS.iter().zip(scores) {
        events::record(
            &mut tx,
            &Event {
                kind: "evaluation",
                at: now,
                channel: "group",
                role: Some(events::audience_role(
                    participation.course.audience.as_str(),
                )),
                outcome: Some(question),
                course: Some(&group),
                amount: Some(i64::from(score)),
                ..Event::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records every group session that has ended and was not yet counted as
/// held, with how many were enrolled then (the statistics' groups run and
/// participants). Each session once, in the same transaction that marks it,
/// whichever node or request gets there first. Runs with the purge (before
/// any sign-up is deleted) and before statistics are read. Returns how many
/// sessions it counted.
pub async fn count_held_sessions(service: &BookingService, now: i64) -> Result<u64, BookingError> {
    let due = sqlx::query(
        "SELECT s.id, s.course_id, s.starts_at, g.audience FROM group_sessions s \
         JOIN group_courses g ON g.id = s.course_id \
         WHERE s.counted = 0 AND s.ends_at <= $1 ORDER BY s.starts_at, s.id",
    )
    .bind(now)
    .fetch_all(service.db.pool())
    .await?;
    let mut counted = 0;
    for row in due {
        let session: i64 = row.try_get("id")?;
        let course: i64 = row.try_get("course_id")?;
        let audience: String = row.try_get("audience")?;
        let mut tx = service.db.pool().begin().await?;
        let marked =
            sqlx::query("UPDATE group_sessions SET counted = 1 WHERE id = $1 AND counted = 0")
                .bind(session)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if marked == 0 {
            tx.rollback().await?;
            continue;
        }
        let enrolled: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM group_participants WHERE course_id = $1 AND state = 'enrolled'",
        )
        .bind(course)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        events::record(
            &mut tx,
            &Event {
                kind: "group_session",
                at: row.try_get("starts_at")?,
                channel: "group",
                role: Some(events::audience_role(&audience)),
                course: Some(&format!("group:{course}")),
                amount: Some(enrolled),
                ..Event::default()
            },
        )
        .await?;
        tx.commit().await?;
        counted += 1;
    }
    Ok(counted)
}

/// A course's evaluations for its coordinators.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Results {
    /// How many answered.
    pub answers: i64,
    /// Mean scores (0 when nobody answered).
    pub helpful: f64,
    /// Mean.
    pub understood: f64,
    /// Mean.
    pub recommend: f64,
    /// The comments, oldest first.
    pub comments: Vec<String>,
}

/// The evaluations of one course.
pub async fn results(service: &BookingService, course: i64) -> Result<Results, BookingError> {
    let rows = sqlx::query(
        "SELECT id, helpful, understood, recommend, data_key, comment FROM group_evaluations \
         WHERE course_id = $1 ORDER BY id",
    )
    .bind(course)
    .fetch_all(service.db.pool())
    .await?;
    let mut sums = [0i64; 3];
    let mut comments = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        sums[0] += row.try_get::<i64, _>("helpful")?;
        sums[1] += row.try_get::<i64, _>("understood")?;
        sums[2] += row.try_get::<i64, _>("recommend")?;
        if let Some(sealed) = row.try_get::<Option<Vec<u8>>, _>("comment")? {
            let key = service.vault.unwrap(
                &row.try_get::<Vec<u8>, _>("data_key")?,
                &crypto::context("group-evaluation", &[id]),
            )?;
            comments
                .push(key.open_text(&crypto::context("group-evaluation-comment", &[id]), &sealed)?);
        }
    }
    let n = rows.len() as f64;
    let mean = |sum: i64| if rows.is_empty() { 0.0 } else { sum as f64 / n };
    Ok(Results {
        answers: rows.len() as i64,
        helpful: mean(sums[0]),
        understood: mean(sums[1]),
        recommend: mean(sums[2]),
        comments,
    })
}

/// Deletes sign-ups (wrapped key first) of courses whose last session ended
/// more than the retention period ago; evaluations stay, anonymous.
pub async fn purge(service: &BookingService, now: i64) -> Result<u64, BookingError> {
    // Sessions are counted while their participants are still there.
    count_held_sessions(service, now).await?;
    let cutoff = now - i64::from(service.config.retention_days) * 86_400_000;
    let ended = "SELECT course_id FROM group_sessions GROUP BY course_id HAVING MAX(ends_at) < $1";
    let mut tx = service.db.pool().begin().await?;
    sqlx::query(&format!(
        "UPDATE group_participants SET data_key = $2 WHERE course_id IN ({ended})"
    ))
    .bind(cutoff)
    .bind(Vec::<u8>::new())
    .execute(&mut *tx)
    .await?;
    let deleted = sqlx::query(&format!(
        "DELETE FROM group_participants WHERE course_id IN ({ended})"
    ))
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_group_template_is_five_evenings_the_last_a_reunion() {
        let first = NaiveDate::from_ymd_opt(2027, 1, 12).expect("date");
        let sessions = parent_group_sessions(first, 18 * 60).expect("sessions");
        assert_eq!(sessions.len(), 5);
        for s in &sessions {
            assert_eq!(s.ends_at - s.starts_at, 210 * 60_000);
            let local = crate::hours::local_parts(s.starts_at).expect("local");
            assert_eq!((local.hour, local.minute), (18, 0), "18:00 across DST");
        }
        let day = 86_400_000;
        let gap = |i: usize| (sessions[i + 1].starts_at - sessions[i].starts_at + day / 2) / day;
        assert_eq!((gap(0), gap(1), gap(2)), (14, 14, 14));
        assert!((84..=98).contains(&gap(3)), "about three months");
    }
}
