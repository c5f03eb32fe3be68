//! Building and running the application: the router, its layers, the
//! listener and graceful shutdown. Tests build the same [`Application`] on
//! port 0.

use crate::auth::{AuthSettings, DbSessionStore, session_layer_for};
use crate::chat::ChatService;
use crate::chat::code::{CodeKey, CodeKeyError};
use crate::chat::hub::Hub;
use crate::chat::store::ConversationStore;
use crate::config::Settings;
use crate::db::{Backend, Db, DbError};
use crate::routes::{health, manifest, ws};
use crate::security::security_headers;
use crate::state::AppState;
use crate::static_files::{hash_file, pkg_router};
use crate::telemetry::request_span;
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use ring::rand::SystemRandom;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The name cargo-leptos gives the bundle (`[[workspace.metadata.leptos]] name`).
pub const BUNDLE_NAME: &str = "front-door";

/// Largest request body accepted anywhere (forms and server functions).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address from the settings.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The resume-code key is unusable or cannot be created.
    #[error(transparent)]
    CodeKey(#[from] CodeKeyError),
    /// The TOTP key is unusable or cannot be created.
    #[error(transparent)]
    TotpKey(#[from] crate::auth::totp::TotpKeyError),
    /// Plaintext stored before encryption at rest could not be sealed.
    #[error("cannot seal the content stored before encryption at rest: {0}")]
    SealLegacy(#[from] crate::chat::store::StoreError),
    /// The master key is missing, unusable or cannot be created.
    #[error(transparent)]
    MasterKey(#[from] crate::crypto::MasterKeyError),
    /// A coordinator's stored settings could not be read.
    #[error("cannot read the stored settings: {0}")]
    Settings(#[from] crate::settings::SettingsError),
    /// LISTEN/NOTIFY between nodes could not be set up (PostgreSQL).
    #[error(transparent)]
    Cluster(#[from] crate::chat::cluster::ClusterError),
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A built, bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// Tells live sockets to close (1012) so graceful shutdown can finish.
    stopping: watch::Sender<bool>,
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Opens the database (applying migrations), binds the listener and
    /// builds the router. Nothing is served until [`Application::run_until_stopped`].
    pub async fn build(mut settings: Settings) -> Result<Application, StartupError> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
        let db = Db::connect(&settings.database_url(), settings.db_max_connections).await?;
        // A coordinator's changes stand over the configuration file's values.
        crate::settings::load_stored(&db, &mut settings).await?;
        let listener =
            TcpListener::bind(settings.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: settings.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.addr,
            source,
        })?;

        let hashed = hash_file().is_some();
        let leptos_options = LeptosOptions::builder()
            .output_name(BUNDLE_NAME)
            .site_root(settings.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .hash_files(hashed)
            .build();
        let (stopping, shutdown) = watch::channel(false);
        let rng = SystemRandom::new();
        let code_key =
            CodeKey::configured_or_file(settings.code_key.as_deref(), &settings.data_dir, &rng)?;
        let vault = Arc::new(crate::crypto::Vault::from_settings(&settings)?);
        tracing::info!(master_key = %vault.fingerprint(), "master key loaded");
        let booking = crate::booking::BookingService {
            db: db.clone(),
            vault: vault.clone(),
            code_key: Arc::new(code_key.clone()),
            guesses: Arc::default(),
            new_bookings: Arc::new(crate::chat::limit::PerAddress::new(
                crate::booking::NEW_BOOKING_WINDOW,
                settings.booking.bookings_per_address.max(1),
            )),
            config: Arc::new(settings.booking.clone()),
            rng: rng.clone(),
        };
        // One set of opening hours: the chat opens by it, and the letters'
        // promised answer skips its closed dates. A coordinator's change
        // reaches both.
        let hours = Arc::new(crate::settings::Swap::new(settings.hours()));
        let letters = crate::letters::LetterService {
            db: db.clone(),
            vault: vault.clone(),
            code_key: Arc::new(code_key.clone()),
            guesses: Arc::default(),
            config: Arc::new(settings.letters.clone()),
            hours: hours.clone(),
            rng: rng.clone(),
        };
        let store = ConversationStore::new(db.clone(), vault.clone());
        crate::at_rest::legacy::seal_legacy(&store).await?;
        let hub = Hub::new();
        // PostgreSQL may have other nodes: their events reach this one's
        // sockets through LISTEN/NOTIFY (see chat::cluster).
        let (node, cluster_tasks) = match db.backend() {
            Backend::Postgres => {
                let (node, tasks) = crate::chat::cluster::join(
                    &settings.database_url(),
                    hub.clone(),
                    store.clone(),
                )
                .await?;
                (Some(node), tasks)
            }
            Backend::Sqlite => (None, Vec::new()),
        };
        let chat = ChatService {
            store,
            hub,
            node,
            rng,
            new_chats: Arc::new(crate::chat::limit::NewChats::new(
                settings.new_chats_per_address,
            )),
            code_key: Arc::new(code_key),
            code_guesses: Arc::default(),
            conversation_limits: Arc::default(),
            hours,
            risk: Arc::new(crate::settings::Swap::new(settings.risk_matcher())),
            retention: settings.retention(),
            shutdown,
            work: Arc::new(settings.chat_work()),
        };
        let state = AppState {
            leptos_options,
            db: db.clone(),
            service: Arc::new(crate::settings::Swap::new(settings.service.clone())),
            settings: Arc::new(crate::settings::Editing::new(
                settings.opening_hours.clone(),
            )),
            chat,
            vault,
            booking,
            letters,
            statistics: crate::statistics::StatisticsConfig {
                counsellors: settings.counsellors,
            },
            https: settings.https,
        };

        let sessions = DbSessionStore::new(db.clone());
        let mut background = cluster_tasks;
        background.extend([
            tokio::spawn(
                sessions
                    .clone()
                    .delete_expired_every(Duration::from_secs(15 * 60)),
            ),
            tokio::spawn(crate::chat::queue::keep_fresh(
                state.chat.store.clone(),
                state.chat.hub.clone(),
            )),
            tokio::spawn(crate::chat::team::keep_fresh(
                state.chat.store.clone(),
                state.chat.hub.clone(),
            )),
            tokio::spawn(crate::console::returns::keep_returning(state.chat.clone())),
            tokio::spawn(crate::booking::keep_tidy(state.booking.clone())),
            tokio::spawn(crate::at_rest::retention::keep_purging(
                state.chat.clone(),
                crate::at_rest::retention::PURGE_EVERY,
            )),
        ]);
        let auth = Arc::new(AuthSettings::from_settings(&settings)?);
        let router = router(state.clone(), &settings, hashed, auth)
            .layer(session_layer_for(sessions, &settings));

        tracing::info!(
            %addr,
            database = db.backend().name(),
            hashed_bundle = hashed,
            "front door ready"
        );
        Ok(Application {
            listener,
            router,
            state,
            stopping,
            background,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The shared state (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(crate::shutdown::shutdown_signal()).await
    }

    /// Serves until `signal` resolves (tests use their own signal).
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Application {
            listener,
            router,
            state,
            stopping,
            background,
        } = self;
        // Sockets never end by themselves: tell them to close when the
        // signal comes, so the graceful shutdown can complete.
        let signal = async move {
            signal.await;
            let _ = stopping.send(true);
        };
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        // Chat frames are small and latency matters: no Nagle delay.
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        });
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(signal)
            .await;
        for task in background {
            task.abort();
        }
        state.db.close().await;
        result
    }
}

/// Every route of the front door, with its layers (sessions are added by
/// [`Application::build`]).
fn router(state: AppState, settings: &Settings, hashed: bool, auth: Arc<AuthSettings>) -> Router {
    let routes = generate_route_list(App);
    let service = state.service.clone();
    let hours = state.chat.hours.clone();
    let chat = state.chat.clone();
    let storage = app::service::StoragePolicy {
        retention_days: settings.retention_days,
    };
    let context = move || {
        provide_context((*service.get()).clone());
        provide_context(storage);
        let now = crate::db::now_millis();
        let mut chat_hours = crate::hours::chat_hours(&hours.get(), now);
        // Within hours but nobody available: the page shows the chat as
        // closed, like outside hours, and says it opens again soon.
        if chat_hours.open_now && !chat.open_for_new_chats(now) {
            chat_hours.open_now = false;
            chat_hours.closes_at = None;
            chat_hours.next_opening = Some(app::service::Localized {
                da: "om lidt".to_owned(),
                en: "in a little while".to_owned(),
            });
        }
        provide_context(chat_hours);
    };
    let options = state.leptos_options.clone();
    let page = leptos_axum::render_app_to_stream_with_context(context.clone(), {
        let options = options.clone();
        move || shell(options.clone())
    });

    Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/manifest.webmanifest", get(manifest::manifest))
        .route("/ws/chat", get(ws::chat))
        .route("/ws/console", get(ws::console))
        .route("/console", get(crate::routes::console_page::console_page))
        // Pages the app picks by path (app::Page) rather than through the
        // router's route list: the chat, and a page of text without WASM
        // (app::pages::what_we_store). Routed here so they answer 200; the
        // fallback would render them with 404.
        .route("/chat", get(page.clone()))
        .route(app::pages::WHAT_WE_STORE_PATH, get(page))
        .merge(crate::routes::auth::router(settings.https, auth))
        .merge(crate::settings::router(settings.https))
        .merge(crate::booking::pages::router())
        .merge(crate::letters::pages::router())
        .nest(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            pkg_router(&settings.site_root, hashed),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::map_response_with_state(
            settings.https,
            security_headers,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
