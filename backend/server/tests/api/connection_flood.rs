//! Thousands of idle or trickling connections must not keep the service from answering a
//! sign-in. The service runs as its own process under a limit of 1,024 open files, as it
//! would under a default service manager; the attack comes from several local addresses.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::helpers::PATIENT;
use crate::server_process::{free_port, wait_until_up, Server};

const OPEN_FILES: u32 = 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_idle_and_trickling_connections_do_not_keep_a_sign_in_from_being_answered() {
    let data = tempfile::tempdir().expect("tempdir");
    let demo = std::process::Command::new(env!("CARGO_BIN_EXE_portal-server"))
        .arg("--data-dir")
        .arg(data.path())
        .arg("demo")
        .env_remove("PORTAL_DATABASE_URL")
        .output()
        .expect("demo");
    assert!(demo.status.success());
    let port = free_port();
    let _server = Server::start(data.path(), None, port, Some(OPEN_FILES));
    wait_until_up(data.path(), port).await;
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    let ca = std::fs::read(data.path().join("tls/ca.pem")).expect("CA");
    let tls = connector(&ca);

    // An attacker keeps 1,000 connections open from one address and 100 from each of ten
    // more, opening a new one whenever one is closed, and never says a word on them …
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut attackers = vec![tokio::spawn(keep_open([127, 0, 0, 1], target, 1000, stop.clone()))];
    for host in 3..=12 {
        attackers.push(tokio::spawn(keep_open([127, 0, 0, host], target, 100, stop.clone())));
    }
    // … and, from two more addresses, 20 each that trickle a request's headers or a
    // sign-in's body, a byte a second.
    let mut tricklers = Vec::new();
    for _ in 0..20 {
        if let Some(stream) = tls_from([127, 0, 0, 13], target, &tls).await {
            tricklers.push(tokio::spawn(trickle(
                stream,
                b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".to_vec(),
            )));
        }
        if let Some(stream) = tls_from([127, 0, 0, 14], target, &tls).await {
            let head = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{".to_vec();
            tricklers.push(tokio::spawn(trickle(stream, head)));
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;

    // A patient at another address signs in, and is answered in good time.
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).expect("CA"))
        .local_address(Some(IpAddr::from([127, 0, 0, 2])))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let answer = client
        .post(format!("https://localhost:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": PATIENT.email, "password": PATIENT.passphrase}))
        .send()
        .await;
    let status = answer.map(|r| r.status().as_u16());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut held = 0;
    for attacker in attackers {
        held += attacker.await.expect("attacker");
    }
    for t in tricklers {
        t.abort();
    }
    assert!(
        matches!(status, Ok(200)),
        "the sign-in was not answered within 5 s under the attack: {status:?}"
    );
    assert!(held > 0, "the attack held no connection at all");
}

/// Keep `count` silent connections open from `source` until `stop`; answers how many were
/// open at the end.
async fn keep_open(
    source: [u8; 4],
    target: SocketAddr,
    count: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> usize {
    let mut open: Vec<TcpStream> = Vec::with_capacity(count);
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        // Drop the ones the server closed …
        let mut buf = [0u8; 1];
        open.retain(|s| matches!(s.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock));
        // … and open new ones in their place.
        let missing = count - open.len();
        let opened = futures_util::future::join_all((0..missing.min(200)).map(|_| connect_from(source, target))).await;
        open.extend(opened.into_iter().flatten());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    open.len()
}

fn connector(ca: &[u8]) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut &ca[..]) {
        roots.add(cert.expect("CA certificate")).expect("trusted");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// A TCP connection from `source` (any port), or `None` if it is not taken within a moment.
async fn connect_from(source: [u8; 4], target: SocketAddr) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::from((source, 0))).ok()?;
    tokio::time::timeout(Duration::from_millis(500), socket.connect(target))
        .await
        .ok()?
        .ok()
}

async fn tls_from(source: [u8; 4], target: SocketAddr, tls: &TlsConnector) -> Option<TlsStream<TcpStream>> {
    let tcp = connect_from(source, target).await?;
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    tokio::time::timeout(Duration::from_secs(2), tls.connect(name, tcp))
        .await
        .ok()?
        .ok()
}

/// Send `head`, then one more byte a second for as long as the server listens.
async fn trickle(mut stream: TlsStream<TcpStream>, head: Vec<u8>) {
    if stream.write_all(&head).await.is_err() || stream.flush().await.is_err() {
        return;
    }
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if stream.write_all(b"a").await.is_err() || stream.flush().await.is_err() {
            return;
        }
    }
}
