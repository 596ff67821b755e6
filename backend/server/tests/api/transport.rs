//! Transport: TLS 1.2 and 1.3 only, no plaintext, only the practice's CA.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;
use crate::on_both_databases;

async fn tls_1_2_and_1_3_are_served(app: TestApp) {
    use reqwest::tls::Version;
    for (min, max) in [
        (Version::TLS_1_2, Version::TLS_1_2),
        (Version::TLS_1_3, Version::TLS_1_3),
    ] {
        let client = app.raw_client(|b| b.min_tls_version(min).max_tls_version(max));
        let resp = client
            .get(app.url("/api/v1/health"))
            .send()
            .await
            .expect("TLS handshake");
        assert_eq!(resp.status(), 200);
    }
}
on_both_databases!(tls_1_2_and_1_3_are_served);

/// Read what the server sends back (until it closes or goes quiet).
async fn reply_to(app: &TestApp, bytes: &[u8]) -> Vec<u8> {
    let mut tcp = TcpStream::connect(app.addr).await.expect("connect");
    tcp.write_all(bytes).await.expect("write");
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(3), tcp.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
    }
    reply
}

async fn plaintext_http_gets_no_answer(app: TestApp) {
    let reply = reply_to(&app, b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    assert!(
        !reply.starts_with(b"HTTP/"),
        "no plaintext HTTP answer: {:?}",
        String::from_utf8_lossy(&reply)
    );
    assert!(!String::from_utf8_lossy(&reply).contains("\"ok\""));
}
on_both_databases!(plaintext_http_gets_no_answer);

/// A TLS 1.1 ClientHello (legacy version 3.2, no supported_versions extension).
fn tls11_client_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x02];
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // session id
    body.extend_from_slice(&[0x00, 0x04, 0xc0, 0x13, 0x00, 0x2f]); // ECDHE-RSA-AES128-SHA, AES128-SHA
    body.extend_from_slice(&[0x01, 0x00]); // no compression
    let mut handshake = vec![0x01, 0x00];
    handshake.extend_from_slice(&u16::try_from(body.len()).expect("small").to_be_bytes());
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&u16::try_from(handshake.len()).expect("small").to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

async fn tls_1_1_is_refused(app: TestApp) {
    let reply = reply_to(&app, &tls11_client_hello()).await;
    assert_ne!(
        reply.first(),
        Some(&0x16),
        "the server must not answer a TLS 1.1 hello with a handshake"
    );
    if !reply.is_empty() {
        // A fatal alert record: protocol_version (70) or handshake_failure (40).
        assert_eq!(reply[0], 0x15, "alert record");
        assert_eq!(reply[5], 2, "fatal");
        assert!([40, 70].contains(&reply[6]), "alert {}", reply[6]);
    }
}
on_both_databases!(tls_1_1_is_refused);

async fn a_client_with_another_ca_does_not_connect(app: TestApp) {
    let other_ca = include_bytes!("../../../api/tests/fixtures/test-ca.pem");
    let client = portal_api::client::PortalClient::new(&app.url(""), other_ca).expect("client");
    let err = client.health().await.expect_err("must not trust the service");
    assert!(
        matches!(err, portal_api::client::ClientError::UntrustedCertificate),
        "{err:?}"
    );
}
on_both_databases!(a_client_with_another_ca_does_not_connect);

/// `serve --tls-cert/--tls-key`: an operator's certificate is used as given, and no local CA
/// is made.
#[tokio::test]
async fn an_operators_certificate_is_served_as_given() {
    use std::sync::Arc;

    use portal_server::config::TlsFiles;
    use portal_server::{Application, Config, SystemClock};

    let operator = tempfile::tempdir().expect("tempdir");
    let issued = portal_server::tls::certificate_files(operator.path(), None).expect("issue a certificate");
    let files = TlsFiles {
        cert: issued.cert,
        key: issued.key,
    };
    let data = tempfile::tempdir().expect("tempdir");
    let mut config = Config::new(data.path());
    config.listen = ([127, 0, 0, 1], 0).into();
    config.tls = Some(files);
    let app = Application::build(config, Arc::new(SystemClock))
        .await
        .expect("starts with the operator's files");
    let port = app.port();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));

    let ca = std::fs::read(operator.path().join("tls/ca.pem")).expect("operator CA");
    let client = portal_api::client::PortalClient::new(&format!("https://localhost:{port}"), &ca).expect("client");
    assert_eq!(
        client
            .health()
            .await
            .expect("health over the operator's certificate")
            .status,
        "ok"
    );
    assert!(
        !data.path().join("tls").exists(),
        "no local CA is made when the operator gives one"
    );

    let _ = tx.send(());
    server.await.expect("server stops");
}
