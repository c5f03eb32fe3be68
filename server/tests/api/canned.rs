//! Canned replies: shared ones for the whole team (changed by coordinators
//! only, audited) and each counsellor's personal ones, in Danish and
//! English, found by their `/shortcut`.

use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::settings::{audited, call, log_in_as};
use app::protocol::console::CannedReply;
use reqwest::Method;
use server::auth::counsellors::Role;

on_both_databases!(
    the_team_starts_with_shared_replies_in_both_languages,
    personal_replies_belong_to_their_counsellor,
    only_coordinators_change_shared_replies_and_it_is_audited,
    bad_replies_are_refused_by_field_and_change_nothing,
);

async fn list(app: &TestApp, cookie: &str) -> Vec<CannedReply> {
    let response = call(app, Method::GET, "/api/canned", cookie, None).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("replies")
}

async fn the_team_starts_with_shared_replies_in_both_languages(app: TestApp) {
    let cookie = log_in_as(&app, "bo", "Bo", Role::Counsellor).await;
    let replies = list(&app, &cookie).await;
    let shortcut = |lang: &str, shortcut: &str| {
        replies
            .iter()
            .any(|r| r.shared && r.lang == lang && r.shortcut == shortcut)
    };
    assert!(shortcut("da", "velkommen") && shortcut("da", "tryg"));
    assert!(shortcut("en", "welcome") && shortcut("en", "safe"));
    let nobody = app
        .client
        .get(format!("{}/api/canned", app.address))
        .send()
        .await
        .expect("answered");
    assert_eq!(nobody.status(), 401);
}

async fn personal_replies_belong_to_their_counsellor(app: TestApp) {
    let bo = log_in_as(&app, "bo", "Bo", Role::Counsellor).await;
    let mia = log_in_as(&app, "mia", "Mia", Role::Counsellor).await;
    let created = call(
        &app,
        Method::POST,
        "/api/canned",
        &bo,
        Some(serde_json::json!({ "lang": "da", "shortcut": "/pause", "text": "Jeg er her stadig – to minutter." })),
    )
    .await;
    assert_eq!(created.status(), 201);
    let reply: CannedReply = created.json().await.expect("reply");
    assert_eq!((reply.shared, reply.shortcut.as_str()), (false, "pause"));
    assert!(list(&app, &bo).await.contains(&reply));
    assert!(
        !list(&app, &mia).await.iter().any(|r| r.id == reply.id),
        "Mia does not see Bo's own reply"
    );
    // Mia may use the same shortcut for her own.
    let hers = call(
        &app,
        Method::POST,
        "/api/canned",
        &mia,
        Some(serde_json::json!({ "lang": "da", "shortcut": "pause", "text": "Et øjeblik." })),
    )
    .await;
    assert_eq!(hers.status(), 201);
    // But neither can change the other's.
    let path = format!("/api/canned/{}", reply.id);
    let edit = serde_json::json!({ "lang": "da", "shortcut": "pause", "text": "Mias tekst" });
    let response = call(&app, Method::PUT, &path, &mia, Some(edit)).await;
    assert_eq!(response.status(), 404);
    let response = call(&app, Method::DELETE, &path, &mia, None).await;
    assert_eq!(response.status(), 404);

    let edit = serde_json::json!({ "lang": "en", "shortcut": "pause", "text": "Still here." });
    let response = call(&app, Method::PUT, &path, &bo, Some(edit)).await;
    assert_eq!(response.status(), 200);
    let changed: CannedReply = response.json().await.expect("reply");
    assert_eq!(
        (changed.lang.as_str(), changed.text.as_str()),
        ("en", "Still here.")
    );
    let response = call(&app, Method::DELETE, &path, &bo, None).await;
    assert_eq!(response.status(), 204);
    assert!(!list(&app, &bo).await.iter().any(|r| r.id == reply.id));
    assert_eq!(
        audited(&app, "canned_replies_changed").await,
        0,
        "personal: not audited"
    );
}

async fn only_coordinators_change_shared_replies_and_it_is_audited(app: TestApp) {
    let bo = log_in_as(&app, "bo", "Bo", Role::Counsellor).await;
    let anna = log_in_as(&app, "anna", "Anna", Role::Coordinator).await;
    let shared = serde_json::json!({ "shared": true, "lang": "en", "shortcut": "book", "text": "You can book a talk on the front page." });
    let refused = call(&app, Method::POST, "/api/canned", &bo, Some(shared.clone())).await;
    assert_eq!(refused.status(), 403);
    let created = call(&app, Method::POST, "/api/canned", &anna, Some(shared)).await;
    assert_eq!(created.status(), 201);
    let reply: CannedReply = created.json().await.expect("reply");
    assert!(reply.shared);
    assert!(list(&app, &bo).await.contains(&reply), "everyone sees it");

    let path = format!("/api/canned/{}", reply.id);
    let edit = serde_json::json!({ "lang": "en", "shortcut": "book", "text": "Bo's version" });
    let response = call(&app, Method::PUT, &path, &bo, Some(edit.clone())).await;
    assert_eq!(response.status(), 403);
    let response = call(&app, Method::DELETE, &path, &bo, None).await;
    assert_eq!(response.status(), 403);
    assert!(list(&app, &bo).await.contains(&reply), "unchanged");

    let response = call(&app, Method::PUT, &path, &anna, Some(edit)).await;
    assert_eq!(response.status(), 200);
    let response = call(&app, Method::DELETE, &path, &anna, None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(audited(&app, "canned_replies_changed").await, 3);
}

async fn bad_replies_are_refused_by_field_and_change_nothing(app: TestApp) {
    let bo = log_in_as(&app, "bo", "Bo", Role::Counsellor).await;
    let before = list(&app, &bo).await;
    let cases = [
        (
            serde_json::json!({ "lang": "de", "shortcut": "hallo", "text": "Hallo" }),
            "lang",
        ),
        (
            serde_json::json!({ "lang": "da", "shortcut": "Hej Du", "text": "Hej" }),
            "shortcut",
        ),
        (
            serde_json::json!({ "lang": "da", "shortcut": "hej", "text": " " }),
            "text",
        ),
        (
            serde_json::json!({ "lang": "da", "shortcut": "lang", "text": "x".repeat(2001) }),
            "text",
        ),
        (
            serde_json::json!({ "lang": "da", "shortcut": "hej" }),
            "body",
        ),
    ];
    for (body, field) in cases {
        let response = call(&app, Method::POST, "/api/canned", &bo, Some(body.clone())).await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let first = serde_json::json!({ "lang": "da", "shortcut": "hej", "text": "Hej!" });
    let response = call(&app, Method::POST, "/api/canned", &bo, Some(first.clone())).await;
    assert_eq!(response.status(), 201);
    let response = call(&app, Method::POST, "/api/canned", &bo, Some(first)).await;
    assert_eq!(response.status(), 409, "one /hej per language");
    assert_eq!(list(&app, &bo).await.len(), before.len() + 1);
    // No Origin: a cross-site request changes nothing.
    let forged = app
        .client
        .post(format!("{}/api/canned", app.address))
        .header("cookie", &bo)
        .json(&serde_json::json!({ "lang": "da", "shortcut": "x", "text": "x" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status(), 403);
    assert_eq!(list(&app, &bo).await.len(), before.len() + 1);
}
