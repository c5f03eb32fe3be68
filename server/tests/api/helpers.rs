//! Spawning the application for a test.

use server::config::Settings;
use server::db::Db;
use server::startup::Application;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug)]
pub enum Database {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests connect (`TEST_DATABASE_URL`); the test
/// command makes sure a server answers there.
pub fn postgres_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The booking service on this app's database and master key.
    pub booking: server::booking::BookingService,
    /// The letters service on this app's database and master key.
    pub letters: server::letters::LetterService,
    /// The running app's chat service (its store seals with the app's vault).
    pub chat: server::chat::ChatService,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    schema: Option<String>,
}

/// A name no other test (or test run) uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Settings for a test: port 0, a fresh data folder, the given database.
pub async fn test_settings(database: Database) -> (Settings, Option<String>) {
    init_logging();
    let data_dir = std::env::temp_dir().join(unique_name("front-door-test"));
    let mut settings = Settings {
        addr: "127.0.0.1:0".parse().expect("valid address"),
        site_root: data_dir.join("site"),
        data_dir: data_dir.clone(),
        db_max_connections: 5,
        // Tests run at any hour: the chat is always open unless a test
        // says otherwise.
        opening_hours: always_open(),
        // Most tests start chats with no counsellor on duty.
        chat_needs_available_counsellor: false,
        ..Settings::default()
    };
    let schema = match database {
        Database::Sqlite => None,
        Database::Postgres => {
            let schema = unique_name("t");
            create_schema(&schema).await;
            let separator = if postgres_url().contains('?') {
                '&'
            } else {
                '?'
            };
            settings.database_url = Some(format!(
                "{}{separator}options=-c%20search_path%3D{schema}",
                postgres_url()
            ));
            Some(schema)
        }
    };
    (settings, schema)
}

/// Opening hours of 24/7.
pub fn always_open() -> server::hours::OpeningHoursConfig {
    let day = || vec!["00:00-24:00".to_owned()];
    server::hours::OpeningHoursConfig {
        mon: day(),
        tue: day(),
        wed: day(),
        thu: day(),
        fri: day(),
        sat: day(),
        sun: day(),
        closed: Vec::new(),
    }
}

/// Spawns the application on its own database.
pub async fn spawn_app(database: Database) -> TestApp {
    let (settings, schema) = test_settings(database).await;
    spawn_with(settings, schema).await
}

/// Spawns the application with explicit settings.
pub async fn spawn_with(settings: Settings, schema: Option<String>) -> TestApp {
    let data_dir = settings.data_dir.clone();
    let application = Application::build(settings)
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.state().db.clone();
    let booking = application.state().booking.clone();
    let letters = application.state().letters.clone();
    let chat = application.state().chat.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    TestApp {
        address,
        client,
        db,
        booking,
        letters,
        chat,
        data_dir,
        stop: Some(stop),
        server: Some(server),
        schema,
    }
}

impl TestApp {
    /// The conversation store on this app's database.
    pub fn chat_store(&self) -> server::chat::store::ConversationStore {
        self.chat.store.clone()
    }

    /// The PostgreSQL test schema (`None` on SQLite).
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// GET `path` with extra headers.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("the request is answered")
    }

    /// Stops the server gracefully and waits until it has stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task does not panic")
                .expect("the server stops cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(schema) = self.schema.take() {
            // Drop runs outside async: clean up on a thread of its own, and
            // do not wait for it. The test's (single-threaded) runtime is
            // blocked while Drop runs, so the app's own connections cannot
            // finish a transaction that holds a lock the DROP needs; waiting
            // here would deadlock. Once the test returns, the runtime ends,
            // those connections close and the retrying DROP goes through.
            // Schemas left by a run that exited first are swept by the next.
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(drop_schema(&schema));
            });
        }
    }
}

/// The real server binary in a process of its own, for tests that kill it
/// with SIGKILL (a restart, a node lost). It reads the end-to-end
/// configuration: open around the clock, so such a test passes at any hour.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:port`.
    pub address: String,
}

impl ServerProcess {
    /// Starts the binary on `port` with `data_dir`, on SQLite in that
    /// folder or on `database_url` (a few connections, as several nodes
    /// share one database), and waits until it is ready.
    pub async fn start(data_dir: &Path, port: u16, database_url: Option<&str>) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .env("FRONT_DOOR_ADDR", format!("127.0.0.1:{port}"))
            .env("FRONT_DOOR_DATA_DIR", data_dir)
            .env("FRONT_DOOR_SITE_ROOT", data_dir.join("site"));
        match database_url {
            Some(url) => command
                .env("DATABASE_URL", url)
                .env("FRONT_DOOR_DB_MAX_CONNECTIONS", "5"),
            None => command.env_remove("DATABASE_URL"),
        };
        let child = command
            .env(
                "FRONT_DOOR_CONFIG",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../end2end/front-door.e2e.toml"
                ),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        // Owned from here on: killed and reaped by Drop on any failure.
        let server = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if let Ok(response) = client
                .get(format!("{}/readyz", server.address))
                .send()
                .await
                && response.status() == 200
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    /// SIGKILL: no graceful shutdown, no flushing, no goodbye to other
    /// nodes, like a power cut.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn admin() -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(&postgres_url())
        .await
        .expect("PostgreSQL answers at TEST_DATABASE_URL (the test command starts it)")
}

async fn create_schema(schema: &str) {
    use sqlx::Executor;
    sweep_stale_schemas().await;
    admin()
        .await
        .execute(format!("CREATE SCHEMA {schema}").as_str())
        .await
        .expect("create the test schema");
}

async fn drop_schema(schema: &str) {
    use sqlx::Executor;
    for _ in 0..60 {
        let mut admin = admin().await;
        let _ = admin.execute("SET lock_timeout = '1s'").await;
        let dropped = admin
            .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
            .await;
        if dropped.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Drops the schemas of test processes that no longer run (`t_<pid>_…`),
/// once per process: a run that exited before its last clean-up finished.
async fn sweep_stale_schemas() {
    use sqlx::Row;
    static SWEPT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if SWEPT.set(()).is_err() {
        return;
    }
    let Ok(rows) =
        sqlx::query("SELECT nspname::text AS name FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            .fetch_all(&mut admin().await)
            .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get("name");
        let pid = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            drop_schema(&name).await;
        }
    }
}

/// Everything the server logged during this test binary's run.
pub static LOGS: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(|| Arc::new(Mutex::new(Vec::new())));

#[derive(Clone)]
struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::env::var_os("TEST_LOG").is_some() {
            std::io::stderr().write_all(buf)?;
        }
        LOGS.lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures the server's logs (at `info`, as in production) so tests can
/// check what they contain; `TEST_LOG=1` also prints them.
fn init_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,sqlx=warn")
            .with_ansi(false)
            .with_writer(|| Capture)
            .try_init();
    });
}

/// The captured log text so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().expect("log buffer")).into_owned()
}

/// Runs each named `async fn(TestApp)` once on SQLite and once on PostgreSQL,
/// as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Database::Sqlite).await).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Database::Postgres).await).await;
            }
        }
    )*};
}
