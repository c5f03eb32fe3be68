use crate::helpers::TestApp;
use crate::on_both_databases;
use server::auth::DbSessionStore;
use time::{Duration, OffsetDateTime};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

on_both_databases!(
    a_counsellor_session_is_stored_loaded_and_deleted,
    an_expired_session_is_not_loaded_and_is_swept,
);

fn record(expires_in: Duration) -> Record {
    let mut data = std::collections::HashMap::new();
    data.insert("counsellor".to_owned(), serde_json::json!(42));
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

async fn a_counsellor_session_is_stored_loaded_and_deleted(app: TestApp) {
    let store = DbSessionStore::new(app.db.clone());
    let mut session = record(Duration::hours(1));
    store.create(&mut session).await.expect("create");
    let loaded = store
        .load(&session.id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(loaded.data["counsellor"], 42);

    session
        .data
        .insert("counsellor".to_owned(), serde_json::json!(7));
    store.save(&session).await.expect("save");
    let loaded = store
        .load(&session.id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(loaded.data["counsellor"], 7);

    store.delete(&session.id).await.expect("delete");
    assert!(store.load(&session.id).await.expect("load").is_none());
}

async fn an_expired_session_is_not_loaded_and_is_swept(app: TestApp) {
    let store = DbSessionStore::new(app.db.clone());
    let mut expired = record(Duration::seconds(-5));
    let mut current = record(Duration::hours(1));
    store.create(&mut expired).await.expect("create");
    store.create(&mut current).await.expect("create");
    assert!(store.load(&expired.id).await.expect("load").is_none());
    assert_eq!(store.delete_expired().await.expect("sweep"), 1);
    assert!(store.load(&current.id).await.expect("load").is_some());
}
