//! The audit log: append-only in the database, hash-chained so tampering is
//! found, and never forked by concurrent writers.

use crate::helpers::TestApp;
use crate::on_both_databases;
use server::audit::{self, Action, Actor, AuditError};
use server::db::Backend;

on_both_databases!(
    entries_chain_and_verify,
    the_database_refuses_to_change_or_delete_entries,
    a_changed_or_removed_entry_is_found,
    concurrent_writers_never_fork_the_chain,
);

async fn entries_chain_and_verify(app: TestApp) {
    let before = audit::verify(&app.db).await.expect("verifies");
    let anna = Actor::Counsellor(1, "anna".into());
    audit::record(&app.db, &anna, Action::Login, "counsellor:1", "")
        .await
        .expect("recorded");
    audit::record(
        &app.db,
        &anna,
        Action::RoleChanged,
        "counsellor:2",
        "coordinator",
    )
    .await
    .expect("recorded");
    audit::record(
        &app.db,
        &Actor::Unknown("Bo".into()),
        Action::LoginFailed,
        "",
        "",
    )
    .await
    .expect("recorded");
    assert_eq!(audit::verify(&app.db).await, Ok(before + 3));
    let newest = audit::list(&app.db, None, 2).await.expect("lists");
    assert_eq!(newest.len(), 2);
    assert_eq!(newest[0].action, "login_failed");
    assert_eq!(newest[0].actor, "?bo");
    assert_eq!(newest[0].actor_id, None);
    assert_eq!(newest[1].detail, "coordinator");
    assert_eq!(newest[1].actor_id, Some(1));
    let older = audit::list(&app.db, Some(newest[1].id), 10)
        .await
        .expect("pages back");
    assert!(older.iter().all(|e| e.id < newest[1].id));
    assert_eq!(older[0].action, "login");
}

async fn the_database_refuses_to_change_or_delete_entries(app: TestApp) {
    audit::record(&app.db, &Actor::System, Action::SettingsChanged, "x", "")
        .await
        .expect("recorded");
    let update = sqlx::query("UPDATE audit_log SET detail = 'changed'")
        .execute(app.db.pool())
        .await;
    assert!(update.is_err(), "an update must be refused");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(app.db.pool())
        .await;
    assert!(delete.is_err(), "a delete must be refused");
    assert!(audit::verify(&app.db).await.is_ok());
}

/// Someone with full database access removes the guard and edits rows:
/// the chain shows where.
async fn a_changed_or_removed_entry_is_found(app: TestApp) {
    for n in 0..4 {
        audit::record(
            &app.db,
            &Actor::Counsellor(1, "anna".into()),
            Action::CounsellorCreated,
            &format!("counsellor:{n}"),
            "",
        )
        .await
        .expect("recorded");
    }
    let entries = audit::list(&app.db, None, 4).await.expect("lists");
    let (third, second) = (entries[1].id, entries[2].id);
    let unguard = match app.db.backend() {
        Backend::Sqlite => vec![
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => vec!["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"],
    };
    for statement in unguard {
        sqlx::query(statement)
            .execute(app.db.pool())
            .await
            .expect("unguarded");
    }
    sqlx::query("UPDATE audit_log SET subject = 'counsellor:99' WHERE id = $1")
        .bind(third)
        .execute(app.db.pool())
        .await
        .expect("edited");
    assert_eq!(audit::verify(&app.db).await, Err(AuditError::Broken(third)));
    // Put it back, then remove a row instead.
    sqlx::query("UPDATE audit_log SET subject = 'counsellor:2' WHERE id = $1")
        .bind(third)
        .execute(app.db.pool())
        .await
        .expect("restored");
    assert!(audit::verify(&app.db).await.is_ok());
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(second)
        .execute(app.db.pool())
        .await
        .expect("removed");
    assert_eq!(audit::verify(&app.db).await, Err(AuditError::Broken(third)));
}

async fn concurrent_writers_never_fork_the_chain(app: TestApp) {
    let before = audit::verify(&app.db).await.expect("verifies");
    let writers: Vec<_> = (0..16)
        .map(|n| {
            let db = app.db.clone();
            tokio::spawn(async move {
                audit::record(
                    &db,
                    &Actor::Counsellor(n, format!("c{n}")),
                    Action::Login,
                    &format!("counsellor:{n}"),
                    "",
                )
                .await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("no panic").expect("every append lands");
    }
    assert_eq!(audit::verify(&app.db).await, Ok(before + 16));
}
