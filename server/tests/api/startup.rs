use crate::helpers::{Database, spawn_with, test_settings};
use server::startup::{Application, StartupError};

/// Restarting on the same SQLite file applies no migration twice and keeps
/// what was stored.
#[tokio::test]
async fn a_restart_on_the_same_database_keeps_its_data() {
    let (settings, _) = test_settings(Database::Sqlite).await;
    let mut first = spawn_with(settings.clone(), None).await;
    sqlx::query(
        "INSERT INTO counsellor_sessions (id, data, expires_at) VALUES ('kept', $1, 9999999999999)",
    )
    .bind(b"{}".to_vec())
    .execute(first.db.pool())
    .await
    .expect("insert");
    first.stop().await;
    // Keep the folder: `first` would remove it when dropped.
    std::mem::forget(first);

    let second = spawn_with(settings, None).await;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM counsellor_sessions WHERE id = 'kept'")
            .fetch_one(second.db.pool())
            .await
            .expect("count");
    assert_eq!(count, 1);
}

/// A schema that does not match the migrations stops start-up loudly rather
/// than running on it.
#[tokio::test]
async fn a_tampered_schema_stops_start_up() {
    let (settings, _) = test_settings(Database::Sqlite).await;
    let mut app = spawn_with(settings.clone(), None).await;
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1")
        .bind(vec![0u8; 48])
        .execute(app.db.pool())
        .await
        .expect("tamper");
    app.stop().await;
    std::mem::forget(app);

    match Application::build(settings).await {
        Err(StartupError::Database(error)) => {
            assert!(error.to_string().contains("migration"), "{error}");
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("start-up must fail on a tampered schema"),
    }
}

/// An unreachable database is a start-up error, not a panic.
#[tokio::test]
async fn an_unreachable_database_is_a_clear_start_up_error() {
    let (mut settings, _) = test_settings(Database::Sqlite).await;
    settings.database_url = Some("postgres://nobody@127.0.0.1:1/none".to_owned());
    let error = Application::build(settings)
        .await
        .err()
        .expect("start-up fails");
    assert!(matches!(error, StartupError::Database(_)), "{error}");
}

/// Graceful shutdown: once stopped, the port no longer answers.
#[tokio::test]
async fn the_server_stops_on_its_shutdown_signal() {
    let mut app = spawn_with(test_settings(Database::Sqlite).await.0, None).await;
    assert_eq!(app.get("/healthz", &[]).await.status(), 200);
    app.stop().await;
    let after = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await;
    assert!(after.is_err(), "the port still answers after shutdown");
}
