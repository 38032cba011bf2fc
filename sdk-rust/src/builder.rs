//! Client options and their validation. Every option is checked in `build()`, so a
//! running client never meets a bad one.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::Url;
use vexil_core::Snapshot;
use vexil_core::wire::Application;

use crate::apply::Source;
use crate::client::Client;
use crate::error::BuildError;
use crate::hooks::Hook;
use crate::testdata::TestData;

/// The running executable's file name as the application, when it makes a valid one.
fn executable_application() -> Option<Application> {
    let exe = std::env::current_exe().ok()?;
    let name = exe.file_stem()?.to_str()?;
    Some(Application::new(name, "")).filter(|a| a.problem().is_none())
}

/// Most flags whose served variants `track` reports (the server's limit per event).
pub const MAX_WATCHED_FLAGS: usize = 50;

/// Where the bootstrap snapshot comes from.
#[derive(Debug, Clone)]
enum Bootstrap {
    Json(Vec<u8>),
    File(PathBuf),
    Snapshot(Box<Snapshot>),
}

/// The server key; never printed.
#[derive(Clone)]
pub(crate) struct ServerKey(pub(crate) String);

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

/// How the HTTP client is made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Network {
    /// Extra trusted CA certificates, PEM.
    pub(crate) ca_pems: Vec<Vec<u8>>,
    /// Whether the platform's and Mozilla's roots are trusted too.
    pub(crate) built_in_roots: Option<bool>,
    /// Client certificate chain and private key, PEM.
    pub(crate) identity_pem: Option<Vec<u8>>,
    pub(crate) proxy: Option<String>,
    pub(crate) no_proxy: bool,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) read_timeout: Option<Duration>,
    /// A client given ready-made, used as is.
    pub(crate) http_client: Option<reqwest::Client>,
}

/// Validated options, shared by the client and its background thread.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) base_url: Url,
    pub(crate) key: ServerKey,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) streaming: bool,
    pub(crate) poll_interval: Duration,
    pub(crate) flush_interval: Duration,
    pub(crate) max_staleness: Duration,
    pub(crate) offline: bool,
    pub(crate) send_events: bool,
    pub(crate) reconnect_base: Duration,
    pub(crate) reconnect_max: Duration,
    pub(crate) stream_idle_timeout: Duration,
    pub(crate) persistence_path: Option<PathBuf>,
    pub(crate) max_usage_entries: usize,
    pub(crate) max_metric_events: usize,
    pub(crate) max_watched_contexts: usize,
    pub(crate) watch_flags: Vec<String>,
    pub(crate) network: Network,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    pub(crate) test_data: Option<TestData>,
    /// Named in every event batch.
    pub(crate) application: Option<Application>,
}

/// Configures and starts a [`Client`]. Created by [`Client::builder`].
///
/// ```
/// use std::time::Duration;
///
/// let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example")
///     .offline(true)
///     .bootstrap_json(r#"{"environment": "production", "version": 1, "flags": []}"#)
///     .request_timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.status(), vexil_sdk::Status::Offline);
/// # Ok::<(), vexil_sdk::BuildError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until build() is called"]
pub struct ClientBuilder {
    base_url: String,
    key: ServerKey,
    connect_timeout: Duration,
    request_timeout: Duration,
    streaming: bool,
    poll_interval: Duration,
    flush_interval: Duration,
    max_staleness: Duration,
    offline: bool,
    send_events: bool,
    reconnect_base: Duration,
    reconnect_max: Duration,
    stream_idle_timeout: Duration,
    persistence_path: Option<PathBuf>,
    bootstrap: Option<Bootstrap>,
    max_usage_entries: usize,
    max_metric_events: usize,
    max_watched_contexts: usize,
    watch_flags: Vec<String>,
    network: Network,
    connect_timeout_set: bool,
    hooks: Vec<Arc<dyn Hook>>,
    test_data: Option<TestData>,
    application: Option<Application>,
}

impl ClientBuilder {
    pub(crate) fn new(base_url: impl Into<String>, server_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            key: ServerKey(server_key.into()),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            streaming: true,
            poll_interval: Duration::from_secs(30),
            flush_interval: Duration::from_secs(10),
            max_staleness: Duration::from_secs(300),
            offline: false,
            send_events: true,
            reconnect_base: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(30),
            stream_idle_timeout: Duration::from_secs(60),
            persistence_path: None,
            bootstrap: None,
            max_usage_entries: 10_000,
            max_metric_events: 10_000,
            max_watched_contexts: 10_000,
            watch_flags: Vec::new(),
            network: Network::default(),
            connect_timeout_set: false,
            hooks: Vec::new(),
            test_data: None,
            application: None,
        }
    }

    /// A builder for the server at `VEXIL_URL` with the server key in
    /// `VEXIL_SERVER_KEY`, for services configured through their environment. Other
    /// options keep their defaults and can be set on the builder.
    ///
    /// Errors: [`BuildError::MissingEnv`] naming the variable that is unset (or not
    /// Unicode); the values themselves are checked by [`ClientBuilder::build`].
    pub fn from_env() -> Result<ClientBuilder, BuildError> {
        ClientBuilder::from_lookup(|variable| std::env::var(variable).ok())
    }

    /// [`ClientBuilder::from_env`] with `lookup` for the environment; an empty value
    /// counts as unset.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, BuildError> {
        let var = |variable: &'static str| {
            lookup(variable).filter(|v| !v.is_empty()).ok_or(BuildError::MissingEnv { variable })
        };
        Ok(ClientBuilder::new(var("VEXIL_URL")?, var("VEXIL_SERVER_KEY")?))
    }

    /// A builder serving `td` (see [`TestData::builder`]).
    pub(crate) fn for_test_data(td: TestData) -> ClientBuilder {
        let mut b = ClientBuilder::new("http://test-data.invalid", "vx_srv_test_data");
        b.test_data = Some(td);
        b.send_events = false;
        b
    }

    /// The application this client runs in, named in the events it sends so that the
    /// dashboard shows which applications evaluate each flag and when last. Use
    /// [`crate::application!`] for the calling crate's name and version. Without it, the
    /// executable's file name is sent, with no version.
    ///
    /// Errors at [`ClientBuilder::build`]: [`BuildError::InvalidApplication`] when the
    /// name is empty or longer than 100 bytes, the version longer than 64, or either
    /// holds control characters.
    pub fn application(mut self, application: Application) -> Self {
        self.application = Some(application);
        self
    }

    /// Adds an evaluation hook (see [`Hook`]); hooks run in the order added.
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Also trusts the CA certificates in `pem` (one or more PEM `CERTIFICATE`
    /// blocks), for a server whose certificate a private CA signed. The platform's
    /// certificate store and Mozilla's roots stay trusted unless
    /// [`ClientBuilder::tls_built_in_roots`] turns them off. Checked at `build()`:
    /// [`BuildError::InvalidCertificate`].
    #[cfg(feature = "rustls-tls")]
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.network.ca_pems.push(pem.into());
        self
    }

    /// Whether the platform's certificate store and Mozilla's root certificates are
    /// trusted (default true). Turn them off to trust only the CAs given to
    /// [`ClientBuilder::add_root_certificate_pem`].
    #[cfg(feature = "rustls-tls")]
    pub fn tls_built_in_roots(mut self, enabled: bool) -> Self {
        self.network.built_in_roots = Some(enabled);
        self
    }

    /// Authenticates with a client certificate (mutual TLS): `pem` holds the
    /// certificate chain (leaf first) and its private key (PKCS #8, PKCS #1 or SEC1),
    /// as PEM blocks. Checked at `build()`: [`BuildError::InvalidCertificate`].
    #[cfg(feature = "rustls-tls")]
    pub fn client_identity_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.network.identity_pem = Some(pem.into());
        self
    }

    /// Sends every request through this proxy (`http://`, `https://`; credentials as
    /// `http://user:password@proxy:3128`). Without it the usual variables are honoured:
    /// `HTTPS_PROXY` for `https` servers, `HTTP_PROXY` for `http` ones, `ALL_PROXY`, and
    /// `NO_PROXY` for hosts to reach directly (upper or lower case). Checked at
    /// `build()`: [`BuildError::InvalidProxy`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.network.proxy = Some(url.into());
        self
    }

    /// Ignores the proxy environment variables: connects directly unless
    /// [`ClientBuilder::proxy`] is set.
    pub fn no_proxy(mut self) -> Self {
        self.network.no_proxy = true;
        self
    }

    /// Adds a header to every request (for a gateway in front of the server, say).
    /// `authorization` is the SDK's own and refused. Checked at `build()`:
    /// [`BuildError::InvalidHeader`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.network.headers.push((name.into(), value.into()));
        self
    }

    /// Longest wait for any read from a connection. Default none: the request timeout
    /// bounds configuration and event requests, and the stream has its own idle
    /// timeout. If set, keep it above the 15 s between the stream's keep-alives.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.network.read_timeout = Some(timeout);
        self
    }

    /// Uses this HTTP client as it is, for settings the builder does not offer. Its
    /// own TLS, proxy, header and timeout settings apply; the builder's
    /// [`ClientBuilder::request_timeout`] still bounds each request. Cannot be combined
    /// with the builder's TLS, proxy, header, connect or read timeout options
    /// ([`BuildError::Conflict`]). The `reqwest` version is the one this crate uses.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.network.http_client = Some(client);
        self
    }

    /// Time allowed to open a TCP (and TLS) connection. Default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self.connect_timeout_set = true;
        self
    }

    /// Time allowed for a whole configuration or events request, and for the stream's
    /// response headers. Default 10 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Whether to follow the event stream (default) or only poll the configuration.
    pub fn streaming(mut self, enabled: bool) -> Self {
        self.streaming = enabled;
        self
    }

    /// How often the configuration is polled when streaming is off or failing.
    /// Default 30 s.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How often usage counts and metric events are sent. Default 10 s.
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval;
        self
    }

    /// After this long without an answer from the server the status becomes
    /// [`crate::Status::Stale`] (values are still served). Default 5 minutes.
    pub fn max_staleness(mut self, staleness: Duration) -> Self {
        self.max_staleness = staleness;
        self
    }

    /// Offline mode: serve the bootstrap snapshot and never call the server (no
    /// thread is started and no events are sent). Needs a bootstrap.
    pub fn offline(mut self, offline: bool) -> Self {
        self.offline = offline;
        self
    }

    /// Whether usage counts and metric events are sent to the server. Default true.
    pub fn send_events(mut self, enabled: bool) -> Self {
        self.send_events = enabled;
        self
    }

    /// First and largest delay between stream reconnections (exponential backoff with
    /// full jitter). Default 1 s and 30 s.
    pub fn reconnect_delay(mut self, base: Duration, max: Duration) -> Self {
        self.reconnect_base = base;
        self.reconnect_max = max;
        self
    }

    /// A stream silent for this long (the server sends a keep-alive every 15 s) is
    /// considered dead and reopened. Default 60 s.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// Starts from this snapshot (JSON as served by `/sdk/v1/config`) until the server
    /// answers; with [`ClientBuilder::offline`], serves only it.
    pub fn bootstrap_json(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.bootstrap = Some(Bootstrap::Json(json.into()));
        self
    }

    /// Like [`ClientBuilder::bootstrap_json`], reading the JSON from a file at `build()`.
    pub fn bootstrap_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.bootstrap = Some(Bootstrap::File(path.into()));
        self
    }

    /// Like [`ClientBuilder::bootstrap_json`], from a snapshot value.
    pub fn bootstrap_snapshot(mut self, snapshot: Snapshot) -> Self {
        self.bootstrap = Some(Bootstrap::Snapshot(Box::new(snapshot)));
        self
    }

    /// Saves every snapshot received from the server to this file (atomically) and,
    /// when the server cannot be reached at start, serves the file's snapshot.
    pub fn persistence_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.persistence_path = Some(path.into());
        self
    }

    /// Bounds of the event buffers, used while the server is unreachable: distinct
    /// (flag, variant) usage counters and queued metric events. Beyond them events are
    /// dropped and counted in [`crate::Stats::events_dropped`]. Default 10 000 each.
    pub fn event_buffer(mut self, max_usage_entries: usize, max_metric_events: usize) -> Self {
        self.max_usage_entries = max_usage_entries;
        self.max_metric_events = max_metric_events;
        self
    }

    /// Flags whose served variants are remembered per context key (for at most
    /// `max_contexts` keys, the oldest forgotten first), so that [`Client::track`]
    /// attributes a metric to the variants the context saw. At most
    /// [`MAX_WATCHED_FLAGS`]. An evaluation of a watched flag tries a short lock (it
    /// never waits: when contended, the memory is skipped and counted in
    /// [`crate::Stats::events_dropped`]) and may allocate; evaluations of other flags
    /// do neither.
    pub fn watch_flags<I, S>(mut self, flags: I, max_contexts: usize) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.watch_flags = flags.into_iter().map(Into::into).collect();
        self.max_watched_contexts = max_contexts;
        self
    }

    /// Checks the options, loads the bootstrap and starts the client (and, unless
    /// offline, its background thread). Returns at once: see
    /// [`Client::wait_until_ready`].
    pub fn build(self) -> Result<Client, BuildError> {
        let (options, bootstrap) = self.validate()?;
        Client::start(options, bootstrap)
    }

    fn validate(self) -> Result<(Options, Option<Source>), BuildError> {
        let base_url = parse_base_url(&self.base_url)?;
        let n = &self.network;
        if n.http_client.is_some() {
            let set = [
                ("add_root_certificate_pem", !n.ca_pems.is_empty()),
                ("tls_built_in_roots", n.built_in_roots.is_some()),
                ("client_identity_pem", n.identity_pem.is_some()),
                ("proxy", n.proxy.is_some()),
                ("no_proxy", n.no_proxy),
                ("header", !n.headers.is_empty()),
                ("read_timeout", n.read_timeout.is_some()),
                ("connect_timeout", self.connect_timeout_set),
            ];
            if let Some((option, _)) = set.iter().find(|(_, on)| *on) {
                return Err(BuildError::Conflict { option, with: "http_client" });
            }
        }
        if self.test_data.is_some() {
            for (option, on) in [
                ("bootstrap", self.bootstrap.is_some()),
                ("persistence_path", self.persistence_path.is_some()),
                ("offline", self.offline),
            ] {
                if on {
                    return Err(BuildError::Conflict { option, with: "test data" });
                }
            }
        }
        check_key(&self.key.0)?;
        for (option, value) in [
            ("connect_timeout", self.connect_timeout),
            ("request_timeout", self.request_timeout),
            ("poll_interval", self.poll_interval),
            ("flush_interval", self.flush_interval),
            ("max_staleness", self.max_staleness),
            ("reconnect_delay", self.reconnect_base),
            ("stream_idle_timeout", self.stream_idle_timeout),
            ("read_timeout", self.network.read_timeout.unwrap_or(Duration::MAX)),
        ] {
            if value.is_zero() {
                return Err(BuildError::ZeroDuration { option });
            }
        }
        if self.reconnect_max < self.reconnect_base {
            return Err(BuildError::OutOfOrder {
                option: "reconnect_delay base",
                value: self.reconnect_base,
                limit: "reconnect_delay max",
                limit_value: self.reconnect_max,
            });
        }
        for (option, value) in [
            ("event_buffer max_usage_entries", self.max_usage_entries),
            ("event_buffer max_metric_events", self.max_metric_events),
            ("watch_flags max_contexts", self.max_watched_contexts),
        ] {
            if value == 0 {
                return Err(BuildError::ZeroCapacity { option });
            }
        }
        if self.watch_flags.len() > MAX_WATCHED_FLAGS {
            return Err(BuildError::TooManyWatchedFlags {
                max: MAX_WATCHED_FLAGS,
                found: self.watch_flags.len(),
            });
        }
        if let Some((field, reason)) = self.application.as_ref().and_then(Application::problem) {
            return Err(BuildError::InvalidApplication { field, reason });
        }
        let application = self.application.or_else(executable_application);
        let bootstrap = self.bootstrap.map(load_bootstrap).transpose()?;
        if self.offline && bootstrap.is_none() {
            return Err(BuildError::OfflineWithoutBootstrap);
        }
        let options = Options {
            base_url,
            key: self.key,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            streaming: self.streaming,
            poll_interval: self.poll_interval,
            flush_interval: self.flush_interval,
            max_staleness: self.max_staleness,
            offline: self.offline,
            send_events: self.send_events && !self.offline,
            reconnect_base: self.reconnect_base,
            reconnect_max: self.reconnect_max,
            stream_idle_timeout: self.stream_idle_timeout,
            persistence_path: self.persistence_path,
            max_usage_entries: self.max_usage_entries,
            max_metric_events: self.max_metric_events,
            max_watched_contexts: self.max_watched_contexts,
            watch_flags: self.watch_flags,
            network: self.network,
            hooks: self.hooks,
            test_data: self.test_data,
            application,
        };
        Ok((options, bootstrap))
    }
}

fn parse_base_url(raw: &str) -> Result<Url, BuildError> {
    let mut url = Url::parse(raw).map_err(|source| BuildError::InvalidUrl { url: raw.to_owned(), source })?;
    if !matches!(url.scheme(), "http" | "https")
        || url.cannot_be_a_base()
        || url.host().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(BuildError::UnsupportedUrl { url: raw.to_owned() });
    }
    // A base with a path prefix (`https://host/vexil`) keeps it when joined.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn check_key(key: &str) -> Result<(), BuildError> {
    let hint = if key.starts_with("vx_cli_") {
        " (this is a client key, meant for browsers and mobile apps)"
    } else if key.starts_with("vx_api_") {
        " (this is an admin API token)"
    } else {
        ""
    };
    let body = key.strip_prefix("vx_srv_").unwrap_or("");
    // The key goes into an HTTP header: printable ASCII only.
    if body.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BuildError::InvalidServerKey { hint });
    }
    Ok(())
}

/// Reads a bootstrap snapshot. Strict, unlike data from the server: a bootstrap is the
/// application's own input, and a mistake in it is best reported at build time.
fn load_bootstrap(b: Bootstrap) -> Result<Source, BuildError> {
    let snapshot = match b {
        Bootstrap::Snapshot(s) => *s,
        Bootstrap::Json(bytes) => Snapshot::from_json(&bytes).map_err(BuildError::BootstrapInvalid)?,
        Bootstrap::File(path) => {
            let bytes =
                std::fs::read(&path).map_err(|source| BuildError::BootstrapUnreadable { path, source })?;
            Snapshot::from_json(&bytes).map_err(BuildError::BootstrapInvalid)?
        }
    };
    vexil_core::validate::validate_snapshot(&snapshot)
        .map_err(|e| BuildError::BootstrapInvalid(vexil_core::Error::Invalid(e)))?;
    Ok(Source::new(snapshot, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientBuilder {
        ClientBuilder::new("http://127.0.0.1:1", "vx_srv_abc")
    }

    #[test]
    fn from_env_reads_the_url_and_the_key_and_names_a_missing_one() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let b = ClientBuilder::from_lookup(env(&[
            ("VEXIL_URL", "https://flags.example.com"),
            ("VEXIL_SERVER_KEY", "vx_srv_abc"),
        ]))
        .unwrap();
        assert_eq!((b.base_url.as_str(), b.key.0.as_str()), ("https://flags.example.com", "vx_srv_abc"));
        assert!(b.validate().is_ok());
        for (pairs, missing) in [
            (&[("VEXIL_SERVER_KEY", "vx_srv_abc")][..], "VEXIL_URL"),
            (&[("VEXIL_URL", "https://flags.example.com")][..], "VEXIL_SERVER_KEY"),
            (&[("VEXIL_URL", "https://flags.example.com"), ("VEXIL_SERVER_KEY", "")][..], "VEXIL_SERVER_KEY"),
        ] {
            match ClientBuilder::from_lookup(env(pairs)) {
                Err(BuildError::MissingEnv { variable }) => assert_eq!(variable, missing),
                other => panic!("{other:?}"),
            }
        }
        // A key of the wrong kind is refused by the usual check.
        let b = ClientBuilder::from_lookup(env(&[
            ("VEXIL_URL", "https://flags.example.com"),
            ("VEXIL_SERVER_KEY", "vx_cli_abc"),
        ]))
        .unwrap();
        assert!(matches!(err(b), BuildError::InvalidServerKey { .. }));
    }

    fn err(b: ClientBuilder) -> BuildError {
        match b.validate() {
            Ok(_) => panic!("accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn bad_urls_are_refused() {
        for url in ["not a url", "ftp://host", "http://host/?q=1", "http://host/#f", "mailto:x@y"] {
            let e = err(ClientBuilder::new(url, "vx_srv_abc"));
            assert!(
                matches!(e, BuildError::InvalidUrl { .. } | BuildError::UnsupportedUrl { .. }),
                "{url}: {e:?}"
            );
        }
    }

    #[test]
    fn a_base_path_is_kept_for_the_endpoints() {
        let url = parse_base_url("https://flags.example.com/vexil").unwrap();
        assert_eq!(
            url.join("sdk/v1/config").unwrap().as_str(),
            "https://flags.example.com/vexil/sdk/v1/config"
        );
        let url = parse_base_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(url.join("sdk/v1/config").unwrap().as_str(), "http://127.0.0.1:8080/sdk/v1/config");
    }

    #[test]
    fn keys_that_are_not_server_keys_are_refused_without_showing_them() {
        for key in ["", "vx_srv_", "vx_cli_secret", "vx_api_secret", "secret", "vx_srv_a b"] {
            let e = err(ClientBuilder::new("http://h", key));
            assert!(matches!(e, BuildError::InvalidServerKey { .. }), "{key}");
            if key.len() > 7 {
                assert!(!e.to_string().contains(key), "the key is not shown");
            }
        }
        assert!(err(ClientBuilder::new("http://h", "vx_cli_x")).to_string().contains("client key"));
        assert!(!format!("{:?}", builder()).contains("vx_srv_abc"), "Debug hides the key");
    }

    #[test]
    fn zero_durations_and_capacities_are_refused() {
        assert!(matches!(
            err(builder().poll_interval(Duration::ZERO)),
            BuildError::ZeroDuration { option: "poll_interval" }
        ));
        assert!(matches!(
            err(builder().flush_interval(Duration::ZERO)),
            BuildError::ZeroDuration { option: "flush_interval" }
        ));
        assert!(matches!(err(builder().event_buffer(0, 1)), BuildError::ZeroCapacity { .. }));
        assert!(matches!(
            err(builder().reconnect_delay(Duration::from_secs(2), Duration::from_secs(1))),
            BuildError::OutOfOrder { .. }
        ));
        assert!(matches!(
            err(builder().watch_flags((0..51).map(|i| format!("f{i}")), 10)),
            BuildError::TooManyWatchedFlags { max: 50, found: 51 }
        ));
    }

    #[test]
    fn bad_bootstraps_are_refused() {
        assert!(matches!(err(builder().offline(true)), BuildError::OfflineWithoutBootstrap));
        assert!(matches!(err(builder().bootstrap_json("{not json")), BuildError::BootstrapInvalid(_)));
        let invalid = r#"{"environment": "production", "version": 1, "flags": [{"key": "a", "kind": "boolean",
            "salt": "s", "variants": [], "config": {"enabled": true, "off_variant": "x", "default": {"variant": "x"}}}]}"#;
        assert!(matches!(
            err(builder().bootstrap_json(invalid)),
            BuildError::BootstrapInvalid(vexil_core::Error::Invalid(_))
        ));
        assert!(matches!(
            err(builder().bootstrap_file("/nonexistent/vexil.json")),
            BuildError::BootstrapUnreadable { .. }
        ));
    }
}
