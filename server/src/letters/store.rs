//! Letter threads in the database: writing, reading and replying with the
//! code; the counsellors' queue, claims, drafts, review and answers; the
//! statistics events; the retention purge; the step into a live chat.
//!
//! Every text (letters, answers, drafts, matched risk words) is sealed under
//! the thread's own data key; the associated data names the thread and the
//! letter's number (or the field), so a ciphertext moved to another row does
//! not open. Every function takes `now` (Unix ms) from its caller where time
//! matters, so tests can play the clock.

use super::{LetterError, LetterService, Refusal};
use crate::chat::risk::RiskMatcher;
use crate::crypto::{self, DataKey};
use app::protocol::{AgeBand, Role, Topic};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::net::IpAddr;

/// What a writer sends first.
#[derive(Clone, Debug)]
pub struct NewLetter {
    /// Who writes.
    pub role: Role,
    /// Optional age band (young people only).
    pub age_band: Option<AgeBand>,
    /// Optional topic.
    pub topic: Option<Topic>,
    /// The letter (checked with [`super::parse_text`]).
    pub text: String,
}

/// Who wrote a letter of the thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The person with the code.
    Writer,
    /// A counsellor's answer.
    Counsellor,
}

/// One letter of a thread.
#[derive(Clone, Debug, Serialize)]
pub struct Letter {
    /// 1, 2, … within the thread.
    pub seq: i64,
    /// Who wrote it.
    pub from: Author,
    /// The answering counsellor's first name.
    pub counsellor: Option<String>,
    /// The text; `None` when its ciphertext did not open (reported).
    pub text: Option<String>,
    /// When it was stored (Unix ms).
    pub at: i64,
}

/// A thread as the writer (with the code) or a counsellor sees it.
#[derive(Clone, Debug, Serialize)]
pub struct Thread {
    /// The thread's id (shown to counsellors only).
    pub id: i64,
    /// Who writes.
    pub role: Role,
    /// Optional age band.
    pub age_band: Option<AgeBand>,
    /// Optional topic.
    pub topic: Option<Topic>,
    /// `waiting` (an answer is due) or `answered`.
    pub state: String,
    /// The oldest unanswered letter (Unix ms), while one waits.
    pub waiting_since: Option<i64>,
    /// The promised answer's deadline (Unix ms), while one waits.
    pub due_at: Option<i64>,
    /// The counsellor who took the thread.
    pub counsellor_id: Option<i64>,
    /// Their first name.
    pub counsellor: Option<String>,
    /// Who is drafting an answer ("being answered by …").
    pub drafting: Option<String>,
    /// Their id.
    pub draft_by: Option<i64>,
    /// When the draft was last saved.
    pub draft_at: Option<i64>,
    /// The draft waits for a colleague's review.
    pub review: bool,
    /// The writer's words matched a risk word.
    pub risk: bool,
    /// Which (opened for counsellors only).
    pub risk_words: Vec<String>,
    /// The highest letter the writer has seen with the code.
    #[serde(skip)]
    pub writer_seen_seq: i64,
    /// Last letter or change (retention counts from here).
    pub last_activity_at: i64,
    /// Started (Unix ms).
    pub created_at: i64,
}

impl Thread {
    /// An answer the writer has not seen yet waits for them.
    pub fn answer_waiting(&self, letters: &[Letter]) -> bool {
        letters
            .iter()
            .any(|l| l.from == Author::Counsellor && l.seq > self.writer_seen_seq)
    }
}

/// A thread with its letters and (for counsellors) the draft.
#[derive(Clone, Debug, Serialize)]
pub struct ThreadView {
    /// The thread.
    #[serde(flatten)]
    pub thread: Thread,
    /// Its letters, oldest first.
    pub letters: Vec<Letter>,
    /// The answer being written (counsellors only; `None` for the writer).
    pub draft: Option<String>,
}

/// A line of the console's letter queue (no letter text).
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    /// The thread.
    #[serde(flatten)]
    pub thread: Thread,
    /// Letters in the thread.
    pub letters: i64,
}

/// What sending an answer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sent {
    /// The writer can read it now.
    Sent,
    /// It waits for a colleague's review.
    ForReview,
}

/// The associated data of a thread's wrapped data key.
pub fn owner(thread: i64) -> Vec<u8> {
    crypto::context("letter-thread", &[thread])
}

fn letter_context(thread: i64, seq: i64) -> Vec<u8> {
    crypto::context("letter", &[thread, seq])
}

fn draft_context(thread: i64) -> Vec<u8> {
    crypto::context("letter-draft", &[thread])
}

fn risk_context(thread: i64) -> Vec<u8> {
    crypto::context("letter-risk-words", &[thread])
}

/// Stores a vocabulary enum as its wire name (`"young_person"`), as the
/// chat does, so statistics read both channels alike.
fn to_db<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

fn from_db<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// Opens a sealed text, reporting (ids only) and hiding it when it does not
/// authenticate.
fn open_or_report(key: &DataKey, place: &[u8], sealed: &[u8], thread: i64) -> Option<String> {
    match key.open_text(place, sealed) {
        Ok(text) => Some(text),
        Err(error) => {
            tracing::error!(thread, %error, "a sealed letter text failed authentication: not shown");
            None
        }
    }
}

const THREAD_COLUMNS: &str = "t.id, t.role, t.age_band, t.topic, t.state, t.waiting_since, \
     t.due_at, t.counsellor_id, t.draft_by, t.draft_at, t.review, t.risk, t.risk_words, \
     t.writer_seen_seq, t.last_activity_at, t.created_at, t.data_key, t.draft, \
     (SELECT first_name FROM counsellors c WHERE c.id = t.counsellor_id) AS counsellor, \
     (SELECT first_name FROM counsellors c WHERE c.id = t.draft_by) AS drafting";

fn key_of(service: &LetterService, row: &AnyRow) -> Result<DataKey, LetterError> {
    let id: i64 = row.try_get("id")?;
    let wrapped: Vec<u8> = row.try_get("data_key")?;
    Ok(service.vault.unwrap(&wrapped, &owner(id))?)
}

/// Reads a thread row; risk words and draft opened only for counsellors.
fn thread_of(
    service: &LetterService,
    row: &AnyRow,
    counsellor: bool,
) -> Result<(Thread, Option<String>), LetterError> {
    let id: i64 = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    let age_band: Option<String> = row.try_get("age_band")?;
    let topic: Option<String> = row.try_get("topic")?;
    let (risk_words, draft) = if counsellor {
        let key = key_of(service, row)?;
        let sealed_words: Option<Vec<u8>> = row.try_get("risk_words")?;
        let words = sealed_words
            .and_then(|s| open_or_report(&key, &risk_context(id), &s, id))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let sealed_draft: Option<Vec<u8>> = row.try_get("draft")?;
        let draft = sealed_draft.and_then(|s| open_or_report(&key, &draft_context(id), &s, id));
        (words, draft)
    } else {
        (Vec::new(), None)
    };
    let thread = Thread {
        id,
        role: from_db(&role).unwrap_or(Role::YoungPerson),
        age_band: age_band.as_deref().and_then(from_db),
        topic: topic.as_deref().and_then(from_db),
        state: row.try_get("state")?,
        waiting_since: row.try_get("waiting_since")?,
        due_at: row.try_get("due_at")?,
        counsellor_id: row.try_get("counsellor_id")?,
        counsellor: row.try_get("counsellor")?,
        drafting: row.try_get("drafting")?,
        draft_by: row.try_get("draft_by")?,
        draft_at: row.try_get("draft_at")?,
        review: row.try_get::<i64, _>("review")? == 1,
        risk: row.try_get::<i64, _>("risk")? == 1,
        risk_words,
        writer_seen_seq: row.try_get("writer_seen_seq")?,
        last_activity_at: row.try_get("last_activity_at")?,
        created_at: row.try_get("created_at")?,
    };
    Ok((thread, draft))
}

async fn letters_of(
    service: &LetterService,
    key: &DataKey,
    thread: i64,
) -> Result<Vec<Letter>, LetterError> {
    let rows = sqlx::query(
        "SELECT m.seq, m.sender, m.body, m.created_at, c.first_name FROM letter_messages m \
         LEFT JOIN counsellors c ON c.id = m.counsellor_id WHERE m.thread_id = $1 ORDER BY m.seq",
    )
    .bind(thread)
    .fetch_all(service.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let seq: i64 = row.try_get("seq")?;
            let sender: String = row.try_get("sender")?;
            let body: Vec<u8> = row.try_get("body")?;
            Ok(Letter {
                seq,
                from: if sender == "counsellor" {
                    Author::Counsellor
                } else {
                    Author::Writer
                },
                counsellor: row.try_get("first_name")?,
                text: open_or_report(key, &letter_context(thread, seq), &body, thread),
                at: row.try_get("created_at")?,
            })
        })
        .collect()
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Writes a new letter and returns the thread's id and its code. The
/// letter is durably stored (committed) before this returns, so a code on
/// the screen always finds its letter; only the code's keyed hash is kept.
/// Records a `contact_started` event on channel `letter`.
pub async fn write(
    service: &LetterService,
    letter: &NewLetter,
    risk: &RiskMatcher,
    now: i64,
) -> Result<(i64, String), LetterError> {
    let course = crate::chat::token::new_token(&service.rng).map_err(|_| LetterError::Random)?;
    // A new code is drawn when one is taken (a 1 in 2^44 chance).
    for _ in 0..3 {
        let code = crate::chat::code::new_code(&service.rng).map_err(|_| LetterError::Random)?;
        let hash = service.code_key.hash(&code);
        match insert(service, letter, &hash, &course, risk, now).await {
            Ok(id) => return Ok((id, code)),
            Err(LetterError::Db(e)) if is_unique_violation(&e) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(LetterError::Random)
}

async fn insert(
    service: &LetterService,
    letter: &NewLetter,
    hash: &[u8],
    course: &str,
    risk: &RiskMatcher,
    now: i64,
) -> Result<i64, LetterError> {
    let due = service.deadline(now);
    let mut tx = service.db.pool().begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO letter_threads (code_hash, role, age_band, topic, course_token, data_key, \
         state, waiting_since, due_at, created_at, last_activity_at, next_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $8, $7, $7, 2) RETURNING id",
    )
    .bind(hash)
    .bind(to_db(&letter.role))
    .bind(letter.age_band.as_ref().map(to_db))
    .bind(letter.topic.as_ref().map(to_db))
    .bind(course)
    .bind(Vec::<u8>::new())
    .bind(now)
    .bind(due)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    // The id is the key's owner, so the key comes after the row.
    let (key, wrapped) = service.vault.new_data_key(&owner(id))?;
    let body = key.seal_text(&letter_context(id, 1), &letter.text)?;
    sqlx::query(
        "INSERT INTO letter_messages (thread_id, seq, sender, body, created_at) \
         VALUES ($1, 1, 'writer', $2, $3)",
    )
    .bind(id)
    .bind(body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let words = risk.matches(&letter.text);
    let sealed_words = seal_words(&key, id, &words)?;
    sqlx::query(
        "UPDATE letter_threads SET data_key = $1, risk = $2, risk_words = $3 WHERE id = $4",
    )
    .bind(wrapped)
    .bind(i64::from(!words.is_empty()))
    .bind(sealed_words)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        "contact_started",
        &letter.role,
        letter.age_band,
        letter.topic,
        course,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn seal_words(key: &DataKey, id: i64, words: &[String]) -> Result<Option<Vec<u8>>, LetterError> {
    if words.is_empty() {
        return Ok(None);
    }
    let json = serde_json::to_string(words).unwrap_or_else(|_| "[]".to_owned());
    Ok(Some(key.seal_text(&risk_context(id), &json)?))
}

/// A non-identifying statistics event on channel `letter`: no content, no
/// code; the course token is random and stored only on the thread.
async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: &str,
    role: &Role,
    age_band: Option<AgeBand>,
    topic: Option<Topic>,
    course: &str,
    wait_ms: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_events (kind, at, channel, role, age_band, topic, wait_ms, outcome, \
         course, returned) VALUES ($1, $2, 'letter', $3, $4, $5, $6, NULL, $7, 0)",
    )
    .bind(kind)
    .bind(crate::chat::store::hour_bucket(crate::db::now_millis()))
    .bind(to_db(role))
    .bind(age_band.as_ref().map(to_db))
    .bind(topic.as_ref().map(to_db))
    .bind(wait_ms)
    .bind(course)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The thread a typed code opens, for the writer: rate-limited; a miss
/// counts as a wrong guess. Returns the code's hash too, for what follows.
pub async fn find(
    service: &LetterService,
    typed: &str,
    client: Option<IpAddr>,
) -> Result<(Vec<u8>, ThreadView), LetterError> {
    let hash = crate::chat::code::checked_hash(&service.code_key, &service.guesses, typed, client)
        .map_err(Refusal::from)?;
    match by_hash(service, &hash).await? {
        Some(view) => Ok((hash, view)),
        None => {
            service.guesses.wrong(client);
            Err(Refusal::UnknownCode.into())
        }
    }
}

/// The thread with this code hash, as the writer sees it.
pub async fn by_hash(
    service: &LetterService,
    hash: &[u8],
) -> Result<Option<ThreadView>, LetterError> {
    let row = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS} FROM letter_threads t WHERE t.code_hash = $1"
    ))
    .bind(hash)
    .fetch_optional(service.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (thread, _) = thread_of(service, &row, false)?;
    let key = key_of(service, &row)?;
    let letters = letters_of(service, &key, thread.id).await?;
    Ok(Some(ThreadView {
        thread,
        letters,
        draft: None,
    }))
}

/// The writer has seen the thread up to `seq`: an answer no longer waits.
pub async fn mark_seen(service: &LetterService, thread: i64, seq: i64) -> Result<(), LetterError> {
    sqlx::query(
        "UPDATE letter_threads SET writer_seen_seq = $2 WHERE id = $1 AND writer_seen_seq < $2",
    )
    .bind(thread)
    .bind(seq)
    .execute(service.db.pool())
    .await?;
    Ok(())
}

/// Appends a letter to thread `id` under its key, numbering it; returns the
/// new letter's number.
async fn append(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &DataKey,
    id: i64,
    from: Author,
    counsellor: Option<i64>,
    text: &str,
    now: i64,
) -> Result<i64, LetterError> {
    let seq: i64 = sqlx::query(
        "UPDATE letter_threads SET next_seq = next_seq + 1, last_activity_at = $2 WHERE id = $1 \
         RETURNING next_seq - 1 AS seq",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Refusal::NotFound)?
    .try_get("seq")?;
    let body = key.seal_text(&letter_context(id, seq), text)?;
    sqlx::query(
        "INSERT INTO letter_messages (thread_id, seq, sender, counsellor_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(seq)
    .bind(match from {
        Author::Writer => "writer",
        Author::Counsellor => "counsellor",
    })
    .bind(counsellor)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// The writer replies in their thread (found by the code's hash). The
/// thread waits for an answer again, from the same counsellor; the
/// deadline counts from the oldest unanswered letter.
pub async fn reply(
    service: &LetterService,
    hash: &[u8],
    text: &str,
    risk: &RiskMatcher,
    now: i64,
) -> Result<i64, LetterError> {
    let view = by_hash(service, hash).await?.ok_or(Refusal::UnknownCode)?;
    let id = view.thread.id;
    let row = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS} FROM letter_threads t WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_one(service.db.pool())
    .await?;
    let (thread, _) = thread_of(service, &row, true)?;
    let key = key_of(service, &row)?;
    let mut tx = service.db.pool().begin().await?;
    let seq = append(&mut tx, &key, id, Author::Writer, None, text, now).await?;
    let since = thread.waiting_since.unwrap_or(now);
    let mut words = thread.risk_words.clone();
    for word in risk.matches(text) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    sqlx::query(
        "UPDATE letter_threads SET state = 'waiting', waiting_since = $2, due_at = $3, \
         risk = $4, risk_words = $5, writer_seen_seq = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(since)
    .bind(service.deadline(since))
    .bind(i64::from(!words.is_empty()))
    .bind(seal_words(&key, id, &words)?)
    .bind(seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(seq)
}

/// The console's letter queue: every thread waiting for an answer, the
/// nearest deadline first (no letter text: the list is read at a glance).
pub async fn queue(service: &LetterService) -> Result<Vec<QueueItem>, LetterError> {
    let rows = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS}, (SELECT COUNT(*) FROM letter_messages m \
         WHERE m.thread_id = t.id) AS letters FROM letter_threads t \
         WHERE t.state = 'waiting' ORDER BY t.due_at, t.id"
    ))
    .fetch_all(service.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let (thread, _) = thread_of(service, row, true)?;
            Ok(QueueItem {
                thread,
                letters: row.try_get("letters")?,
            })
        })
        .collect()
}

/// Threads answered by counsellor `me` that wait for nothing (so they can
/// read back what they wrote), newest first.
pub async fn answered_by(service: &LetterService, me: i64) -> Result<Vec<QueueItem>, LetterError> {
    let rows = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS}, (SELECT COUNT(*) FROM letter_messages m \
         WHERE m.thread_id = t.id) AS letters FROM letter_threads t \
         WHERE t.state = 'answered' AND t.counsellor_id = $1 \
         ORDER BY t.last_activity_at DESC, t.id LIMIT 50"
    ))
    .bind(me)
    .fetch_all(service.db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let (thread, _) = thread_of(service, row, true)?;
            Ok(QueueItem {
                thread,
                letters: row.try_get("letters")?,
            })
        })
        .collect()
}

async fn row_by_id(service: &LetterService, id: i64) -> Result<AnyRow, LetterError> {
    sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS} FROM letter_threads t WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(service.db.pool())
    .await?
    .ok_or_else(|| Refusal::NotFound.into())
}

/// One thread with its letters and the draft, for a counsellor.
pub async fn thread(service: &LetterService, id: i64) -> Result<ThreadView, LetterError> {
    let row = row_by_id(service, id).await?;
    let (thread, draft) = thread_of(service, &row, true)?;
    let key = key_of(service, &row)?;
    let letters = letters_of(service, &key, id).await?;
    Ok(ThreadView {
        thread,
        letters,
        draft,
    })
}

/// Counsellor `me` takes the thread (a thread already theirs stays so;
/// another counsellor's is refused with [`Refusal::Taken`]).
pub async fn claim(service: &LetterService, id: i64, me: i64) -> Result<(), LetterError> {
    let changed = sqlx::query(
        "UPDATE letter_threads SET counsellor_id = $2 \
         WHERE id = $1 AND (counsellor_id IS NULL OR counsellor_id = $2)",
    )
    .bind(id)
    .bind(me)
    .execute(service.db.pool())
    .await?
    .rows_affected();
    if changed == 0 {
        row_by_id(service, id).await?;
        return Err(Refusal::Taken.into());
    }
    Ok(())
}

/// Counsellor `me` gives the thread back to the queue (the draft goes with
/// it: a colleague starts afresh).
pub async fn release(service: &LetterService, id: i64, me: i64) -> Result<(), LetterError> {
    let changed = sqlx::query(
        "UPDATE letter_threads SET counsellor_id = NULL, draft = NULL, draft_by = NULL, \
         draft_at = NULL, review = 0 WHERE id = $1 AND counsellor_id = $2",
    )
    .bind(id)
    .bind(me)
    .execute(service.db.pool())
    .await?
    .rows_affected();
    if changed == 0 {
        row_by_id(service, id).await?;
        return Err(Refusal::Taken.into());
    }
    Ok(())
}

/// Saves counsellor `me`'s draft answer (taking the thread when nobody
/// has it). Colleagues see the thread as "being answered by" them.
pub async fn save_draft(
    service: &LetterService,
    id: i64,
    me: i64,
    text: &str,
    now: i64,
) -> Result<(), LetterError> {
    claim(service, id, me).await?;
    let row = row_by_id(service, id).await?;
    let key = key_of(service, &row)?;
    let sealed = key.seal_text(&draft_context(id), text)?;
    sqlx::query(
        "UPDATE letter_threads SET draft = $3, draft_by = $2, draft_at = $4, review = 0 \
         WHERE id = $1 AND counsellor_id = $2",
    )
    .bind(id)
    .bind(me)
    .bind(sealed)
    .bind(now)
    .execute(service.db.pool())
    .await?;
    Ok(())
}

/// Counsellor `me` sends an answer. Where the service reviews answers, it
/// is saved as a draft waiting for a colleague ([`Sent::ForReview`]).
pub async fn send(
    service: &LetterService,
    id: i64,
    me: i64,
    text: &str,
    now: i64,
) -> Result<Sent, LetterError> {
    let view = thread(service, id).await?;
    if view.thread.state != "waiting" {
        return Err(Refusal::NothingToAnswer.into());
    }
    if service.config.review_before_send {
        save_draft(service, id, me, text, now).await?;
        sqlx::query("UPDATE letter_threads SET review = 1 WHERE id = $1 AND draft_by = $2")
            .bind(id)
            .bind(me)
            .execute(service.db.pool())
            .await?;
        return Ok(Sent::ForReview);
    }
    claim(service, id, me).await?;
    deliver(service, &view, me, text, now).await?;
    Ok(Sent::Sent)
}

/// A colleague (not the draft's author) approves the draft waiting for
/// review: it is sent in its author's name.
pub async fn approve(
    service: &LetterService,
    id: i64,
    reviewer: i64,
    now: i64,
) -> Result<(), LetterError> {
    let view = thread(service, id).await?;
    let (Some(author), Some(text), true) =
        (view.thread.draft_by, view.draft.clone(), view.thread.review)
    else {
        return Err(Refusal::NoReview.into());
    };
    if author == reviewer || view.thread.state != "waiting" {
        return Err(Refusal::NoReview.into());
    }
    deliver(service, &view, author, &text, now).await
}

/// Stores the answer, clears the draft, and records `letter_answered` with
/// the wait from the writer's latest unanswered letter.
async fn deliver(
    service: &LetterService,
    view: &ThreadView,
    author: i64,
    text: &str,
    now: i64,
) -> Result<(), LetterError> {
    let id = view.thread.id;
    let row = row_by_id(service, id).await?;
    let key = key_of(service, &row)?;
    let latest_unanswered = view
        .letters
        .iter()
        .rev()
        .take_while(|l| l.from == Author::Writer)
        .map(|l| l.at)
        .next();
    let course: String = sqlx::query("SELECT course_token FROM letter_threads WHERE id = $1")
        .bind(id)
        .fetch_one(service.db.pool())
        .await?
        .try_get("course_token")?;
    let mut tx = service.db.pool().begin().await?;
    // Only a waiting thread is answered, once: a second click finds none.
    let changed = sqlx::query(
        "UPDATE letter_threads SET state = 'answered', waiting_since = NULL, due_at = NULL, \
         draft = NULL, draft_by = NULL, draft_at = NULL, review = 0, counsellor_id = $2 \
         WHERE id = $1 AND state = 'waiting'",
    )
    .bind(id)
    .bind(author)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Err(Refusal::NothingToAnswer.into());
    }
    append(
        &mut tx,
        &key,
        id,
        Author::Counsellor,
        Some(author),
        text,
        now,
    )
    .await?;
    record(
        &mut tx,
        "letter_answered",
        &view.thread.role,
        view.thread.age_band,
        view.thread.topic,
        &course,
        latest_unanswered.map(|at| now.saturating_sub(at).max(0)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes every thread whose last activity is before `before`: the data
/// key first (crypto-shredding), then the letters and the row. Returns how
/// many.
pub async fn purge_inactive(db: &crate::db::Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE letter_threads SET data_key = $1 WHERE last_activity_at < $2")
        .bind(Vec::<u8>::new())
        .bind(before)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM letter_messages WHERE thread_id IN \
         (SELECT id FROM letter_threads WHERE last_activity_at < $1)",
    )
    .bind(before)
    .execute(&mut *tx)
    .await?;
    let purged = sqlx::query("DELETE FROM letter_threads WHERE last_activity_at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(purged)
}

/// Makes the thread's code open a live chat with the thread's counsellor:
/// an ended chat course with the same code hash, role and course token, as
/// if the counsellor had talked with the writer before. When the writer
/// types the code on the chat page, the chat's own resume flow reopens it in
/// the queue, kept for that counsellor while they are on duty. Idempotent:
/// a course already linked is left as it is.
pub async fn link_chat(service: &LetterService, hash: &[u8], now: i64) -> Result<(), LetterError> {
    let row = sqlx::query(
        "SELECT id, role, age_band, topic, course_token, counsellor_id FROM letter_threads \
         WHERE code_hash = $1",
    )
    .bind(hash)
    .fetch_optional(service.db.pool())
    .await?
    .ok_or(Refusal::UnknownCode)?;
    let counsellor: Option<i64> = row.try_get("counsellor_id")?;
    let Some(counsellor) = counsellor else {
        return Err(Refusal::NothingToAnswer.into());
    };
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE code_hash = $1")
            .bind(hash)
            .fetch_optional(service.db.pool())
            .await?;
    if linked.is_some() {
        return Ok(());
    }
    // The chat reattaches browsers by a token; this course has none yet:
    // a random one nobody holds.
    let token = crate::chat::token::new_token(&service.rng).map_err(|_| LetterError::Random)?;
    let mut tx = service.db.pool().begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO conversations (token_hash, role, age_band, topic, state, counsellor_id, \
         created_at, claimed_at, ended_at, ended_by, last_activity_at, code_hash, queued_at, \
         course_token) VALUES ($1, $2, $3, $4, 'ended', $5, $6, $6, $6, 'counsellor', $6, $7, \
         $6, $8) RETURNING id",
    )
    .bind(crate::chat::token::token_hash(&token))
    .bind(row.try_get::<String, _>("role")?)
    .bind(row.try_get::<Option<String>, _>("age_band")?)
    .bind(row.try_get::<Option<String>, _>("topic")?)
    .bind(counsellor)
    .bind(now)
    .bind(hash)
    .bind(row.try_get::<String, _>("course_token")?)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let (_, wrapped) = service
        .vault
        .new_data_key(&crate::chat::store::key_owner(id))?;
    sqlx::query("INSERT INTO conversation_keys (conversation_id, wrapped) VALUES ($1, $2)")
        .bind(id)
        .bind(wrapped)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
