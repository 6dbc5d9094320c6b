//! `lmr serve`: a local web calculator and JSON API over the same library calls as the CLI.
//!
//! One page interprets one sample (`/`, the inputs of `lmr check`), one interprets a file
//! (`/batch`, as `lmr batch` and `lmr summary`), and a JSON API answers scripts
//! (`POST /api/check`, `POST /api/batch`, `POST /api/summary`, `GET /api/ranges`,
//! `GET /api/caveats`). Everything is served from the binary: no request goes to another host,
//! and nothing is kept between requests (the only state is the registry of ranges, loaded once).
//! An uploaded file is streamed to an anonymous temporary file, which the operating system
//! removes when the request ends, and the results are streamed back.
//!
//! See `docs/serve.md` for the routes, limits and status codes.
//!
//! # Example
//! ```no_run
//! use lmr::serve::{Config, Server};
//!
//! let server = Server::bind(&Config { port: 0, ..Config::default() })?;
//! println!("{}", server.url());
//! server.run()?; // serves until the process ends
//! # Ok::<(), lmr::serve::ServeError>(())
//! ```

mod api;
mod batch;
mod check;
mod figure;
mod html;
mod page;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::reference::{Override, RangeFileError, Registry};

/// The default port (`lmr serve --port`).
///
/// ```
/// assert_eq!(lmr::serve::Config::default().port, lmr::serve::DEFAULT_PORT);
/// ```
pub const DEFAULT_PORT: u16 = 8457;

/// Request limits. The defaults are documented in `docs/serve.md`.
///
/// ```
/// use std::time::Duration;
///
/// let limits = lmr::serve::Limits::default();
/// assert_eq!(limits.form_bytes, 65_536); // 64 KiB
/// assert_eq!(limits.upload_bytes, 209_715_200); // 200 MiB = 200 × 1024 × 1024
/// assert_eq!(limits.upload_timeout, Duration::from_secs(900)); // 15 min
/// assert_eq!(limits.summary_groups, lmr::cohort::DEFAULT_MAX_GROUPS); // as `lmr summary`
/// ```
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest body of a one-sample request (`POST /`, `POST /api/check`), in bytes.
    pub form_bytes: usize,
    /// Largest uploaded CSV file (`/api/batch`, `/api/summary`), in bytes.
    pub upload_bytes: u64,
    /// Largest column map (TOML) part, in bytes.
    pub column_map_bytes: usize,
    /// Time allowed for a one-sample request or a page.
    pub request_timeout: Duration,
    /// Time allowed to receive a file and start answering (the answer itself then streams).
    pub upload_timeout: Duration,
    /// Most groups in a summary (`/api/summary` with `by`), as `lmr summary --max-groups`: the
    /// summary's memory grows with its groups, so a file grouped by a column of unique values
    /// is refused at the row that passes the limit.
    pub summary_groups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            form_bytes: 64 * 1024,
            upload_bytes: 200 * 1024 * 1024,
            column_map_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(15 * 60),
            summary_groups: crate::cohort::DEFAULT_MAX_GROUPS,
        }
    }
}

/// How to serve.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
///
/// let config = lmr::serve::Config::default();
/// assert_eq!(config.bind, IpAddr::V4(Ipv4Addr::LOCALHOST)); // this machine only
/// assert!(config.ranges.is_empty());
/// ```
///
/// With the `cli` feature these are `lmr serve`'s flags (their help is in docs/cli.md).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Config {
    /// Address to listen on (default 127.0.0.1: this machine only).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "ADDR", default_value = "127.0.0.1")
    )]
    pub bind: IpAddr,
    /// Port (default [`DEFAULT_PORT`]; 0 picks a free one).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_PORT))]
    pub port: u16,
    /// Range files or directories added to the shipped ranges (`--ranges`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE|DIR"))]
    pub ranges: Vec<PathBuf>,
    /// Request limits.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            ranges: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// Why the server cannot start or stopped.
///
/// ```
/// use lmr::serve::{Config, ServeError, Server};
///
/// let first = Server::bind(&Config { port: 0, ..Config::default() })?;
/// // the same port again: taken
/// let again = Config { port: first.local_addr().port(), ..Config::default() };
/// assert!(matches!(Server::bind(&again), Err(ServeError::Bind { .. })));
/// # Ok::<(), ServeError>(())
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A `--ranges` file cannot be used.
    #[error(transparent)]
    Ranges(#[from] RangeFileError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// The server failed while running.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler reads: the registry (read-only) and the limits.
struct AppState {
    registry: Registry,
    limits: Limits,
    /// `Host` header values accepted (empty: any, when bound beyond loopback).
    hosts: Vec<String>,
}

type Shared = Arc<AppState>;

/// A bound server, not yet answering ([`Server::run`] answers).
///
/// ```
/// use lmr::serve::{Config, Server};
///
/// let server = Server::bind(&Config { port: 0, ..Config::default() })?; // 0: a free port
/// assert!(server.local_addr().ip().is_loopback());
/// assert_ne!(server.local_addr().port(), 0);
/// assert!(server.overrides().is_empty()); // no --ranges given
/// # Ok::<(), lmr::serve::ServeError>(())
/// ```
pub struct Server {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    state: Shared,
    overrides: Vec<Override>,
}

impl Server {
    /// Loads the ranges and binds the address.
    ///
    /// # Errors
    /// [`ServeError::Ranges`] for an unusable range file, [`ServeError::Bind`] when the
    /// address is taken or not allowed.
    ///
    /// ```
    /// use lmr::serve::{Config, ServeError, Server};
    ///
    /// let missing = Config { port: 0, ranges: vec!["no/such/ranges".into()], ..Config::default() };
    /// assert!(matches!(Server::bind(&missing), Err(ServeError::Ranges(_))));
    /// ```
    pub fn bind(config: &Config) -> Result<Server, ServeError> {
        let mut registry = Registry::builtin()?;
        let mut overrides = Vec::new();
        for p in &config.ranges {
            overrides.extend(registry.load_path(p)?);
        }
        let wanted = SocketAddr::new(config.bind, config.port);
        let listener = std::net::TcpListener::bind(wanted).map_err(|error| ServeError::Bind {
            addr: wanted,
            error,
        })?;
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let hosts = if config.bind.is_loopback() {
            let port = addr.port();
            vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
                addr.to_string(),
            ]
        } else {
            Vec::new()
        };
        Ok(Server {
            listener,
            addr,
            state: Arc::new(AppState {
                registry,
                limits: config.limits.clone(),
                hosts,
            }),
            overrides,
        })
    }

    /// The address listened on (with the port chosen when 0 was asked for; shown with [`Server`]).
    ///
    /// ```
    /// use lmr::serve::{Config, Server};
    /// let server = Server::bind(&Config { port: 0, ..Config::default() })?;
    /// assert_ne!(server.local_addr().port(), 0); // the port the system chose
    /// # Ok::<(), lmr::serve::ServeError>(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, `http://127.0.0.1:8457/`.
    ///
    /// ```
    /// use lmr::serve::{Config, Server};
    ///
    /// let server = Server::bind(&Config { port: 0, ..Config::default() })?;
    /// assert_eq!(server.url(), format!("http://127.0.0.1:{}/", server.local_addr().port()));
    /// # Ok::<(), lmr::serve::ServeError>(())
    /// ```
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Shipped ranges replaced by `--ranges` files (to tell the user; shown with [`Server`]).
    ///
    /// ```
    /// use lmr::serve::{Config, Server};
    /// let dir = tempfile::tempdir()?;
    /// let mine = dir.path().join("iom.toml");
    /// std::fs::copy("reference-ranges/vitamin-d/iom-2011.toml", &mine)?; // the shipped file, as a user's
    /// let server = Server::bind(&Config { port: 0, ranges: vec![mine], ..Config::default() })?;
    /// assert_eq!(server.overrides().iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), ["iom-2011"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// Answers requests until the process ends (two worker threads).
    ///
    /// # Errors
    /// [`ServeError::Io`] when the runtime cannot start or the listener fails.
    ///
    /// ```no_run
    /// use lmr::serve::{Config, Server};
    /// let server = Server::bind(&Config::default())?; // 127.0.0.1:8457
    /// println!("open {}", server.url());
    /// server.run()?; // answers until the process ends
    /// # Ok::<(), lmr::serve::ServeError>(())
    /// ```
    pub fn run(self) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            axum::serve(listener, router(self.state)).await
        })?;
        Ok(())
    }
}

/// Every route.
fn router(state: Shared) -> Router {
    let limits = state.limits.clone();
    let upload_limit = usize::try_from(limits.upload_bytes).unwrap_or(usize::MAX)
        + limits.column_map_bytes
        + 64 * 1024;
    let small = Router::new()
        .route("/", get(page::index).post(page::check))
        .route("/batch", get(page::batch))
        .route("/api/check", post(api::check))
        .route("/api/ranges", get(api::ranges))
        .route("/api/caveats", get(api::caveats))
        .route("/static/{name}", get(assets))
        .layer(DefaultBodyLimit::max(limits.form_bytes))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            timeout,
        ));
    let uploads = Router::new()
        .route("/api/batch", post(batch::interpret))
        .route("/api/summary", post(batch::summary))
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(middleware::from_fn_with_state(
            limits.upload_timeout,
            timeout,
        ));
    small
        .merge(uploads)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Security headers on every answer; a `Host` other than this machine's is refused (a web page
/// elsewhere cannot reach the server through a DNS name pointed at 127.0.0.1).
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if !state.hosts.is_empty() {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        if !state.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return error_response(
                &request,
                StatusCode::BAD_REQUEST,
                "this server answers only requests addressed to this machine (Host: 127.0.0.1 or localhost)",
            );
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Scripts and styles from this server only; nothing else is loaded, no page may frame this one.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A request that takes longer than `limit` is answered 503.
async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let api = is_api(&request);
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(r) => r,
        Err(_) => {
            let message = format!(
                "the request took longer than {} s and was stopped",
                limit.as_secs()
            );
            if api {
                api::error(StatusCode::SERVICE_UNAVAILABLE, &message, None, None)
            } else {
                page::error(StatusCode::SERVICE_UNAVAILABLE, &message)
            }
        }
    }
}

fn is_api(request: &Request) -> bool {
    request.uri().path().starts_with("/api/")
}

fn error_response(request: &Request, status: StatusCode, message: &str) -> Response {
    if is_api(request) {
        api::error(status, message, None, None)
    } else {
        page::error(status, message)
    }
}

async fn not_found(request: Request) -> Response {
    let message = format!(
        "no such page: {} {} (pages: /, /batch; API: see docs/serve.md)",
        request.method(),
        request.uri().path()
    );
    if request.method() != Method::GET && request.method() != Method::HEAD && !is_api(&request) {
        return page::error(StatusCode::NOT_FOUND, &message);
    }
    error_response(&request, StatusCode::NOT_FOUND, &message)
}

/// The embedded files under `/static/`.
async fn assets(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (include_str!("assets/style.css"), "text/css; charset=utf-8"),
        "icon.svg" => (include_str!("assets/icon.svg"), "image/svg+xml"),
        _ => {
            return page::error(
                StatusCode::NOT_FOUND,
                &format!("no such file: /static/{name}"),
            )
        }
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Asks the desktop to open `url` in a browser (`open` on macOS, `explorer` on Windows,
/// `xdg-open` elsewhere); returns the opener's name with the error when it cannot be started.
///
/// ```no_run
/// if let Err((opener, e)) = lmr::serve::open_in_browser("http://127.0.0.1:8457/") {
///     eprintln!("cannot open a browser ({opener}: {e})");
/// }
/// ```
pub fn open_in_browser(url: &str) -> Result<(), (&'static str, std::io::Error)> {
    use std::process::{Command, Stdio};
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let mut command = Command::new(opener);
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command.spawn().map(drop).map_err(|e| (opener, e))
}
