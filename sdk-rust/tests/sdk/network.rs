//! Networks as they are: a server behind a private CA, mutual TLS, a proxy, extra
//! headers, a ready-made HTTP client, and start-up failures that say why. The TLS
//! server is the fake server behind rustls, with certificates made by the test.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use vexil_sdk::{BuildError, Client, Context, Status, TransportFailure, WaitError};

use crate::fake::FakeServer;
use crate::support::{fast, snapshot};

/// A private certificate authority.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca { issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap() }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `names` and its key.
    fn leaf(&self, names: &[&str]) -> (rcgen::Certificate, KeyPair) {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("client"));
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert, key)
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A TLS acceptor with a certificate for 127.0.0.1 from `ca`, requiring client
/// certificates from `client_ca` when given.
fn acceptor(ca: &Ca, client_ca: Option<&Ca>) -> tokio_rustls::TlsAcceptor {
    let (cert, key) = ca.leaf(&["127.0.0.1", "localhost"]);
    let chain = vec![cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let config = match client_ca {
        None => builder.with_no_client_auth().with_single_cert(chain, key).unwrap(),
        Some(client_ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(CertificateDer::from(client_ca.issuer.der().to_vec())).unwrap();
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                    .build()
                    .unwrap();
            builder.with_client_cert_verifier(verifier).with_single_cert(chain, key).unwrap()
        }
    };
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn user() -> Context {
    Context::new("user-1")
}

/// Waits long enough for any start-up here, and returns the error.
async fn start_error(client: &Client) -> WaitError {
    client.wait_until_ready(Duration::from_secs(3)).await.unwrap_err()
}

fn cause_of(e: &WaitError) -> Option<TransportFailure> {
    match e {
        WaitError::TimedOut { cause: Some(cause), .. } => cause.transport_failure(),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_behind_a_private_ca_is_trusted_once_its_ca_is_given() {
    let ca = Ca::new("Vexil test CA");
    let fake = FakeServer::start_tls(snapshot(2, true), acceptor(&ca, None)).await;

    let client =
        fast(Client::builder(&fake.base, "vx_srv_tls")).add_root_certificate_pem(ca.pem()).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert!(client.bool_value("f", &user(), false));
    assert_eq!(client.status(), Status::Ready);

    // Only the private CA: the built-in roots are not needed for it.
    let only_private = fast(Client::builder(&fake.base, "vx_srv_tls"))
        .add_root_certificate_pem(ca.pem())
        .tls_built_in_roots(false)
        .build()
        .unwrap();
    only_private.wait_until_ready(Duration::from_secs(10)).await.unwrap();

    // Without it, the certificate is refused, and the start-up error says so.
    let untrusting = fast(Client::builder(&fake.base, "vx_srv_tls")).build().unwrap();
    let e = start_error(&untrusting).await;
    assert_eq!(cause_of(&e), Some(TransportFailure::Tls), "{e:?}");
    assert!(e.to_string().ends_with("last failure: TLS handshake failed)"), "{e}");
    // A CA that signed something else is no better.
    let other = fast(Client::builder(&fake.base, "vx_srv_tls"))
        .add_root_certificate_pem(Ca::new("Other").pem())
        .build();
    assert_eq!(cause_of(&start_error(&other.unwrap()).await), Some(TransportFailure::Tls));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_authenticates_with_a_client_certificate() {
    let (server_ca, client_ca) = (Ca::new("Server CA"), Ca::new("Client CA"));
    let fake = FakeServer::start_tls(snapshot(2, true), acceptor(&server_ca, Some(&client_ca))).await;
    let (cert, key) = client_ca.leaf(&["payments-service"]);
    let identity = format!("{}{}", cert.pem(), key.serialize_pem());

    let client = fast(Client::builder(&fake.base, "vx_srv_mtls"))
        .add_root_certificate_pem(server_ca.pem())
        .client_identity_pem(identity)
        .build()
        .unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert!(client.bool_value("f", &user(), false));

    // Without a certificate, or with one the server's CA did not sign, no data.
    let (stranger, stranger_key) = Ca::new("Stranger CA").leaf(&["intruder"]);
    for identity in [None, Some(format!("{}{}", stranger.pem(), stranger_key.serialize_pem()))] {
        let mut b =
            fast(Client::builder(&fake.base, "vx_srv_mtls")).add_root_certificate_pem(server_ca.pem());
        if let Some(identity) = identity {
            b = b.client_identity_pem(identity);
        }
        let e = start_error(&b.build().unwrap()).await;
        assert!(matches!(e, WaitError::TimedOut { status: Status::Initializing, .. }), "{e:?}");
        assert!(
            matches!(cause_of(&e), Some(TransportFailure::Tls)),
            "the server refuses the handshake: {e:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_made_http_client_is_used_as_it_is() {
    let ca = Ca::new("Vexil test CA");
    let fake = FakeServer::start_tls(snapshot(2, true), acceptor(&ca, None)).await;
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap())
        .default_headers(
            [(reqwest::header::HeaderName::from_static("x-mesh"), "on".parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    let client = fast(Client::builder(&fake.base, "vx_srv_tls")).http_client(http).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    let config = fake.seen("/sdk/v1/config");
    assert!(config[0].headers.contains(&("x-mesh".into(), "on".into())), "{:?}", config[0].headers);
    assert!(config[0].headers.iter().any(|(k, v)| k == "authorization" && v == "Bearer vx_srv_tls"));

    // The builder's own HTTP settings would be ignored with it: refused.
    let e = Client::builder(&fake.base, "vx_srv_tls")
        .http_client(reqwest::Client::new())
        .proxy("http://p:3128")
        .build();
    assert!(matches!(e, Err(BuildError::Conflict { option: "proxy", with: "http_client" })), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_explicit_proxy_carries_every_request_and_extra_headers_are_sent() {
    // The fake answers like a forward proxy would after relaying: it sees absolute
    // targets for a host that does not even resolve.
    let proxy = FakeServer::start(snapshot(2, true), vec![]).await;
    let client = fast(Client::builder("http://vexil.invalid:8080", "vx_srv_proxied"))
        .proxy(proxy.base.clone())
        .header("x-gateway-token", "s3cret")
        .build()
        .unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert!(client.bool_value("f", &user(), false));
    let seen = proxy.seen("/sdk/v1/config");
    assert_eq!(seen[0].target, "http://vexil.invalid:8080/sdk/v1/config");
    assert!(seen[0].headers.contains(&("x-gateway-token".into(), "s3cret".into())));
}

#[test]
fn bad_network_options_are_refused_at_build() {
    let b = || Client::builder("https://flags.example.com", "vx_srv_x");
    assert!(matches!(
        b().add_root_certificate_pem("not a certificate").build(),
        Err(BuildError::InvalidCertificate { what: "CA certificate", .. })
    ));
    assert!(matches!(
        b().client_identity_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").build(),
        Err(BuildError::InvalidCertificate { what: "client identity", .. })
    ));
    assert!(matches!(b().header("bad name", "v").build(), Err(BuildError::InvalidHeader { .. })));
    assert!(matches!(b().header("x-ok", "line\nbreak").build(), Err(BuildError::InvalidHeader { .. })));
    assert!(matches!(
        b().header("Authorization", "Bearer other").build(),
        Err(BuildError::InvalidHeader { .. })
    ));
    let e = b().proxy("http://user:hunter2@[::1").build().unwrap_err();
    assert!(matches!(e, BuildError::InvalidProxy { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("hunter2"), "the password is not shown: {e:?}");
    assert!(matches!(
        b().read_timeout(Duration::ZERO).build(),
        Err(BuildError::ZeroDuration { option: "read_timeout" })
    ));
}

#[test]
fn from_env_names_the_missing_variable() {
    // Only the error path can be tested without changing the process environment
    // (other tests run in parallel): the variables are not set in the test run.
    if std::env::var_os("VEXIL_URL").is_none() {
        assert!(matches!(
            vexil_sdk::ClientBuilder::from_env(),
            Err(BuildError::MissingEnv { variable: "VEXIL_URL" })
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_timeout_ends_a_request_to_a_server_that_stops_answering() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let client = fast(Client::builder(&base, "vx_srv_silent"))
        .request_timeout(Duration::from_secs(3600))
        .read_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = client.wait_until_ready(Duration::from_secs(10)).await.unwrap_err();
    assert_eq!(
        cause_of(&e),
        Some(TransportFailure::Timeout),
        "the read timeout, not the hour-long request timeout: {e:?}"
    );
    silent.abort();
}

/// A forward proxy that takes only `CONNECT` and tunnels every target to `to` (the
/// names it is asked for need not resolve: the proxy, not DNS, knows where they are).
/// Returns its address and the targets it was asked for.
async fn connect_proxy(
    to: std::net::SocketAddr,
) -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if head.len() > 8192 || client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let mut words = head.split_whitespace();
                let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    return;
                };
                log.lock().unwrap().push(target.to_owned());
                let Ok(mut upstream) = tokio::net::TcpStream::connect(to).await else { return };
                if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_ok() {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (addr, seen)
}

/// Where the child run of [`https_proxy_from_the_environment_carries_the_sdk`] finds
/// the server's URL and its CA; unset in any other run.
const CHILD_SERVER: &str = "VEXIL_SDK_TEST_PROXIED_SERVER";
const CHILD_CA: &str = "VEXIL_SDK_TEST_PROXIED_CA";

/// `HTTPS_PROXY` as the environment sets it: this test binary runs itself again as a
/// child process with only `HTTPS_PROXY` among the proxy variables (the process
/// environment of this one is left alone, so no other test sees it), and the child's
/// SDK, built with no proxy option, reaches a TLS server whose name does not resolve
/// (`vexil.invalid`) through a CONNECT proxy written here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_from_the_environment_carries_the_sdk() {
    let ca = Ca::new("Vexil proxy test CA");
    let (cert, key) = ca.leaf(&["vexil.invalid"]);
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let fake =
        FakeServer::start_tls(snapshot(2, true), tokio_rustls::TlsAcceptor::from(Arc::new(config))).await;
    let server: std::net::SocketAddr = fake.base.trim_start_matches("https://").parse().unwrap();
    let (proxy, seen) = connect_proxy(server).await;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "network::child_run_behind_the_environment_s_proxy", "--nocapture"])
        .env(CHILD_SERVER, format!("https://vexil.invalid:{}", server.port()))
        .env(CHILD_CA, ca.pem())
        .env("HTTPS_PROXY", format!("http://{proxy}"));
    for other in ["https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]
    {
        child.env_remove(other);
    }
    // The proxy and the server run on this runtime while the child runs.
    let out = tokio::task::spawn_blocking(move || child.output()).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("1 passed"), "the child ran its test: {text}");
    let targets = seen.lock().unwrap().clone();
    assert!(!targets.is_empty(), "the SDK went through the proxy");
    assert!(targets.iter().all(|t| *t == format!("vexil.invalid:{}", server.port())), "{targets:?}");
    assert!(!fake.seen("/sdk/v1/config").is_empty());
}

/// The child of [`https_proxy_from_the_environment_carries_the_sdk`]; in any other run
/// (no server given) it has nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_run_behind_the_environment_s_proxy() {
    let (Ok(server), Ok(ca)) = (std::env::var(CHILD_SERVER), std::env::var(CHILD_CA)) else {
        return;
    };
    let client =
        fast(Client::builder(&server, "vx_srv_proxied")).add_root_certificate_pem(ca).build().unwrap();
    client.wait_until_ready(Duration::from_secs(10)).await.unwrap();
    assert!(client.bool_value("f", &user(), false));
}
