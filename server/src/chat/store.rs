//! Conversation storage: the one module that reads and writes anonymous
//! conversations and their messages.
//!
//! Everything a person typed and everything counsellors wrote about them
//! (messages, nickname, matched risk words, handover notes, concerns; course
//! notes in [`crate::console::notes`]) is stored only sealed with the
//! conversation's own data key, whose wrapped form lives in
//! `conversation_keys`. Each ciphertext's associated data names its place
//! (conversation id, and the message's sequence number or the row's id), so
//! a ciphertext moved to another row does not open: such a row is reported
//! in the log (ids only) and not shown. Deleting the key row first is how a
//! conversation is purged ([`ConversationStore::delete`]).
//!
//! Works on SQLite and PostgreSQL alike through the shared pool.

use crate::crypto::{CryptoError, DataKey, Vault, context};
use crate::db::{Db, now_millis};
use app::protocol::console::{Outcome, QueueEntry, RISK_PRIORITY};
use app::protocol::{AgeBand, ChatMessage, Role, Sender, Topic};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::sync::Arc;

/// Where a conversation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// In the queue.
    Waiting,
    /// A counsellor has it.
    Active,
    /// Ended by either side.
    Ended,
}

impl State {
    fn from_db(text: &str) -> State {
        match text {
            "waiting" => State::Waiting,
            "active" => State::Active,
            _ => State::Ended,
        }
    }
}

/// One conversation's metadata (no content).
#[derive(Clone, Debug)]
pub struct Conversation {
    /// Database id (shown to counsellors only).
    pub id: i64,
    /// Who is writing.
    pub role: Role,
    /// Optional age band.
    pub age_band: Option<AgeBand>,
    /// Optional topic.
    pub topic: Option<Topic>,
    /// Where it stands.
    pub state: State,
    /// Queue priority (higher first).
    pub priority: i32,
    /// The counsellor who has it, once claimed.
    pub counsellor_id: Option<i64>,
    /// When it entered the queue (Unix ms).
    pub created_at: i64,
    /// Last message or state change (Unix ms): retention counts from here.
    pub last_activity_at: i64,
    /// Ended and blocked by a counsellor: cannot be resumed.
    pub blocked: bool,
    /// Highest `seq` the counsellor has read.
    pub read_up_to: u64,
    /// When the current talk entered the queue (Unix ms): waits count from here.
    pub queued_at: i64,
    /// Talks in this anonymous course so far (1 = first contact).
    pub talks: u32,
    /// Who had the last talk, while a returning person waits.
    pub previous_counsellor_id: Option<i64>,
    /// That counsellor's first name.
    pub previous_counsellor: Option<String>,
    /// The name the person asked to be called by (content).
    pub nickname: Option<String>,
    /// The configured risk words the person's words matched (see
    /// [`super::risk`]); derived from content, so kept with it.
    pub risk_words: Vec<String>,
    /// Random; links the statistics events of one course and nothing else.
    course_token: String,
}

impl Conversation {
    /// How the queue shows it.
    pub fn queue_entry(&self) -> QueueEntry {
        QueueEntry {
            conversation: self.id,
            role: self.role,
            age_band: self.age_band,
            topic: self.topic,
            waiting_since: self.queued_at,
            priority: self.priority,
            nickname: self.nickname.clone(),
            talk: self.talks,
            previous_counsellor: self.previous_counsellor.clone(),
            risk_words: self.risk_words.clone(),
        }
    }
}

/// A stored message and whether it was stored before (an idempotent retry).
#[derive(Clone, Debug)]
pub struct Appended {
    /// The message as stored (the first time).
    pub message: ChatMessage,
    /// `true` when this `client_id` was already stored: nothing new happened.
    pub duplicate: bool,
}

/// Why a store operation could not be done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such conversation (or it was deleted).
    #[error("no such conversation")]
    NotFound,
    /// The conversation has ended: no more messages.
    #[error("the conversation has ended")]
    Ended,
    /// The database failed; nothing was changed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Content could not be sealed (no randomness) or the conversation's
    /// key could not be opened (wrong master key, tampered); nothing was
    /// changed.
    #[error("content encryption failed: {0}")]
    Crypto(#[from] CryptoError),
}

/// The associated data of a conversation's wrapped data key.
pub fn key_owner(conversation: i64) -> Vec<u8> {
    context("conversation", &[conversation])
}

/// Where message `seq` of `conversation` belongs (its associated data).
pub fn message_context(conversation: i64, seq: i64) -> Vec<u8> {
    context("message", &[conversation, seq])
}

/// Where a conversation's nickname belongs.
pub fn nickname_context(conversation: i64) -> Vec<u8> {
    context("nickname", &[conversation])
}

/// Where a conversation's matched risk words belong.
pub fn risk_words_context(conversation: i64) -> Vec<u8> {
    context("risk_words", &[conversation])
}

/// Where a conversation's handover note belongs.
pub fn handover_context(conversation: i64) -> Vec<u8> {
    context("handover", &[conversation])
}

/// Where concern `id` of `conversation` belongs.
pub fn concern_context(conversation: i64, id: i64) -> Vec<u8> {
    context("concern", &[conversation, id])
}

/// The conversation's wrapped data key, in the same transaction or pool.
async fn wrapped_key<'c, E>(executor: E, conversation: i64) -> Result<Option<Vec<u8>>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT wrapped FROM conversation_keys WHERE conversation_id = $1")
        .bind(conversation)
        .fetch_optional(executor)
        .await
}

/// Opens a sealed text, reporting (ids only, never content) and hiding it
/// when it does not authenticate: tampered with, moved from another row, or
/// under another key.
fn open_or_report(
    key: &DataKey,
    place: &[u8],
    sealed: &[u8],
    what: &str,
    conversation: i64,
) -> Option<String> {
    match key.open_text(place, sealed) {
        Ok(text) => Some(text),
        Err(error) => {
            tracing::error!(conversation, what, %error, "stored content failed authentication: not shown");
            None
        }
    }
}

/// Stores a vocabulary enum as its wire name (`"young_person"`).
fn to_db<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// Reads a vocabulary enum from its wire name; `None` for unknown text.
fn from_db<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

const CONVERSATION_COLUMNS: &str = "id, role, age_band, topic, state, priority, counsellor_id, \
     created_at, last_activity_at, blocked, read_up_to, queued_at, talks, previous_counsellor_id, \
     nickname, course_token, risk_words, (SELECT first_name FROM counsellors \
     WHERE counsellors.id = conversations.previous_counsellor_id) AS previous_counsellor, \
     (SELECT wrapped FROM conversation_keys \
     WHERE conversation_keys.conversation_id = conversations.id) AS data_key";

/// A conversation row with its sealed texts opened under its own key.
fn conversation_from_row(row: &AnyRow, vault: &Vault) -> Result<Conversation, StoreError> {
    let id: i64 = row.try_get("id")?;
    let wrapped: Option<Vec<u8>> = row.try_get("data_key")?;
    let key = wrapped
        .map(|w| vault.unwrap(&w, &key_owner(id)))
        .transpose()?;
    let sealed_nickname: Option<Vec<u8>> = row.try_get("nickname")?;
    let sealed_risk_words: Option<Vec<u8>> = row.try_get("risk_words")?;
    let opened = |sealed: Option<Vec<u8>>, place: Vec<u8>, what: &str| -> Option<String> {
        let sealed = sealed.filter(|s| !s.is_empty())?;
        open_or_report(key.as_ref()?, &place, &sealed, what, id)
    };
    let nickname = opened(sealed_nickname, nickname_context(id), "nickname");
    let risk_words = opened(sealed_risk_words, risk_words_context(id), "risk words")
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    conversation_fields(row, nickname, risk_words).map_err(StoreError::from)
}

fn conversation_fields(
    row: &AnyRow,
    nickname: Option<String>,
    risk_words: Vec<String>,
) -> Result<Conversation, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let age_band: Option<String> = row.try_get("age_band")?;
    let topic: Option<String> = row.try_get("topic")?;
    let state: String = row.try_get("state")?;
    let priority: i64 = row.try_get("priority")?;
    let blocked: i64 = row.try_get("blocked")?;
    let read_up_to: i64 = row.try_get("read_up_to")?;
    let talks: i64 = row.try_get("talks")?;
    Ok(Conversation {
        id: row.try_get("id")?,
        role: from_db(&role).unwrap_or(Role::YoungPerson),
        age_band: age_band.as_deref().and_then(from_db),
        topic: topic.as_deref().and_then(from_db),
        state: State::from_db(&state),
        priority: i32::try_from(priority).unwrap_or_default(),
        counsellor_id: row.try_get("counsellor_id")?,
        created_at: row.try_get("created_at")?,
        last_activity_at: row.try_get("last_activity_at")?,
        blocked: blocked != 0,
        read_up_to: u64::try_from(read_up_to).unwrap_or_default(),
        queued_at: row.try_get("queued_at")?,
        talks: u32::try_from(talks).unwrap_or(1),
        previous_counsellor_id: row.try_get("previous_counsellor_id")?,
        previous_counsellor: row.try_get("previous_counsellor")?,
        nickname,
        risk_words,
        course_token: row.try_get("course_token")?,
    })
}

/// A message row, opened under its conversation's key; `None` (reported)
/// when its ciphertext does not belong to this conversation and place.
fn message_from_row(
    row: &AnyRow,
    key: &DataKey,
    conversation: i64,
) -> Result<Option<ChatMessage>, sqlx::Error> {
    let seq: i64 = row.try_get("seq")?;
    let sender: String = row.try_get("sender")?;
    let body: Vec<u8> = row.try_get("body")?;
    let Some(text) = open_or_report(
        key,
        &message_context(conversation, seq),
        &body,
        "message",
        conversation,
    ) else {
        return Ok(None);
    };
    Ok(Some(ChatMessage {
        seq: u64::try_from(seq).unwrap_or_default(),
        client_id: row.try_get("client_id")?,
        from: from_db(&sender).unwrap_or(Sender::Visitor),
        text,
        at: row.try_get("created_at")?,
    }))
}

/// Undoes the number a message took (inside its transaction, which holds
/// the row's lock) when it is not stored after all.
async fn give_back_seq(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    conversation: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE conversations SET next_seq = next_seq - 1 WHERE id = $1")
        .bind(conversation)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Rounds a timestamp down to the hour: statistics need no finer time, and
/// coarse times are harder to match with anything else. Shared with the
/// letters' events ([`crate::letters::store`]).
pub fn hour_bucket(millis: i64) -> i64 {
    millis - millis.rem_euclid(3_600_000)
}

/// What a new conversation starts with (chosen by the person; all but the
/// role optional).
#[derive(Clone, Debug)]
pub struct Opening {
    /// Who is writing.
    pub role: Role,
    /// Optional age band (young people only).
    pub age_band: Option<AgeBand>,
    /// Optional topic.
    pub topic: Option<Topic>,
    /// Optional nickname (content).
    pub nickname: Option<String>,
    /// Random, from [`super::token::new_token`]: links the course's
    /// statistics events and nothing else.
    pub course_token: String,
}

/// Most messages stored in one transaction by the group-commit writer.
pub const MAX_GROUP: usize = 128;

/// Messages waiting for a group-commit writer, per writer.
const WRITER_QUEUE: usize = 4_096;

/// One message waiting to be stored, and who waits for the answer.
#[derive(Debug)]
struct Pending {
    conversation: i64,
    from: Sender,
    client_id: String,
    text: String,
    reply: tokio::sync::oneshot::Sender<Result<Appended, StoreError>>,
}

/// Conversation storage on the shared database.
#[derive(Clone, Debug)]
pub struct ConversationStore {
    db: Db,
    /// Wraps and unwraps each conversation's data key.
    vault: Arc<Vault>,
    /// The group-commit writers (started at the first message): each
    /// stores the messages that arrived together in one transaction.
    writers: Arc<std::sync::OnceLock<Vec<tokio::sync::mpsc::Sender<Pending>>>>,
}

impl ConversationStore {
    /// The store on `db`, sealing content with keys wrapped by `vault`.
    pub fn new(db: Db, vault: Arc<Vault>) -> Self {
        ConversationStore {
            db,
            vault,
            writers: Arc::default(),
        }
    }

    /// Starts the group-commit writers: one on SQLite (it has one writer at
    /// a time anyway), a few on PostgreSQL. A conversation always goes to
    /// the same writer, so its messages keep their order.
    fn start_writers(&self) -> Vec<tokio::sync::mpsc::Sender<Pending>> {
        let count = match self.db.backend() {
            crate::db::Backend::Sqlite => 1,
            crate::db::Backend::Postgres => 4,
        };
        (0..count)
            .map(|_| {
                let (sender, receiver) = tokio::sync::mpsc::channel(WRITER_QUEUE);
                // Its own handle without writers: no cycle keeps it alive
                // once every sender is gone.
                let store = ConversationStore::new(self.db.clone(), self.vault.clone());
                tokio::spawn(store.write_groups(receiver));
                sender
            })
            .collect()
    }

    /// The group-commit loop: takes whatever messages are waiting (up to
    /// [`MAX_GROUP`]), stores them in one transaction, and answers each
    /// after the commit. Under light load a group is one message and this
    /// costs nothing extra; under heavy load one commit (one fsync) serves
    /// many messages.
    async fn write_groups(self, mut receiver: tokio::sync::mpsc::Receiver<Pending>) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
            self.write_group(&mut group).await;
        }
    }

    async fn write_group(&self, group: &mut Vec<Pending>) {
        // One lock order for every transaction (by conversation), so two
        // nodes' groups never wait for each other in a circle; the sort is
        // stable, so each conversation keeps its order.
        group.sort_by_key(|pending| pending.conversation);
        match self.append_group(group).await {
            Ok(results) => {
                for (pending, result) in group.drain(..).zip(results) {
                    let _ = pending.reply.send(result);
                }
            }
            Err(error) => {
                // The whole group was rolled back: store each on its own,
                // so one failure answers only its own sender.
                tracing::warn!(%error, size = group.len(), "a message group failed; storing one by one");
                for pending in group.drain(..) {
                    let result = self
                        .append_alone(
                            pending.conversation,
                            pending.from,
                            &pending.client_id,
                            &pending.text,
                        )
                        .await;
                    let _ = pending.reply.send(result);
                }
            }
        }
    }

    /// Stores a group in one transaction. `Err` only when the transaction
    /// itself failed (nothing of it is stored); each message's own outcome
    /// (ended, deleted, a retry) is in its result.
    async fn append_group(
        &self,
        group: &[Pending],
    ) -> Result<Vec<Result<Appended, StoreError>>, sqlx::Error> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        let mut keys: std::collections::HashMap<i64, DataKey> = std::collections::HashMap::new();
        let mut results = Vec::with_capacity(group.len());
        for pending in group {
            let conversation = pending.conversation;
            // Writing first takes the row's write lock at once and numbers
            // the message; the key comes back with it (one round trip).
            let row: Option<(i64, Option<Vec<u8>>)> = sqlx::query_as(
                "UPDATE conversations SET next_seq = next_seq + 1, last_activity_at = $2 \
                 WHERE id = $1 AND state <> 'ended' RETURNING next_seq - 1, \
                 (SELECT wrapped FROM conversation_keys \
                 WHERE conversation_keys.conversation_id = conversations.id)",
            )
            .bind(conversation)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((seq, wrapped)) = row else {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM conversations WHERE id = $1")
                        .bind(conversation)
                        .fetch_optional(&mut *tx)
                        .await?;
                results.push(Err(match exists {
                    Some(_) => StoreError::Ended,
                    None => StoreError::NotFound,
                }));
                continue;
            };
            let key = match keys.entry(conversation) {
                std::collections::hash_map::Entry::Occupied(key) => Ok(key.into_mut()),
                std::collections::hash_map::Entry::Vacant(slot) => match wrapped
                    .ok_or(StoreError::NotFound)
                    .and_then(|w| Ok(self.vault.unwrap(&w, &key_owner(conversation))?))
                {
                    Ok(key) => Ok(slot.insert(key)),
                    Err(error) => Err(error),
                },
            };
            let sealed = key.and_then(|key| {
                Ok(key.seal_text(&message_context(conversation, seq), &pending.text)?)
            });
            let body = match sealed {
                Ok(body) => body,
                Err(error) => {
                    give_back_seq(&mut tx, conversation).await?;
                    results.push(Err(error));
                    continue;
                }
            };
            let inserted = sqlx::query(
                "INSERT INTO messages (conversation_id, seq, client_id, sender, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conversation_id, client_id) DO NOTHING",
            )
            .bind(conversation)
            .bind(seq)
            .bind(&pending.client_id)
            .bind(to_db(&pending.from))
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                // A retry of a stored message: undo the number taken and
                // answer with the original.
                give_back_seq(&mut tx, conversation).await?;
                let row = sqlx::query(
                    "SELECT seq, client_id, sender, body, created_at FROM messages \
                     WHERE conversation_id = $1 AND client_id = $2",
                )
                .bind(conversation)
                .bind(&pending.client_id)
                .fetch_one(&mut *tx)
                .await?;
                let original = match keys.get(&conversation) {
                    Some(key) => message_from_row(&row, key, conversation)?,
                    None => None,
                };
                results.push(
                    original
                        .map(|message| Appended {
                            message,
                            duplicate: true,
                        })
                        .ok_or(StoreError::Crypto(CryptoError::Tampered)),
                );
                continue;
            }
            results.push(Ok(Appended {
                message: ChatMessage {
                    seq: u64::try_from(seq).unwrap_or_default(),
                    client_id: pending.client_id.clone(),
                    from: pending.from,
                    text: pending.text.clone(),
                    at: now,
                },
                duplicate: false,
            }));
        }
        tx.commit().await?;
        Ok(results)
    }

    /// The database underneath (for lookups outside conversations).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The master key (course notes and the legacy sealing step use it).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// A conversation's data key; [`StoreError::NotFound`] once it has been
    /// deleted (crypto-shredded).
    pub async fn data_key(&self, conversation: i64) -> Result<DataKey, StoreError> {
        let wrapped = wrapped_key(self.db.pool(), conversation)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.vault.unwrap(&wrapped, &key_owner(conversation))?)
    }

    fn conversation(&self, row: &AnyRow) -> Result<Conversation, StoreError> {
        conversation_from_row(row, &self.vault)
    }

    /// Opens a new conversation in the queue, with its own new data key,
    /// and records a "contact started" event.
    pub async fn create(
        &self,
        token_hash: &[u8],
        opening: Opening,
    ) -> Result<Conversation, StoreError> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO conversations (token_hash, role, age_band, topic, course_token, \
             created_at, queued_at, last_activity_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id",
        )
        .bind(token_hash.to_vec())
        .bind(to_db(&opening.role))
        .bind(opening.age_band.as_ref().map(to_db))
        .bind(opening.topic.as_ref().map(to_db))
        .bind(opening.course_token)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        // The id is the key's owner, so the key comes after the row.
        let (key, wrapped) = self.vault.new_data_key(&key_owner(id))?;
        sqlx::query("INSERT INTO conversation_keys (conversation_id, wrapped) VALUES ($1, $2)")
            .bind(id)
            .bind(wrapped)
            .execute(&mut *tx)
            .await?;
        let nickname = opening
            .nickname
            .map(|name| key.seal_text(&nickname_context(id), &name))
            .transpose()?;
        let row = sqlx::query(&format!(
            "UPDATE conversations SET nickname = $2 WHERE id = $1 RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(id)
        .bind(nickname)
        .fetch_one(&mut *tx)
        .await?;
        let conversation = self.conversation(&row)?;
        record_event(&mut tx, "contact_started", &conversation, None, None).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// The anonymous course a resume code (its keyed hash) belongs to.
    pub async fn find_by_code(&self, code_hash: &[u8]) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE code_hash = $1"
        ))
        .bind(code_hash.to_vec())
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(|row| self.conversation(row)).transpose()
    }

    /// Gives the course a new resume code (its keyed hash); an earlier code
    /// stops working. Not for blocked conversations. `Ok(false)` when another
    /// course has the same code (a 1 in 2^44 chance: draw again).
    pub async fn set_code(&self, conversation: i64, code_hash: &[u8]) -> Result<bool, StoreError> {
        let updated =
            sqlx::query("UPDATE conversations SET code_hash = $2 WHERE id = $1 AND blocked = 0")
                .bind(conversation)
                .bind(code_hash.to_vec())
                .execute(self.db.pool())
                .await;
        match updated {
            Ok(done) if done.rows_affected() == 1 => Ok(true),
            Ok(_) => Err(StoreError::NotFound),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Moves a course to a new browser (a resume code used on another
    /// device): the new token replaces the old one, so the old tab can no
    /// longer reattach. An ended talk is reopened as the course's next talk,
    /// back in the queue and offered first to the counsellor of the last one.
    pub async fn continue_course(
        &self,
        conversation: &Conversation,
        token_hash: &[u8],
    ) -> Result<Conversation, StoreError> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        let reopen = format!(
            "UPDATE conversations SET token_hash = $2, state = 'waiting', queued_at = $3, \
                 last_activity_at = $3, talks = talks + 1, \
                 previous_counsellor_id = COALESCE(counsellor_id, previous_counsellor_id), \
                 counsellor_id = NULL, claimed_at = NULL, ended_at = NULL, ended_by = NULL, \
                 outcome = NULL \
                 WHERE id = $1 AND state = 'ended' AND blocked = 0 RETURNING {CONVERSATION_COLUMNS}"
        );
        let reattach = format!(
            "UPDATE conversations SET token_hash = $2, last_activity_at = $3 \
             WHERE id = $1 AND state <> 'ended' AND blocked = 0 RETURNING {CONVERSATION_COLUMNS}"
        );
        let sql = if conversation.state == State::Ended {
            &reopen
        } else {
            &reattach
        };
        let row = sqlx::query(sql)
            .bind(conversation.id)
            .bind(token_hash.to_vec())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            // It changed state in between (ended, blocked, deleted).
            tx.rollback().await?;
            return Err(StoreError::Ended);
        };
        let continued = self.conversation(&row)?;
        if conversation.state == State::Ended {
            record_event(&mut tx, "contact_started", &continued, None, None).await?;
        }
        tx.commit().await?;
        Ok(continued)
    }

    /// The conversation a token reattaches to.
    pub async fn find_by_token(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE token_hash = $1"
        ))
        .bind(token_hash.to_vec())
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(|row| self.conversation(row)).transpose()
    }

    /// One conversation by id.
    pub async fn get(&self, id: i64) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(|row| self.conversation(row)).transpose()
    }

    /// Stores a message once: a retry with the same `client_id` returns the
    /// message stored the first time, with `duplicate = true`. The message is
    /// durable when this returns: it waits for the commit of the group it
    /// was stored with (see [`Self::write_groups`]).
    pub async fn append(
        &self,
        conversation: i64,
        from: Sender,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, StoreError> {
        let writers = self.writers.get_or_init(|| self.start_writers());
        let shard = usize::try_from(
            conversation.rem_euclid(i64::try_from(writers.len()).unwrap_or(1).max(1)),
        )
        .unwrap_or_default();
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending = Pending {
            conversation,
            from,
            client_id: client_id.to_owned(),
            text: text.to_owned(),
            reply,
        };
        let Some(writer) = writers.get(shard) else {
            return self.append_alone(conversation, from, client_id, text).await;
        };
        if writer.send(pending).await.is_err() {
            return self.append_alone(conversation, from, client_id, text).await;
        }
        match answer.await {
            Ok(result) => result,
            // The writer is gone (shutting down): nothing was acknowledged.
            Err(_) => Err(StoreError::Db(sqlx::Error::PoolClosed)),
        }
    }

    /// [`Self::append`] in a transaction of its own (when a group failed).
    async fn append_alone(
        &self,
        conversation: i64,
        from: Sender,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, StoreError> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        // Writing first takes the write lock at once (no read-then-write
        // upgrade on SQLite) and serialises senders per conversation.
        let seq: Option<(i64,)> = sqlx::query_as(
            "UPDATE conversations SET next_seq = next_seq + 1, last_activity_at = $2 \
             WHERE id = $1 AND state <> 'ended' RETURNING next_seq - 1",
        )
        .bind(conversation)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((seq,)) = seq else {
            tx.rollback().await?;
            return match self.get(conversation).await? {
                Some(_) => Err(StoreError::Ended),
                None => Err(StoreError::NotFound),
            };
        };
        let Some(wrapped) = wrapped_key(&mut *tx, conversation).await? else {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        };
        let key = self.vault.unwrap(&wrapped, &key_owner(conversation))?;
        let body = key.seal_text(&message_context(conversation, seq), text)?;
        let inserted = sqlx::query(
            "INSERT INTO messages (conversation_id, seq, client_id, sender, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conversation_id, client_id) DO NOTHING",
        )
        .bind(conversation)
        .bind(seq)
        .bind(client_id)
        .bind(to_db(&from))
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // Already stored: undo the number we took and return the original.
            tx.rollback().await?;
            let row = sqlx::query(
                "SELECT seq, client_id, sender, body, created_at FROM messages \
                 WHERE conversation_id = $1 AND client_id = $2",
            )
            .bind(conversation)
            .bind(client_id)
            .fetch_one(self.db.pool())
            .await?;
            // A stored message that no longer opens was tampered with: the
            // retry cannot be answered with it.
            let message = message_from_row(&row, &key, conversation)?
                .ok_or(StoreError::Crypto(CryptoError::Tampered))?;
            return Ok(Appended {
                message,
                duplicate: true,
            });
        }
        tx.commit().await?;
        Ok(Appended {
            message: ChatMessage {
                seq: u64::try_from(seq).unwrap_or_default(),
                client_id: client_id.to_owned(),
                from,
                text: text.to_owned(),
                at: now,
            },
            duplicate: false,
        })
    }

    /// Messages after `after_seq`, oldest first, at most `limit`. A message
    /// whose ciphertext does not authenticate is reported and left out.
    pub async fn messages_after(
        &self,
        conversation: i64,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, client_id, sender, body, created_at FROM messages \
             WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(conversation)
        .bind(i64::try_from(after_seq).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.data_key(conversation).await?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in &rows {
            messages.extend(message_from_row(row, &key, conversation)?);
        }
        Ok(messages)
    }

    /// Gives a waiting conversation to a counsellor. Atomic: of several
    /// counsellors claiming at once exactly one gets `Some`.
    pub async fn claim(
        &self,
        conversation: i64,
        counsellor_id: i64,
    ) -> Result<Option<Conversation>, StoreError> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        // A chat that went back to the queue during its talk keeps its
        // `claimed_at`: taking it again is the same talk, not a new one
        // for the statistics.
        // Writing first takes the write lock at once (see `append`): two
        // counsellors claiming together must not both read and then both
        // try to upgrade to writing (SQLite answers one of them "busy").
        sqlx::query("UPDATE conversations SET state = state WHERE id = $1")
            .bind(conversation)
            .execute(&mut *tx)
            .await?;
        let taken_before: Option<Option<i64>> =
            sqlx::query_scalar("SELECT claimed_at FROM conversations WHERE id = $1")
                .bind(conversation)
                .fetch_optional(&mut *tx)
                .await?;
        let row = sqlx::query(&format!(
            "UPDATE conversations SET state = 'active', counsellor_id = $2, claimed_at = $3, \
             last_activity_at = $3 WHERE id = $1 AND state = 'waiting' RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(counsellor_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let claimed = self.conversation(&row)?;
        if taken_before.flatten().is_none() {
            record_event(
                &mut tx,
                "taken",
                &claimed,
                Some(now - claimed.queued_at),
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(claimed))
    }

    /// Ends a conversation (idempotent). Records "closed" with the outcome,
    /// or "left_waiting" when the person leaves before anyone took it.
    /// Returns `false` when it had already ended.
    pub async fn end(
        &self,
        conversation: i64,
        by: Sender,
        outcome: Option<Outcome>,
        block: bool,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.db.pool().begin().await?;
        let before = sqlx::query(&format!(
            "UPDATE conversations SET state = 'ended', ended_at = $2, ended_by = $3, outcome = $4, \
             blocked = $5, last_activity_at = $2 WHERE id = $1 AND state <> 'ended' \
             RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(now)
        .bind(to_db(&by))
        .bind(outcome.as_ref().map(to_db))
        .bind(i64::from(block))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = before else {
            tx.rollback().await?;
            return Ok(false);
        };
        let ended = self.conversation(&row)?;
        // The RETURNING row is after the update: it was waiting when no
        // counsellor had claimed it.
        let kind = if ended.counsellor_id.is_none() {
            "left_waiting"
        } else {
            "closed"
        };
        let waited = (kind == "left_waiting").then(|| now - ended.queued_at);
        record_event(&mut tx, kind, &ended, waited, outcome).await?;
        if kind == "closed" {
            record_reply_time(&mut tx, &ended).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a conversation and everything in it (the person's own
    /// "delete now", and retention). Its data key goes first, committed on
    /// its own: from then on its ciphertext is unreadable wherever a copy
    /// lies (a backup, a half-finished delete), so the rows that follow are
    /// only tidying up. The statistics events, which hold no content, remain.
    pub async fn delete(&self, conversation: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM conversation_keys WHERE conversation_id = $1")
            .bind(conversation)
            .execute(self.db.pool())
            .await?;
        let mut tx = self.db.pool().begin().await?;
        for table in ["messages", "course_notes", "concerns"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conversation_id = $1"))
                .bind(conversation)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM conversations WHERE id = $1")
            .bind(conversation)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Conversations whose last activity was before `before` (Unix ms):
    /// what retention deletes, oldest first, at most `limit`.
    pub async fn inactive_since(&self, before: i64, limit: u32) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM conversations WHERE last_activity_at < $1 \
             ORDER BY last_activity_at, id LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Records that the counsellor has read up to `up_to` (never lowers it).
    pub async fn mark_read(&self, conversation: i64, up_to: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE conversations SET read_up_to = $2 WHERE id = $1 AND read_up_to < $2")
            .bind(conversation)
            .bind(i64::try_from(up_to).unwrap_or(i64::MAX))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Records risk words a person's words matched: adds them to the
    /// conversation's list and raises its priority to at least
    /// [`RISK_PRIORITY`]. `None` when the conversation has ended or is gone.
    pub async fn flag_risk(
        &self,
        conversation: i64,
        matched: &[String],
    ) -> Result<Option<Conversation>, StoreError> {
        let mut tx = self.db.pool().begin().await?;
        // Writing first takes the write lock at once (see `append`).
        let raised = sqlx::query(&format!(
            "UPDATE conversations SET priority = CASE WHEN priority < $2 THEN $2 ELSE priority END \
             WHERE id = $1 AND state <> 'ended' RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(i64::from(RISK_PRIORITY))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(raised) = raised else {
            tx.rollback().await?;
            return Ok(None);
        };
        let mut words = self.conversation(&raised)?.risk_words;
        for word in matched {
            if !words.contains(word) {
                words.push(word.clone());
            }
        }
        let Some(wrapped) = wrapped_key(&mut *tx, conversation).await? else {
            tx.rollback().await?;
            return Ok(None);
        };
        let key = self.vault.unwrap(&wrapped, &key_owner(conversation))?;
        let json = serde_json::to_string(&words).unwrap_or_else(|_| "[]".to_owned());
        let sealed = key.seal_text(&risk_words_context(conversation), &json)?;
        let row = sqlx::query(&format!(
            "UPDATE conversations SET risk_words = $2 WHERE id = $1 RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(sealed)
        .fetch_one(&mut *tx)
        .await?;
        let flagged = self.conversation(&row)?;
        tx.commit().await?;
        Ok(Some(flagged))
    }

    /// Sets a chat's priority by hand: a waiting chat, or an active one of
    /// `counsellor`'s. `None` when it is neither (taken by someone else,
    /// ended, gone). The caller checks the range.
    pub async fn set_priority(
        &self,
        conversation: i64,
        priority: i32,
        counsellor: i64,
    ) -> Result<Option<Conversation>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE conversations SET priority = $2 WHERE id = $1 AND (state = 'waiting'              OR (state = 'active' AND counsellor_id = $3)) RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(i64::from(priority))
        .bind(counsellor)
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(|row| self.conversation(row)).transpose()
    }

    /// The head of the waiting queue (at most `limit`): priority first,
    /// then oldest first.
    pub async fn waiting(&self, limit: u32) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE state = 'waiting' \
             ORDER BY priority DESC, queued_at, id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(|row| self.conversation(row)).collect()
    }

    /// The ids of all waiting conversations, in queue order.
    pub async fn waiting_ids(&self) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM conversations WHERE state = 'waiting' \
             ORDER BY priority DESC, queued_at, id",
        )
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// A waiting conversation's place in the queue (1 = next).
    pub async fn queue_position(&self, conversation: &Conversation) -> Result<u32, StoreError> {
        let (ahead,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM conversations WHERE state = 'waiting' AND \
             (priority > $1 OR (priority = $1 AND (queued_at < $2 OR (queued_at = $2 AND id <= $3))))",
        )
        .bind(i64::from(conversation.priority))
        .bind(conversation.queued_at)
        .bind(conversation.id)
        .fetch_one(self.db.pool())
        .await?;
        Ok(u32::try_from(ahead).unwrap_or(u32::MAX).max(1))
    }

    /// Conversations a counsellor has open.
    pub async fn active_for(&self, counsellor_id: i64) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE state = 'active' AND counsellor_id = $1 \
             ORDER BY created_at"
        ))
        .bind(counsellor_id)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(|row| self.conversation(row)).collect()
    }

    /// Gives an active chat from counsellor `from` to counsellor `to`, in one
    /// statement: only the current holder can give it, and only to an active
    /// account below its maximum number of chats. The auto-return clock
    /// starts again for the new holder. `Ok(None)` when any of that fails
    /// (see [`ConversationStore::get`] and [`ConversationStore::load_of`]
    /// for which).
    pub async fn transfer(
        &self,
        conversation: i64,
        from: i64,
        to: i64,
    ) -> Result<Option<Conversation>, StoreError> {
        let now = now_millis();
        let row = sqlx::query(&format!(
            "UPDATE conversations SET counsellor_id = $3, claimed_at = $4, last_activity_at = $4, \
             handover_note = NULL, handover_from = NULL \
             WHERE id = $1 AND state = 'active' AND counsellor_id = $2 \
             AND (SELECT COUNT(*) FROM conversations c WHERE c.state = 'active' \
                  AND c.counsellor_id = $3) \
                 < (SELECT max_chats FROM counsellors WHERE counsellors.id = $3 AND active = 1) \
             RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(from)
        .bind(to)
        .bind(now)
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(|row| self.conversation(row)).transpose()
    }

    /// Puts an active chat of counsellor `from` back in the queue at its
    /// original place (its `queued_at` is kept), with an optional handover
    /// note for whoever takes it. It is no longer kept for `from` as a
    /// returning person's last counsellor. `false` when `from` did not have it.
    pub async fn return_to_queue(
        &self,
        conversation: i64,
        from: i64,
        note: Option<(&str, &str)>,
    ) -> Result<bool, StoreError> {
        let (note, author) = note.unzip();
        let note = match note {
            Some(note) => Some(
                self.data_key(conversation)
                    .await?
                    .seal_text(&handover_context(conversation), note)?,
            ),
            None => None,
        };
        let author = author.map(str::to_owned);
        let done = sqlx::query(
            "UPDATE conversations SET state = 'waiting', counsellor_id = NULL, \
             handover_note = $3, handover_from = $4, \
             previous_counsellor_id = CASE WHEN previous_counsellor_id = $2 THEN NULL \
                 ELSE previous_counsellor_id END \
             WHERE id = $1 AND state = 'active' AND counsellor_id = $2",
        )
        .bind(conversation)
        .bind(from)
        .bind(note)
        .bind(author)
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes the handover note a chat came back to the queue with (it is
    /// shown once, to whoever claimed it): the note and who wrote it.
    pub async fn take_handover(
        &self,
        conversation: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let Some((note, from)) = self.open_handover(conversation).await? else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE conversations SET handover_note = NULL, handover_from = NULL WHERE id = $1",
        )
        .bind(conversation)
        .execute(self.db.pool())
        .await?;
        Ok(note.map(|note| (note, from)))
    }

    /// Leaves a handover note (sealed) with a chat given to a colleague, so
    /// a console on another node can read it ([`Self::read_handover`]);
    /// the next claim, return or transfer replaces it.
    pub async fn set_handover(
        &self,
        conversation: i64,
        note: &str,
        from: &str,
    ) -> Result<(), StoreError> {
        let sealed = self
            .data_key(conversation)
            .await?
            .seal_text(&handover_context(conversation), note)?;
        sqlx::query(
            "UPDATE conversations SET handover_note = $2, handover_from = $3 WHERE id = $1",
        )
        .bind(conversation)
        .bind(sealed)
        .bind(from)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// The handover note a chat carries, without taking it (every console
    /// of the receiving counsellor shows it).
    pub async fn read_handover(
        &self,
        conversation: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let found = self.open_handover(conversation).await?;
        Ok(found.and_then(|(note, from)| note.map(|note| (note, from))))
    }

    /// The handover note a chat carries, opened, and who wrote it: `None`
    /// when there is none, a `None` note when it could not be opened (that
    /// is reported; taking it still clears it).
    async fn open_handover(
        &self,
        conversation: i64,
    ) -> Result<Option<(Option<String>, String)>, StoreError> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as("SELECT handover_note, handover_from FROM conversations WHERE id = $1")
                .bind(conversation)
                .fetch_optional(self.db.pool())
                .await?;
        let Some((Some(sealed), from)) = row else {
            return Ok(None);
        };
        let key = self.data_key(conversation).await?;
        let note = open_or_report(
            &key,
            &handover_context(conversation),
            &sealed,
            "handover note",
            conversation,
        );
        Ok(Some((note, from.unwrap_or_default())))
    }

    /// Records the outcome of a talk the person ended before the counsellor
    /// closed it (once: a talk with an outcome keeps it). Statistics get a
    /// content-free "outcome" event.
    pub async fn record_outcome(
        &self,
        conversation: i64,
        counsellor_id: i64,
        outcome: Outcome,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.pool().begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE conversations SET outcome = $3 WHERE id = $1 AND state = 'ended' \
             AND ended_by = 'visitor' AND outcome IS NULL AND counsellor_id = $2 \
             RETURNING {CONVERSATION_COLUMNS}"
        ))
        .bind(conversation)
        .bind(counsellor_id)
        .bind(to_db(&outcome))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(false);
        };
        let ended = self.conversation(&row)?;
        record_event(&mut tx, "outcome", &ended, None, Some(outcome)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a counsellor's concern about a conversation, with a
    /// content-free "concern" statistics event.
    pub async fn record_concern(
        &self,
        conversation: &Conversation,
        author_id: i64,
        body: &str,
    ) -> Result<(), StoreError> {
        let key = self.data_key(conversation.id).await?;
        let mut tx = self.db.pool().begin().await?;
        // The row's id is part of where the text belongs: insert, then seal.
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO concerns (conversation_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(conversation.id)
        .bind(author_id)
        .bind(Vec::<u8>::new())
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE concerns SET body = $2 WHERE id = $1")
            .bind(id)
            .bind(key.seal_text(&concern_context(conversation.id, id), body)?)
            .execute(&mut *tx)
            .await?;
        record_event(&mut tx, "concern", conversation, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Active chats claimed at or before `claimed_before` (Unix ms) that
    /// have no counsellor message since: (id, holder).
    pub async fn unanswered_claims(
        &self,
        claimed_before: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, counsellor_id FROM conversations WHERE state = 'active' \
             AND counsellor_id IS NOT NULL AND claimed_at <= $1 AND NOT EXISTS \
             (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id \
              AND m.sender = 'counsellor' AND m.created_at >= conversations.claimed_at)",
        )
        .bind(claimed_before)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows)
    }

    /// Every active chat's (id, holder).
    pub async fn active_holders(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, counsellor_id FROM conversations WHERE state = 'active' \
             AND counsellor_id IS NOT NULL ORDER BY id",
        )
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows)
    }

    /// How many active chats each counsellor has.
    pub async fn loads(&self) -> Result<std::collections::HashMap<i64, u32>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT counsellor_id, COUNT(*) FROM conversations WHERE state = 'active' \
             AND counsellor_id IS NOT NULL GROUP BY counsellor_id",
        )
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }

    /// How many active chats one counsellor has.
    pub async fn load_of(&self, counsellor_id: i64) -> Result<u32, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM conversations WHERE state = 'active' AND counsellor_id = $1",
        )
        .bind(counsellor_id)
        .fetch_one(self.db.pool())
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Every chat that is active or waiting, oldest first, with the
    /// holder's first name (the coordinator's overview).
    pub async fn live(&self) -> Result<Vec<(Conversation, Option<String>)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS}, (SELECT first_name FROM counsellors \
             WHERE counsellors.id = conversations.counsellor_id) AS holder \
             FROM conversations WHERE state <> 'ended' ORDER BY queued_at, id LIMIT 500"
        ))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((self.conversation(row)?, row.try_get("holder")?)))
            .collect()
    }

    /// Real waits (ms) of the most recently taken chats, newest first: the
    /// basis of the honest wait estimate.
    pub async fn recent_waits(&self, limit: u32) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT wait_ms FROM activity_events WHERE kind = 'taken' AND channel = 'chat' \
             AND wait_ms IS NOT NULL ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows.into_iter().map(|(w,)| w).collect())
    }
}

/// Appends a non-identifying activity event (no content, no token).
async fn record_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kind: &str,
    conversation: &Conversation,
    wait_ms: Option<i64>,
    outcome: Option<Outcome>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_events (kind, at, channel, role, age_band, topic, wait_ms, outcome, \
         course, returned) VALUES ($1, $2, 'chat', $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(kind)
    .bind(hour_bucket(now_millis()))
    .bind(to_db(&conversation.role))
    .bind(conversation.age_band.as_ref().map(to_db))
    .bind(conversation.topic.as_ref().map(to_db))
    .bind(wait_ms)
    .bind(outcome.as_ref().map(to_db))
    .bind(&conversation.course_token)
    .bind(i64::from(conversation.talks > 1))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records how quickly the counsellor answered in the talk that just
/// ended: one number (the mean reply time, and how many replies it
/// averages), never the messages or their times.
async fn record_reply_time(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    conversation: &Conversation,
) -> Result<(), sqlx::Error> {
    let messages: Vec<(String, i64)> = sqlx::query_as(
        "SELECT sender, created_at FROM messages WHERE conversation_id = $1 \
         AND created_at >= $2 ORDER BY seq",
    )
    .bind(conversation.id)
    .bind(conversation.queued_at)
    .fetch_all(&mut **tx)
    .await?;
    let talk: Vec<(bool, i64)> = messages
        .into_iter()
        .map(|(sender, at)| (sender == "counsellor", at))
        .collect();
    let gaps = crate::statistics::events::reply_gaps(&talk);
    if gaps.is_empty() {
        return Ok(());
    }
    let replies = i64::try_from(gaps.len()).unwrap_or(i64::MAX);
    let role = to_db(&conversation.role);
    crate::statistics::events::record(
        tx,
        &crate::statistics::events::Event {
            kind: "reply_time",
            at: now_millis(),
            channel: "chat",
            role: Some(&role),
            wait_ms: Some(gaps.iter().sum::<i64>() / replies),
            amount: Some(replies),
            ..Default::default()
        },
    )
    .await
}

/// The honest wait estimate: the median of recent real waits, in seconds;
/// `None` with fewer than three to go on.
pub fn estimate_wait_secs(recent_waits_ms: &[i64]) -> Option<u32> {
    if recent_waits_ms.len() < 3 {
        return None;
    }
    let mut waits = recent_waits_ms.to_vec();
    waits.sort_unstable();
    let median = waits[waits.len() / 2];
    u32::try_from(median.max(0) / 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_estimate_without_data_and_the_median_with_it() {
        assert_eq!(estimate_wait_secs(&[]), None);
        assert_eq!(estimate_wait_secs(&[1000, 2000]), None);
        assert_eq!(estimate_wait_secs(&[60_000, 1_000, 600_000]), Some(60));
    }

    #[test]
    fn event_times_are_rounded_to_the_hour() {
        assert_eq!(hour_bucket(3_600_000 * 5 + 1234), 3_600_000 * 5);
        assert_eq!(hour_bucket(0), 0);
    }

    #[test]
    fn vocabulary_is_stored_by_its_wire_name() {
        assert_eq!(to_db(&Role::ParentOrRelative), "parent_or_relative");
        assert_eq!(
            from_db::<Role>("parent_or_relative"),
            Some(Role::ParentOrRelative)
        );
        assert_eq!(from_db::<Role>("nonsense"), None);
    }
}
