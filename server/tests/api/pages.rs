use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    the_front_door_speaks_danish_by_default,
    an_english_browser_gets_english,
    the_language_cookie_wins_over_the_browser,
    an_unknown_address_is_a_friendly_404,
    a_visit_to_the_front_door_sets_no_cookie,
    pages_carry_a_nonce_policy_that_matches_their_scripts,
    every_response_carries_the_security_headers,
    every_public_page_answers_200,
);

async fn every_public_page_answers_200(app: TestApp) {
    for path in ["/", "/chat", "/hvad-vi-gemmer", "/booking", "/groups"] {
        let response = app.get(path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
    }
}

async fn the_front_door_speaks_danish_by_default(app: TestApp) {
    let response = app.get("/", &[]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<html lang="da">"#), "{html}");
    assert!(html.contains("Snak Om Det"));
    assert!(html.contains("Hurtig exit"));
    assert!(html.contains("tel:112"));
}

async fn an_english_browser_gets_english(app: TestApp) {
    let html = app
        .get("/", &[("accept-language", "en-GB,en;q=0.9,da;q=0.5")])
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Quick exit"));
}

async fn the_language_cookie_wins_over_the_browser(app: TestApp) {
    let html = app
        .get(
            "/",
            &[("accept-language", "da"), ("cookie", "other=1; lang=en")],
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains(r#"<html lang="en">"#));
    let html = app
        .get(
            "/",
            &[("accept-language", "da"), ("cookie", "lang=<script>")],
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains(r#"<html lang="da">"#),
        "a bad cookie falls back"
    );
}

async fn an_unknown_address_is_a_friendly_404(app: TestApp) {
    let response = app.get("/no/such/page", &[]).await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("body");
    assert!(html.contains("Siden findes ikke"));
    assert!(
        html.contains("Hurtig exit"),
        "the layout, quick exit included, is there"
    );
}

async fn a_visit_to_the_front_door_sets_no_cookie(app: TestApp) {
    for path in ["/", "/no/such/page", "/healthz"] {
        let response = app.get(path, &[("accept-language", "en")]).await;
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} set a cookie"
        );
    }
}

async fn pages_carry_a_nonce_policy_that_matches_their_scripts(app: TestApp) {
    let response = app.get("/", &[]).await;
    let policy = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a policy")
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce")
        .to_owned();
    assert!(nonce.len() >= 16, "nonce {nonce:?} is too short");
    let html = response.text().await.expect("body");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!(r#"nonce="{nonce}""#)).count(),
        scripts,
        "every inline script carries the response's nonce"
    );
    let second = app.get("/", &[]).await;
    let second_policy = second.headers()["content-security-policy"]
        .to_str()
        .expect("ascii");
    assert!(!second_policy.contains(&nonce), "a nonce is never reused");
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in ["/", "/healthz", "/readyz", "/no/such/page"] {
        let response = app.get(path, &[]).await;
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{path} lacks {name}"))
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("x-frame-options"), "DENY");
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(header("permissions-policy").contains("camera=()"));
        assert_eq!(header("cache-control"), "no-store", "{path}");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "HSTS only over HTTPS"
        );
    }
}
