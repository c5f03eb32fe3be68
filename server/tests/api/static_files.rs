use crate::helpers::{Database, spawn_with, test_settings};

/// The bundle is served with its build-time brotli copy when the browser
/// accepts brotli, and compressed on the fly otherwise.
#[tokio::test]
async fn the_bundle_is_served_compressed() {
    let (settings, schema) = test_settings(Database::Sqlite).await;
    let pkg = settings.site_root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg folder");
    let script = "export function hydrate() {}\n".repeat(200);
    std::fs::write(pkg.join("front-door.js"), &script).expect("write js");
    std::fs::write(pkg.join("front-door.js.br"), b"precompressed-brotli").expect("write br");
    let app = spawn_with(settings, schema).await;

    let response = app
        .get("/pkg/front-door.js", &[("accept-encoding", "br")])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(
        response.headers()["cache-control"],
        "no-cache",
        "unhashed names revalidate"
    );
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        b"precompressed-brotli"
    );

    let response = app
        .get("/pkg/front-door.js", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(response.headers()["content-encoding"], "gzip");

    let response = app
        .get("/pkg/front-door.js", &[("accept-encoding", "identity")])
        .await;
    assert_eq!(response.text().await.expect("body"), script);

    let response = app.get("/pkg/../Cargo.toml", &[]).await;
    assert_ne!(response.status(), 200);
}
