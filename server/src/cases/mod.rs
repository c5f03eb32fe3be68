//! Treatment cases: the explicit, consented conversion of an anonymous
//! course, and the case that follows. The only place the service stores
//! identifying data (name, CPR number, contact details, the parents and the
//! case worker), every bit of it sealed under the case's own data key.
//!
//! The line the law draws (see DOMAIN.md): anonymous counselling needs no
//! registration; treatment ends anonymity. So a case starts only from a
//! counsellor's explicit act with the young person's recorded consent, and
//! an under-18's case cannot become active without the parents' consent
//! and the municipality's case worker reference (checked here with a clear
//! refusal, and by a CHECK constraint in the database as a backstop).
//!
//! Encryption: each case row holds its data key wrapped under the master
//! key (owner context [`owner`]); each sealed column is bound to the case,
//! the field and the row ([`field_context`], [`entry_context`]), so a
//! ciphertext copied elsewhere fails to open. Deleting a case removes the
//! wrapped key first (crypto-shredding), then the rows.
//!
//! Who may open a case: its assigned counsellors and coordinators
//! ([`may_open`]); the routes audit every create, read, update, export and
//! delete, and every refused attempt.

pub mod cpr;

use crate::audit::{self, Action, Actor};
use crate::auth::counsellors::{Counsellor, Role};
use crate::chat::store::{Conversation, ConversationStore};
use crate::crypto::{self, CryptoError, DataKey, Vault};
use crate::db::{Db, now_millis};
use app::protocol::case::{
    AgeGroup, CarryOver, CaseCounsellor, CaseEntry, CaseState, CaseSummary, CaseView, ConsentHow,
    ConsentRecord, ConsentUpdate, CourseHistory, EntryKind, Identity, MAX_ADDRESS_CHARS,
    MAX_ENTRY_CHARS, MAX_SHORT_CHARS, NewCase, NewEntry, ParentsConsent, SESSION_KINDS, origin_of,
};
use cpr::{Cpr, CprError};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt;

/// Every stored wrapped data key of this module, for the master-key
/// rotation: (table, id column, wrapped-key column, owner context kind).
/// The owner context of a row is `crypto::context(kind, &[id])`.
pub const WRAPPED_KEYS: &[(&str, &str, &str, &str)] =
    &[("treatment_cases", "id", "wrapped_key", "case")];

/// How long a closed case is kept before it is deleted (the retention
/// rule for treatment records: 5 years after the case ended).
pub const CLOSED_CASE_RETENTION_MS: i64 = 5 * 365 * 24 * 3_600_000;

/// The owner context the case's data key is wrapped with.
pub fn owner(case: i64) -> Vec<u8> {
    crypto::context("case", &[case])
}

/// The sealed columns of the case row. The numbers are part of each
/// ciphertext's associated data: never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `name_sealed`.
    Name = 1,
    /// `cpr_sealed`.
    Cpr = 2,
    /// `phone_sealed`.
    Phone = 3,
    /// `email_sealed`.
    Email = 4,
    /// `address_sealed`.
    Address = 5,
    /// `case_worker_sealed`.
    CaseWorker = 6,
    /// `parents_sealed`: who gave the parents' consent.
    Parents = 7,
}

impl Field {
    /// Its column.
    pub fn column(self) -> &'static str {
        match self {
            Field::Name => "name_sealed",
            Field::Cpr => "cpr_sealed",
            Field::Phone => "phone_sealed",
            Field::Email => "email_sealed",
            Field::Address => "address_sealed",
            Field::CaseWorker => "case_worker_sealed",
            Field::Parents => "parents_sealed",
        }
    }
}

/// Associated data of one sealed column of a case row: the case (which is
/// the row) and the field.
pub fn field_context(case: i64, field: Field) -> Vec<u8> {
    crypto::context("case_field", &[case, field as i64])
}

/// Associated data of an entry's body: the case and the entry row.
pub fn entry_context(case: i64, entry: i64) -> Vec<u8> {
    crypto::context("case_entry", &[case, entry])
}

/// Why a case operation was refused. The codes are the API's `error`
/// values; no variant ever carries the data it refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No such case (or deleted).
    #[error("no such case")]
    NotFound,
    /// Neither assigned nor a coordinator.
    #[error("only the case's counsellors and coordinators may open it")]
    Forbidden,
    /// The conversation is not one the counsellor has or had.
    #[error("you can convert only a course you have or had")]
    NotYourConversation,
    /// An input was not valid (the code says which).
    #[error("{1}")]
    Invalid(&'static str, &'static str),
    /// Under 18 and no parents' consent recorded.
    #[error("an under-18's case needs the parents' consent before it becomes active")]
    ParentsConsentRequired,
    /// Under 18 and no case worker reference recorded.
    #[error(
        "an under-18's case needs the municipality's case worker reference before it becomes active"
    )]
    CaseWorkerRequired,
    /// The case is closed: nothing more is written to it.
    #[error("the case is closed")]
    Closed,
    /// Only a closed case can be deleted.
    #[error("close the case before deleting it")]
    NotClosed,
    /// Sealing or opening failed (a tampered ciphertext, a lost key).
    #[error("the case's data could not be opened: {0}")]
    Crypto(#[from] CryptoError),
    /// The audit log could not be written: no access without a record.
    #[error("the audit log could not be written")]
    Audit,
    /// The database failed; nothing was changed.
    #[error("database error")]
    Db(#[from] sqlx::Error),
}

impl CaseError {
    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::NotFound => "not_found",
            CaseError::Forbidden => "forbidden",
            CaseError::NotYourConversation => "not_your_conversation",
            CaseError::Invalid(code, _) => code,
            CaseError::ParentsConsentRequired => "parents_consent_required",
            CaseError::CaseWorkerRequired => "case_worker_required",
            CaseError::Closed => "case_closed",
            CaseError::NotClosed => "case_not_closed",
            CaseError::Crypto(_) => "case_unreadable",
            CaseError::Audit | CaseError::Db(_) => "server_error",
        }
    }
}

/// Identifying data that passed validation. Debug output is redacted.
#[derive(Clone)]
pub struct ValidIdentity {
    name: String,
    cpr: Cpr,
    phone: String,
    email: String,
    address: String,
}

impl fmt::Debug for ValidIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValidIdentity(..)")
    }
}

fn short(
    text: &str,
    max: usize,
    code: &'static str,
    why: &'static str,
) -> Result<String, CaseError> {
    let text = text.trim();
    if text.chars().count() > max || text.chars().any(|c| c.is_control()) {
        return Err(CaseError::Invalid(code, why));
    }
    Ok(text.to_owned())
}

/// Checks the identity form: a name and a valid CPR number are required,
/// contact details are optional but must look like what they are.
pub fn validate_identity(identity: &Identity) -> Result<ValidIdentity, CaseError> {
    let name = short(
        &identity.name,
        MAX_SHORT_CHARS,
        "invalid_name",
        "the name must be at most 200 characters",
    )?;
    if name.is_empty() {
        return Err(CaseError::Invalid("invalid_name", "the name is required"));
    }
    let cpr = Cpr::parse(&identity.cpr).map_err(|error| match error {
        CprError::Format => {
            CaseError::Invalid("invalid_cpr", "a CPR number is 10 digits, DDMMYY-SSSS")
        }
        CprError::Date => CaseError::Invalid(
            "invalid_cpr_date",
            "the first six digits of the CPR number must be a real date (DDMMYY)",
        ),
    })?;
    let phone = short(
        &identity.phone,
        30,
        "invalid_phone",
        "a phone number is digits, spaces and +",
    )?;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !phone.is_empty()
        && (digits < 8
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '+'))
    {
        return Err(CaseError::Invalid(
            "invalid_phone",
            "a phone number is at least 8 digits (spaces and + allowed)",
        ));
    }
    let email = short(
        &identity.email,
        MAX_SHORT_CHARS,
        "invalid_email",
        "the e-mail address is too long",
    )?;
    if !email.is_empty() {
        let valid = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
            && !email.contains(char::is_whitespace);
        if !valid {
            return Err(CaseError::Invalid(
                "invalid_email",
                "the e-mail address is not valid",
            ));
        }
    }
    let address = short(
        &identity.address.replace(['\r', '\n'], " "),
        MAX_ADDRESS_CHARS,
        "invalid_address",
        "the address must be at most 400 characters",
    )?;
    Ok(ValidIdentity {
        name,
        cpr,
        phone,
        email,
        address,
    })
}

fn case_worker_text(text: &str) -> Result<String, CaseError> {
    let text = short(
        text,
        MAX_SHORT_CHARS,
        "invalid_case_worker",
        "the case worker reference must be at most 200 characters",
    )?;
    if text.is_empty() {
        return Err(CaseError::Invalid(
            "invalid_case_worker",
            "the case worker reference is empty",
        ));
    }
    Ok(text)
}

fn given_by_text(consent: &ParentsConsent) -> Result<String, CaseError> {
    short(
        &consent.given_by,
        MAX_SHORT_CHARS,
        "invalid_given_by",
        "who gave the consent must be at most 200 characters",
    )
}

/// Whether the counsellor may open the case: assigned, or a coordinator.
pub async fn may_open(db: &Db, case: i64, counsellor: &Counsellor) -> Result<bool, CaseError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM treatment_cases WHERE id = $1")
        .bind(case)
        .fetch_optional(db.pool())
        .await?;
    if exists.is_none() {
        return Err(CaseError::NotFound);
    }
    if counsellor.role == Role::Coordinator {
        return Ok(true);
    }
    let assigned: Option<i64> = sqlx::query_scalar(
        "SELECT counsellor_id FROM case_counsellors WHERE case_id = $1 AND counsellor_id = $2",
    )
    .bind(case)
    .bind(counsellor.id.0)
    .fetch_optional(db.pool())
    .await?;
    Ok(assigned.is_some())
}

/// The anonymous course a counsellor may convert: one they have or had
/// (coordinators: any).
pub async fn course_of(
    store: &ConversationStore,
    conversation: i64,
    counsellor: &Counsellor,
) -> Result<Conversation, CaseError> {
    let course = store
        .get(conversation)
        .await
        .map_err(store_error)?
        .ok_or(CaseError::NotYourConversation)?;
    let me = Some(counsellor.id.0);
    let mine = course.counsellor_id == me || course.previous_counsellor_id == me;
    if mine || counsellor.role == Role::Coordinator {
        Ok(course)
    } else {
        Err(CaseError::NotYourConversation)
    }
}

fn store_error(error: crate::chat::store::StoreError) -> CaseError {
    match error {
        crate::chat::store::StoreError::Db(error) => CaseError::Db(error),
        crate::chat::store::StoreError::Crypto(error) => CaseError::Crypto(error),
        _ => CaseError::NotYourConversation,
    }
}

/// The most history items a course offers for carrying over.
const HISTORY_LIMIT: u32 = 10_000;

/// The anonymous history of a course, read through the chat's own store
/// functions (so its encryption at rest applies), for the walk-through.
pub async fn history(
    store: &ConversationStore,
    course: &Conversation,
) -> Result<CourseHistory, CaseError> {
    let messages = store
        .messages_after(course.id, 0, HISTORY_LIMIT)
        .await
        .map_err(store_error)?;
    let notes = crate::console::notes::of(store, course.id)
        .await
        .map_err(store_error)?;
    Ok(CourseHistory {
        conversation: course.id,
        age_group: AgeGroup::from_band(course.age_band),
        messages,
        notes,
    })
}

/// One piece of history to carry over: origin, when, text.
struct Carried {
    origin: &'static str,
    at: i64,
    text: String,
}

/// The chosen parts of the history; an id that is not in the course is
/// refused (the consent was to specific items).
fn chosen(history: &CourseHistory, carry: &CarryOver) -> Result<Vec<Carried>, CaseError> {
    let mut out = Vec::new();
    for seq in &carry.messages {
        let message = history
            .messages
            .iter()
            .find(|m| m.seq == *seq)
            .ok_or(CaseError::Invalid(
                "unknown_history",
                "a chosen message is not in this course",
            ))?;
        out.push(Carried {
            origin: origin_of(message.from),
            at: message.at,
            text: message.text.clone(),
        });
    }
    for id in &carry.notes {
        let note = history
            .notes
            .iter()
            .find(|n| n.id == *id)
            .ok_or(CaseError::Invalid(
                "unknown_history",
                "a chosen note is not in this course",
            ))?;
        out.push(Carried {
            origin: "note",
            at: note.at,
            text: note.text.clone(),
        });
    }
    out.sort_by_key(|c| c.at);
    Ok(out)
}

/// Converts an anonymous course into a pending treatment case: records the
/// young person's consent, seals the identity under a new data key and
/// copies the chosen history, re-sealed under the case key. Returns the
/// case id and how many items were carried.
pub async fn convert(
    db: &Db,
    vault: &Vault,
    store: &ConversationStore,
    counsellor: &Counsellor,
    request: &NewCase,
) -> Result<(i64, usize), CaseError> {
    let course = course_of(store, request.conversation, counsellor).await?;
    let age_group = match AgeGroup::from_band(course.age_band).or(request.age_group) {
        Some(group) => group,
        None => {
            return Err(CaseError::Invalid(
                "age_group_required",
                "the course does not say the age: state the age group",
            ));
        }
    };
    let identity = validate_identity(&request.identity)?;
    let case_worker = request
        .case_worker
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(case_worker_text)
        .transpose()?;
    let parents = request
        .parents_consent
        .as_ref()
        .map(|p| given_by_text(p).map(|given| (p.how, given)))
        .transpose()?;
    let history = history(store, &course).await?;
    let carried = chosen(&history, &request.carry_over)?;

    let now = now_millis();
    let me = counsellor.id.0;
    let mut tx = db.pool().begin().await?;
    let (case,): (i64,) = sqlx::query_as(
        "INSERT INTO treatment_cases (minor, age_group, source_conversation, created_by, \
         created_at, updated_at, consent_how, consent_at, consent_recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $5, $4) RETURNING id",
    )
    .bind(i64::from(age_group.is_minor()))
    .bind(age_group.as_str())
    .bind(course.id)
    .bind(me)
    .bind(now)
    .bind(request.consent.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let (key, wrapped) = vault.new_data_key(&owner(case))?;
    let seal = |field: Field, text: &str| -> Result<Option<Vec<u8>>, CryptoError> {
        if text.is_empty() {
            Ok(None)
        } else {
            key.seal_text(&field_context(case, field), text).map(Some)
        }
    };
    sqlx::query(
        "UPDATE treatment_cases SET wrapped_key = $2, name_sealed = $3, cpr_sealed = $4, \
         phone_sealed = $5, email_sealed = $6, address_sealed = $7 WHERE id = $1",
    )
    .bind(case)
    .bind(wrapped)
    .bind(seal(Field::Name, &identity.name)?)
    .bind(seal(Field::Cpr, &identity.cpr.expose())?)
    .bind(seal(Field::Phone, &identity.phone)?)
    .bind(seal(Field::Email, &identity.email)?)
    .bind(seal(Field::Address, &identity.address)?)
    .execute(&mut *tx)
    .await?;
    if let Some((how, given_by)) = &parents {
        sqlx::query(
            "UPDATE treatment_cases SET parents_consent_how = $2, parents_consent_at = $3, \
             parents_consent_by = $4, parents_sealed = $5 WHERE id = $1",
        )
        .bind(case)
        .bind(how.as_str())
        .bind(now)
        .bind(me)
        .bind(seal(Field::Parents, given_by)?)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(reference) = &case_worker {
        sqlx::query("UPDATE treatment_cases SET case_worker_sealed = $2 WHERE id = $1")
            .bind(case)
            .bind(seal(Field::CaseWorker, reference)?)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO case_counsellors (case_id, counsellor_id, assigned_at) VALUES ($1, $2, $3)",
    )
    .bind(case)
    .bind(me)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for item in &carried {
        insert_entry(
            &mut tx,
            &key,
            case,
            EntryKind::History,
            item.origin,
            item.at,
            me,
            &item.text,
        )
        .await?;
    }
    treatment_event(&mut tx, "converted", now, age_group.as_str(), None).await?;
    tx.commit().await?;
    Ok((case, carried.len()))
}

#[allow(clippy::too_many_arguments)]
async fn insert_entry(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &DataKey,
    case: i64,
    kind: EntryKind,
    detail: &str,
    at: i64,
    author: i64,
    text: &str,
) -> Result<i64, CaseError> {
    let (entry,): (i64,) = sqlx::query_as(
        "INSERT INTO case_entries (case_id, kind, detail, happened_at, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case)
    .bind(kind.as_str())
    .bind(detail)
    .bind(at)
    .bind(author)
    .bind(now_millis())
    .fetch_one(&mut **tx)
    .await?;
    let sealed = key.seal_text(&entry_context(case, entry), text)?;
    sqlx::query("UPDATE case_entries SET body_sealed = $2 WHERE id = $1")
        .bind(entry)
        .bind(sealed)
        .execute(&mut **tx)
        .await?;
    Ok(entry)
}

/// The case's data key, unwrapped.
async fn key_of(db: &Db, vault: &Vault, case: i64) -> Result<DataKey, CaseError> {
    let wrapped: Option<Option<Vec<u8>>> =
        sqlx::query_scalar("SELECT wrapped_key FROM treatment_cases WHERE id = $1")
            .bind(case)
            .fetch_optional(db.pool())
            .await?;
    let wrapped = wrapped.flatten().ok_or(CaseError::NotFound)?;
    Ok(vault.unwrap(&wrapped, &owner(case))?)
}

async fn state_of(db: &Db, case: i64) -> Result<CaseState, CaseError> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM treatment_cases WHERE id = $1")
            .bind(case)
            .fetch_optional(db.pool())
            .await?;
    state
        .map(|s| CaseState::parse(&s))
        .ok_or(CaseError::NotFound)
}

async fn open_for_writing(db: &Db, case: i64) -> Result<(), CaseError> {
    match state_of(db, case).await? {
        CaseState::Closed => Err(CaseError::Closed),
        _ => Ok(()),
    }
}

fn open_field(
    key: &DataKey,
    row: &AnyRow,
    case: i64,
    field: Field,
) -> Result<Option<String>, CaseError> {
    let sealed: Option<Vec<u8>> = row.try_get(field.column())?;
    sealed
        .map(|s| key.open_text(&field_context(case, field), &s))
        .transpose()
        .map_err(CaseError::from)
}

async fn first_name(db: &Db, id: Option<i64>) -> Result<String, CaseError> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    let name: Option<String> =
        sqlx::query_scalar("SELECT first_name FROM counsellors WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(name.unwrap_or_default())
}

/// The whole case, opened. Callers check [`may_open`] and audit the read.
pub async fn load(db: &Db, vault: &Vault, case: i64) -> Result<CaseView, CaseError> {
    let row = sqlx::query("SELECT * FROM treatment_cases WHERE id = $1")
        .bind(case)
        .fetch_optional(db.pool())
        .await?
        .ok_or(CaseError::NotFound)?;
    let key = key_of(db, vault, case).await?;
    let open = |field| open_field(&key, &row, case, field);
    let age_group =
        AgeGroup::parse(&row.try_get::<String, _>("age_group")?).unwrap_or(AgeGroup::Under13);
    let minor = row.try_get::<i64, _>("minor")? != 0;
    let consent = ConsentRecord {
        how: ConsentHow::parse(&row.try_get::<String, _>("consent_how")?)
            .unwrap_or(ConsentHow::InPerson),
        at: row.try_get("consent_at")?,
        recorded_by: first_name(db, row.try_get("consent_recorded_by")?).await?,
        given_by: String::new(),
    };
    let parents_consent = match (
        row.try_get::<Option<String>, _>("parents_consent_how")?,
        row.try_get::<Option<i64>, _>("parents_consent_at")?,
    ) {
        (Some(how), Some(at)) => Some(ConsentRecord {
            how: ConsentHow::parse(&how).unwrap_or(ConsentHow::InPerson),
            at,
            recorded_by: first_name(db, row.try_get("parents_consent_by")?).await?,
            given_by: open(Field::Parents)?.unwrap_or_default(),
        }),
        _ => None,
    };
    let case_worker = open(Field::CaseWorker)?;
    let identity = Identity {
        name: open(Field::Name)?.unwrap_or_default(),
        cpr: open(Field::Cpr)?.unwrap_or_default(),
        phone: open(Field::Phone)?.unwrap_or_default(),
        email: open(Field::Email)?.unwrap_or_default(),
        address: open(Field::Address)?.unwrap_or_default(),
    };
    let counsellors = sqlx::query(
        "SELECT a.counsellor_id AS id, COALESCE(c.first_name, '') AS first_name \
         FROM case_counsellors a LEFT JOIN counsellors c ON c.id = a.counsellor_id \
         WHERE a.case_id = $1 ORDER BY a.assigned_at, a.counsellor_id",
    )
    .bind(case)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(CaseCounsellor {
            id: r.try_get("id")?,
            first_name: r.try_get("first_name")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let entry_rows = sqlx::query(
        "SELECT e.id, e.kind, e.detail, e.happened_at, e.body_sealed, \
         COALESCE(c.first_name, '') AS author \
         FROM case_entries e LEFT JOIN counsellors c ON c.id = e.author_id \
         WHERE e.case_id = $1 ORDER BY e.happened_at, e.id",
    )
    .bind(case)
    .fetch_all(db.pool())
    .await?;
    let mut entries = Vec::with_capacity(entry_rows.len());
    for r in &entry_rows {
        let id: i64 = r.try_get("id")?;
        let sealed: Option<Vec<u8>> = r.try_get("body_sealed")?;
        let text = match sealed {
            Some(sealed) => key.open_text(&entry_context(case, id), &sealed)?,
            None => String::new(),
        };
        entries.push(CaseEntry {
            id,
            kind: EntryKind::parse(&r.try_get::<String, _>("kind")?).unwrap_or(EntryKind::History),
            detail: r.try_get("detail")?,
            at: r.try_get("happened_at")?,
            author: r.try_get("author")?,
            text,
        });
    }
    let mut missing = Vec::new();
    if minor && parents_consent.is_none() {
        missing.push("parents_consent_required".to_owned());
    }
    if minor && case_worker.is_none() {
        missing.push("case_worker_required".to_owned());
    }
    Ok(CaseView {
        id: case,
        state: CaseState::parse(&row.try_get::<String, _>("state")?),
        age_group,
        minor,
        created_at: row.try_get("created_at")?,
        activated_at: row.try_get("activated_at")?,
        closed_at: row.try_get("closed_at")?,
        delete_after: row.try_get("delete_after")?,
        consent,
        parents_consent,
        case_worker,
        identity,
        counsellors,
        entries,
        missing,
    })
}

/// The cases a counsellor may open (coordinators: all), newest first.
/// Nothing identifying: opening one is the audited read.
pub async fn list_for(db: &Db, counsellor: &Counsellor) -> Result<Vec<CaseSummary>, CaseError> {
    let all = counsellor.role == Role::Coordinator;
    let rows = sqlx::query(
        "SELECT t.id, t.state, t.age_group, t.created_at FROM treatment_cases t \
         WHERE $1 = 1 OR EXISTS (SELECT 1 FROM case_counsellors a \
         WHERE a.case_id = t.id AND a.counsellor_id = $2) ORDER BY t.id DESC",
    )
    .bind(i64::from(all))
    .bind(counsellor.id.0)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let counsellors: Vec<String> = sqlx::query_scalar(
            "SELECT COALESCE(c.first_name, '') FROM case_counsellors a \
             LEFT JOIN counsellors c ON c.id = a.counsellor_id WHERE a.case_id = $1 \
             ORDER BY a.assigned_at, a.counsellor_id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        out.push(CaseSummary {
            id,
            state: CaseState::parse(&row.try_get::<String, _>("state")?),
            age_group: AgeGroup::parse(&row.try_get::<String, _>("age_group")?)
                .unwrap_or(AgeGroup::Under13),
            created_at: row.try_get("created_at")?,
            counsellors,
        });
    }
    Ok(out)
}

/// Records the parents' consent and/or the case worker reference. Returns
/// which were recorded (for the audit detail).
pub async fn record_consent(
    db: &Db,
    vault: &Vault,
    case: i64,
    counsellor: &Counsellor,
    update: &ConsentUpdate,
) -> Result<Vec<&'static str>, CaseError> {
    open_for_writing(db, case).await?;
    let key = key_of(db, vault, case).await?;
    let now = now_millis();
    let mut recorded = Vec::new();
    let mut tx = db.pool().begin().await?;
    if let Some(parents) = &update.parents_consent {
        let given_by = given_by_text(parents)?;
        let sealed = if given_by.is_empty() {
            None
        } else {
            Some(key.seal_text(&field_context(case, Field::Parents), &given_by)?)
        };
        sqlx::query(
            "UPDATE treatment_cases SET parents_consent_how = $2, parents_consent_at = $3, \
             parents_consent_by = $4, parents_sealed = $5, updated_at = $3 WHERE id = $1",
        )
        .bind(case)
        .bind(parents.how.as_str())
        .bind(now)
        .bind(counsellor.id.0)
        .bind(sealed)
        .execute(&mut *tx)
        .await?;
        recorded.push("parents_consent");
    }
    if let Some(reference) = &update.case_worker {
        let reference = case_worker_text(reference)?;
        let sealed = key.seal_text(&field_context(case, Field::CaseWorker), &reference)?;
        sqlx::query(
            "UPDATE treatment_cases SET case_worker_sealed = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(case)
        .bind(sealed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        recorded.push("case_worker");
    }
    if recorded.is_empty() {
        return Err(CaseError::Invalid(
            "nothing_to_record",
            "give the parents' consent or the case worker reference",
        ));
    }
    tx.commit().await?;
    Ok(recorded)
}

/// Replaces the identity (a corrected name, a new phone number).
pub async fn update_identity(
    db: &Db,
    vault: &Vault,
    case: i64,
    identity: &Identity,
) -> Result<(), CaseError> {
    open_for_writing(db, case).await?;
    let identity = validate_identity(identity)?;
    let key = key_of(db, vault, case).await?;
    let seal = |field: Field, text: &str| -> Result<Option<Vec<u8>>, CryptoError> {
        if text.is_empty() {
            Ok(None)
        } else {
            key.seal_text(&field_context(case, field), text).map(Some)
        }
    };
    sqlx::query(
        "UPDATE treatment_cases SET name_sealed = $2, cpr_sealed = $3, phone_sealed = $4, \
         email_sealed = $5, address_sealed = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(case)
    .bind(seal(Field::Name, &identity.name)?)
    .bind(seal(Field::Cpr, &identity.cpr.expose())?)
    .bind(seal(Field::Phone, &identity.phone)?)
    .bind(seal(Field::Email, &identity.email)?)
    .bind(seal(Field::Address, &identity.address)?)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Makes a pending case active. An under-18's case needs the parents'
/// consent and the case worker reference first.
pub async fn activate(db: &Db, case: i64) -> Result<(), CaseError> {
    let row = sqlx::query(
        "SELECT state, minor, parents_consent_at, case_worker_sealed FROM treatment_cases \
         WHERE id = $1",
    )
    .bind(case)
    .fetch_optional(db.pool())
    .await?
    .ok_or(CaseError::NotFound)?;
    match CaseState::parse(&row.try_get::<String, _>("state")?) {
        CaseState::Closed => return Err(CaseError::Closed),
        CaseState::Active => return Ok(()),
        CaseState::Pending => {}
    }
    if row.try_get::<i64, _>("minor")? != 0 {
        if row
            .try_get::<Option<i64>, _>("parents_consent_at")?
            .is_none()
        {
            return Err(CaseError::ParentsConsentRequired);
        }
        if row
            .try_get::<Option<Vec<u8>>, _>("case_worker_sealed")?
            .is_none()
        {
            return Err(CaseError::CaseWorkerRequired);
        }
    }
    let now = now_millis();
    let mut tx = db.pool().begin().await?;
    let activated = sqlx::query(
        "UPDATE treatment_cases SET state = 'active', activated_at = $2, updated_at = $2 \
         WHERE id = $1 AND state = 'pending' RETURNING age_group",
    )
    .bind(case)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = activated {
        let group: String = row.try_get("age_group")?;
        treatment_event(&mut tx, "activated", now, &group, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records a treatment event for the statistics: what happened and the age
/// group (reports split at 18), never which case.
async fn treatment_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: &str,
    at: i64,
    age_group: &str,
    outcome: Option<&str>,
) -> Result<(), sqlx::Error> {
    crate::statistics::events::record(
        tx,
        &crate::statistics::events::Event {
            kind,
            at,
            channel: "treatment",
            role: Some("young_person"),
            age_band: Some(age_group),
            outcome,
            ..Default::default()
        },
    )
    .await
}

/// Adds an entry to the data sheet or the session log.
pub async fn add_entry(
    db: &Db,
    vault: &Vault,
    case: i64,
    counsellor: &Counsellor,
    entry: &NewEntry,
) -> Result<i64, CaseError> {
    open_for_writing(db, case).await?;
    let text = entry.text.trim();
    if text.is_empty() || text.chars().count() > MAX_ENTRY_CHARS {
        return Err(CaseError::Invalid(
            "invalid_entry",
            "an entry is 1 to 8000 characters",
        ));
    }
    let detail = match entry.kind {
        EntryKind::Session => {
            let kind = entry.session_kind.as_deref().unwrap_or("talk");
            if !SESSION_KINDS.contains(&kind) {
                return Err(CaseError::Invalid(
                    "invalid_session_kind",
                    "unknown kind of session",
                ));
            }
            kind
        }
        EntryKind::History => {
            return Err(CaseError::Invalid(
                "invalid_entry",
                "history is only carried over at the conversion",
            ));
        }
        _ => "",
    };
    let now = now_millis();
    let at = entry.at.unwrap_or(now);
    // A session may be logged for a past date, not years off or ahead.
    if !(0..=now + 24 * 3_600_000).contains(&at) {
        return Err(CaseError::Invalid("invalid_date", "the date is not valid"));
    }
    let key = key_of(db, vault, case).await?;
    let mut tx = db.pool().begin().await?;
    let id = insert_entry(
        &mut tx,
        &key,
        case,
        entry.kind,
        detail,
        at,
        counsellor.id.0,
        text,
    )
    .await?;
    sqlx::query("UPDATE treatment_cases SET updated_at = $2 WHERE id = $1")
        .bind(case)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Assigns another counsellor (an active account) to the case.
pub async fn assign(db: &Db, case: i64, counsellor: i64) -> Result<(), CaseError> {
    open_for_writing(db, case).await?;
    let active: Option<i32> = sqlx::query_scalar("SELECT active FROM counsellors WHERE id = $1")
        .bind(counsellor)
        .fetch_optional(db.pool())
        .await?;
    if active != Some(1) {
        return Err(CaseError::Invalid(
            "unknown_counsellor",
            "no active counsellor with that id",
        ));
    }
    sqlx::query(
        "INSERT INTO case_counsellors (case_id, counsellor_id, assigned_at) VALUES ($1, $2, $3) \
         ON CONFLICT (case_id, counsellor_id) DO NOTHING",
    )
    .bind(case)
    .bind(counsellor)
    .bind(now_millis())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Closes a case; it is deleted `retention_ms` later (or earlier on a
/// coordinator's explicit deletion).
pub async fn close(db: &Db, case: i64, retention_ms: i64) -> Result<(), CaseError> {
    open_for_writing(db, case).await?;
    let now = now_millis();
    let mut tx = db.pool().begin().await?;
    let closed = sqlx::query(
        "UPDATE treatment_cases SET state = 'closed', closed_at = $2, delete_after = $3, \
         updated_at = $2 WHERE id = $1 AND state <> 'closed' RETURNING age_group, activated_at",
    )
    .bind(case)
    .bind(now)
    .bind(now.saturating_add(retention_ms))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = closed {
        let group: String = row.try_get("age_group")?;
        // Whether it was in treatment: a pending case closed never was.
        let was = match row.try_get::<Option<i64>, _>("activated_at")? {
            Some(_) => "active",
            None => "pending",
        };
        treatment_event(&mut tx, "closed", now, &group, Some(was)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Refuses unless the case is closed (only closed cases are deleted).
pub async fn may_delete(db: &Db, case: i64) -> Result<(), CaseError> {
    if state_of(db, case).await? != CaseState::Closed {
        return Err(CaseError::NotClosed);
    }
    Ok(())
}

/// Deletes a closed case: first its wrapped data key (from then on nothing
/// of it can be read, in backups either), then its rows.
pub async fn delete(db: &Db, case: i64) -> Result<(), CaseError> {
    may_delete(db, case).await?;
    sqlx::query("UPDATE treatment_cases SET wrapped_key = NULL WHERE id = $1")
        .bind(case)
        .execute(db.pool())
        .await?;
    let mut tx = db.pool().begin().await?;
    for table in ["case_entries", "case_counsellors"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1"))
            .bind(case)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM treatment_cases WHERE id = $1")
        .bind(case)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes every closed case whose retention ran out by `now`, each
/// audited as the service's own act. For the retention job; returns how
/// many were deleted.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, CaseError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM treatment_cases WHERE state = 'closed' AND delete_after <= $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut deleted = 0;
    for case in due {
        audit::record(
            db,
            &Actor::System,
            Action::CaseDeleted,
            &subject(case),
            "retention",
        )
        .await
        .map_err(|_| CaseError::Audit)?;
        delete(db, case).await?;
        deleted += 1;
    }
    Ok(deleted)
}

/// The audit subject of a case.
pub fn subject(case: i64) -> String {
    format!("case:{case}")
}
