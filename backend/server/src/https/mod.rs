//! The HTTPS listener: accepts TCP within the connection limits ([`connection_limits`]),
//! completes the TLS handshake (with a deadline), and serves the router over HTTP/1.1 or
//! HTTP/2 until the connection ends, idles too long, or the service stops. There is no
//! plaintext listener: a client that does not speak TLS gets its connection closed.

pub mod connection_limits;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use rustls::ServerConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::auth::ClientAddr;
use connection_limits::{Activity, Connections, Slot};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);
/// How often an open connection looks whether it has idled too long.
const IDLE_CHECK: Duration = Duration::from_millis(500);

/// Serve `app` on `listener` until `shutdown` completes, then let open requests finish.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    app: Router,
    connections: Arc<Connections>,
    shutdown: impl Future<Output = ()> + Send,
) {
    let acceptor = TlsAcceptor::from(tls);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connections = Arc::clone(&connections);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let stopping = stopping.clone();
        tokio::spawn(async move {
            // Waiting for a slot happens here, not in the accept loop: others keep arriving.
            let Ok(slot) = connections.admit(ClientAddr(peer.ip()).network()).await else {
                return;
            };
            serve_connection(tcp, peer, slot, acceptor, app, &connections, stopping).await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    if tokio::time::timeout(DRAIN_TIMEOUT, connections.all_closed())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still open after the drain timeout");
    }
}

async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    _slot: Slot,
    acceptor: TlsAcceptor,
    app: Router,
    connections: &Connections,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake refused");
            return;
        }
        Err(_) => return,
    };
    let activity = Arc::new(Activity::default());
    let service = {
        let activity = Arc::clone(&activity);
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let busy = activity.begin();
            let app = app.clone();
            async move {
                let response = app.oneshot(req).await;
                drop(busy);
                response
            }
        })
    };
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(64);
    let conn = builder
        .serve_connection_with_upgrades(TokioIo::new(tls), service)
        .into_owned();
    tokio::pin!(conn);
    let mut check = tokio::time::interval(IDLE_CHECK);
    let mut closing = false;
    // Once closing, a connection gets the drain time to finish what it is doing, no more.
    let gone = tokio::time::sleep(Duration::MAX);
    tokio::pin!(gone);
    loop {
        tokio::select! {
            ended = conn.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = check.tick(), if !closing => {
                if activity.idle_for().is_some_and(|idle| idle >= connections.idle_allowed()) {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                    gone.as_mut().reset(tokio::time::Instant::now() + DRAIN_TIMEOUT);
                }
            }
            _ = stopping.changed(), if !closing => {
                conn.as_mut().graceful_shutdown();
                closing = true;
                gone.as_mut().reset(tokio::time::Instant::now() + DRAIN_TIMEOUT);
            }
            () = &mut gone => return,
        }
    }
}
