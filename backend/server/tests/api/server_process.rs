//! The service as a separate process (`portal-server serve`), for tests that kill it or limit
//! what the process may open.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use portal_api::client::PortalClient;

pub struct Server {
    child: Child,
}

impl Server {
    /// Serve `data_dir` on 127.0.0.1:`port`; with `max_open_files`, under that limit on open
    /// files (soft and hard, through `prlimit`).
    pub fn start(
        data_dir: &std::path::Path,
        database_url: Option<&str>,
        port: u16,
        max_open_files: Option<u32>,
    ) -> Self {
        let mut command = match max_open_files {
            Some(n) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={n}:{n}"))
                    .arg("--")
                    .arg(env!("CARGO_BIN_EXE_portal-server"));
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_portal-server")),
        };
        command.arg("--data-dir").arg(data_dir);
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let child = command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env_remove("PORTAL_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start portal-server");
        Self { child }
    }

    pub fn kill(mut self) {
        // `Child::kill` sends SIGKILL: no shutdown code runs.
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub async fn wait_until_up(data_dir: &std::path::Path, port: u16) -> PortalClient {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(ca) = std::fs::read(data_dir.join("tls/ca.pem")) {
            let client = PortalClient::new(&format!("https://localhost:{port}"), &ca).expect("client");
            if client.health().await.is_ok() {
                return client;
            }
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
