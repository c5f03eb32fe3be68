//! Master-key rotation: every stored data key is re-wrapped under the
//! current master key, a small batch at a time, while the service runs.
//!
//! How a rotation goes: give every node the new key as `master_key` and the
//! old one as `master_key_previous` and restart them one by one (they read
//! keys wrapped under either and wrap new ones under the new key); run
//! `keys rotate`; once it reports nothing left under the old key, drop
//! `master_key_previous`. Running it again is harmless: keys already under
//! the current master key are counted and left alone.
//!
//! Every table that stores wrapped keys is listed in [`KEY_TABLES`]
//! (booking and case tables add their own line).

use crate::crypto::{CryptoError, Vault};
use crate::db::Db;

/// A table that stores wrapped data keys, and how to name each key's owner
/// (the associated data it was wrapped with).
#[derive(Clone, Copy, Debug)]
pub struct KeyTable {
    /// The table.
    pub table: &'static str,
    /// Its integer id column (the owner's id).
    pub id_column: &'static str,
    /// The column with the wrapped key.
    pub key_column: &'static str,
    /// The owner's associated data for an id.
    pub owner: fn(i64) -> Vec<u8>,
}

/// Every table with wrapped data keys: conversations, bookings and group
/// sign-ups (see `booking::WRAPPED_KEYS`), letter threads (see
/// `letters::WRAPPED_KEYS`), treatment cases (see `cases::WRAPPED_KEYS`). A test checks that this list covers theirs.
pub const KEY_TABLES: &[KeyTable] = &[
    KeyTable {
        table: "conversation_keys",
        id_column: "conversation_id",
        key_column: "wrapped",
        owner: crate::chat::store::key_owner,
    },
    KeyTable {
        table: "bookings",
        id_column: "id",
        key_column: "data_key",
        owner: |id| crate::crypto::context("booking", &[id]),
    },
    KeyTable {
        table: "group_participants",
        id_column: "id",
        key_column: "data_key",
        owner: |id| crate::crypto::context("group-participant", &[id]),
    },
    KeyTable {
        table: "group_evaluations",
        id_column: "id",
        key_column: "data_key",
        owner: |id| crate::crypto::context("group-evaluation", &[id]),
    },
    KeyTable {
        table: "letter_threads",
        id_column: "id",
        key_column: "data_key",
        owner: crate::letters::store::owner,
    },
    KeyTable {
        table: "treatment_cases",
        id_column: "id",
        key_column: "wrapped_key",
        owner: crate::cases::owner,
    },
];

/// What a rotation did in one table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    /// The table.
    pub table: &'static str,
    /// Re-wrapped under the current master key now.
    pub rewrapped: u64,
    /// Already under the current master key.
    pub current: u64,
    /// Could not be opened (under a master key this process was not given,
    /// or damaged): left as they are, and reported.
    pub failed: u64,
}

/// Re-wraps every key in `tables` that is not yet under `vault`'s current
/// master key, `batch` rows at a time. A key deleted meanwhile (retention)
/// is simply gone; a key changed meanwhile is left to the next run.
pub async fn rewrap_all(
    db: &Db,
    vault: &Vault,
    tables: &[KeyTable],
    batch: u32,
) -> Result<Vec<Rotated>, sqlx::Error> {
    let mut report = Vec::with_capacity(tables.len());
    for table in tables {
        report.push(rewrap_table(db, vault, table, batch.max(1)).await?);
    }
    Ok(report)
}

async fn rewrap_table(
    db: &Db,
    vault: &Vault,
    table: &KeyTable,
    batch: u32,
) -> Result<Rotated, sqlx::Error> {
    let KeyTable {
        table: name,
        id_column: id,
        key_column: key,
        owner,
    } = *table;
    let mut rotated = Rotated {
        table: name,
        ..Rotated::default()
    };
    let mut after = i64::MIN;
    loop {
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(&format!(
            "SELECT {id}, {key} FROM {name} WHERE {id} > $1 AND {key} IS NOT NULL \
             ORDER BY {id} LIMIT $2"
        ))
        .bind(after)
        .bind(i64::from(batch))
        .fetch_all(db.pool())
        .await?;
        let Some(&(last, _)) = rows.last() else {
            break;
        };
        after = last;
        for (owner_id, wrapped) in rows {
            match vault.rewrap(&wrapped, &owner(owner_id)) {
                Ok(None) => rotated.current += 1,
                Ok(Some(rewrapped)) => {
                    // Only if nobody changed it in between.
                    let done = sqlx::query(&format!(
                        "UPDATE {name} SET {key} = $2 WHERE {id} = $1 AND {key} = $3"
                    ))
                    .bind(owner_id)
                    .bind(rewrapped)
                    .bind(wrapped)
                    .execute(db.pool())
                    .await?;
                    rotated.rewrapped += done.rows_affected();
                }
                Err(error) => {
                    rotated.failed += 1;
                    report_failure(name, owner_id, error);
                }
            }
        }
    }
    Ok(rotated)
}

fn report_failure(table: &str, id: i64, error: CryptoError) {
    tracing::error!(table, id, %error, "a stored data key could not be re-wrapped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_with_wrapped_keys_is_rotated() {
        let listed = |table: &str, id: &str, key: &str, kind: &str| {
            KEY_TABLES.iter().any(|t| {
                t.table == table
                    && t.id_column == id
                    && t.key_column == key
                    && (t.owner)(7) == crate::crypto::context(kind, &[7])
            })
        };
        for (table, id, key, kind) in crate::booking::WRAPPED_KEYS
            .iter()
            .chain(crate::cases::WRAPPED_KEYS)
            .chain(crate::letters::WRAPPED_KEYS.iter())
        {
            assert!(listed(table, id, key, kind), "{table} is not rotated");
        }
        assert!(listed(
            "conversation_keys",
            "conversation_id",
            "wrapped",
            "conversation"
        ));
    }
}
