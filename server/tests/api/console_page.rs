use crate::helpers::{Database, spawn_app};

fn nonce_of(policy: &str) -> String {
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce")
        .to_owned()
}

/// The console's shell loads its own bundle with a script the page's CSP
/// allows by nonce, and is neither cached nor indexed.
#[tokio::test]
async fn the_console_page_starts_its_own_bundle_under_a_fresh_nonce() {
    let app = spawn_app(Database::Sqlite).await;

    let response = app.get("/console", &[]).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["x-robots-tag"]
            .to_str()
            .expect("ascii")
            .contains("noindex")
    );
    let policy = headers["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    let nonce = nonce_of(&policy);
    assert!(nonce.len() >= 16, "nonce {nonce:?} is too short");

    let html = response.text().await.expect("body");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"<html lang="da">"#));
    assert!(html.contains("<title>Konsol · Snak Om Det</title>"));
    assert!(html.contains(r#"<link rel="stylesheet" href="/pkg/console.css">"#));
    assert!(html.contains(r#"from "/pkg/console.js""#));
    assert!(html.contains("console_main()"));
    assert!(html.contains("<noscript>"));
    assert_eq!(
        html.matches("<script").count(),
        html.matches(&format!(r#"nonce="{nonce}""#)).count(),
        "every script carries the response's nonce"
    );
    assert!(
        !html.contains("front-door"),
        "the youth bundle is not loaded here"
    );

    let again = app.get("/console", &[]).await;
    let second = nonce_of(
        again.headers()["content-security-policy"]
            .to_str()
            .expect("ascii"),
    );
    assert_ne!(second, nonce, "a nonce is never reused");
}

/// The console page sets no cookie by itself: only logging in does.
#[tokio::test]
async fn opening_the_console_sets_no_cookie() {
    let app = spawn_app(Database::Sqlite).await;
    let response = app.get("/console", &[]).await;
    assert!(response.headers().get("set-cookie").is_none());
}
