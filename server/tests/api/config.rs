use crate::helpers::{Database, spawn_with, test_settings};

/// The service's own name from the configuration reaches every page.
#[tokio::test]
async fn the_configured_service_name_is_shown() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    settings.service.name = "Ung Linje Testby".to_owned();
    let app = spawn_with(settings, schema).await;
    let html = app.get("/", &[]).await.text().await.expect("body");
    assert!(html.contains("Ung Linje Testby"));
    assert!(!html.contains("Snak Om Det"));
    let html = app.get("/missing", &[]).await.text().await.expect("body");
    assert!(html.contains("Ung Linje Testby"), "404 pages too");
}

/// "Add to home screen" shows the service's own name.
#[tokio::test]
async fn the_web_manifest_names_the_configured_service() {
    let (mut settings, schema) = test_settings(Database::Sqlite).await;
    settings.service.name = "Ung Linje Testby".to_owned();
    let app = spawn_with(settings, schema).await;
    let response = app.get("/manifest.webmanifest", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("json");
    assert_eq!(manifest["name"], "Ung Linje Testby");
    assert_eq!(manifest["short_name"], "Ung Linje Te");
    assert_eq!(manifest["start_url"], "/");
}

/// The example configuration in the repository is valid as shipped.
#[test]
fn the_example_configuration_file_is_valid() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/front-door.example.toml"
    );
    let settings = server::config::Settings::from_source(|name| {
        (name == "FRONT_DOOR_CONFIG").then(|| path.to_owned())
    })
    .expect("the example parses and validates");
    assert_eq!(settings.opening_hours.closed.len(), 4);
}
