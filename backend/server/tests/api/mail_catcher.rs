//! A real SMTP server for the tests: `tests/smtp/mail_catcher.py` (Python's aiosmtpd) on a
//! free port, speaking TLS only with a certificate from a private CA, writing each delivered
//! message to a folder this helper reads.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use portal_server::config::TlsFiles;
use portal_server::mail::{MailSettings, RelayAddress};
use serde::Deserialize;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// One message as the relay received it.
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveredMail {
    pub rcpt_tos: Vec<String>,
    /// Whether it came over TLS.
    pub tls: bool,
    pub subject: String,
    pub from: String,
    pub text: String,
    pub html: String,
    pub raw: String,
}

impl DeliveredMail {
    /// The one-time code the mail carries (shown in bold), if it has one.
    pub fn code(&self) -> Option<String> {
        let start = self.html.find("<strong>")? + "<strong>".len();
        let end = start + self.html[start..].find("</strong>")?;
        Some(self.html[start..end].to_owned())
    }

    /// Whether it went to `address`.
    pub fn is_to(&self, address: &str) -> bool {
        self.rcpt_tos.iter().any(|r| r.eq_ignore_ascii_case(address))
    }

    /// Everything a reader could see: headers, both parts decoded, the raw message.
    pub fn everything(&self) -> String {
        format!("{}\n{}\n{}\n{}", self.subject, self.text, self.html, self.raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    StartTls,
    ImplicitTls,
}

pub struct MailCatcher {
    pub port: u16,
    security: Security,
    /// The CA that signed its certificate (trusted by the service under test).
    pub ca_file: PathBuf,
    /// Its certificate and key (in `_tls`).
    files: TlsFiles,
    _tls: TempDir,
    out: TempDir,
    child: Option<Child>,
    /// The account it asks clients to sign in with (SMTP AUTH), if any.
    account: Option<(String, String)>,
}

/// What the tests write into messages (subjects and bodies), which no mail may hold.
pub const MESSAGE_HEALTH_DATA: &[&str] = &[
    "Mole on my left shoulder",
    "It itches and bled twice",
    "Possible melanoma, please book a biopsy",
];

/// The names of the conditions, results, medicines, allergies and procedures in the demo
/// charts the tests import, which no mail may hold.
pub fn chart_health_data() -> Vec<String> {
    // From `backend/server` (the API tests) or from `tests` (the cross-crate tests).
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_server = crate_dir.join("data/demo-charts");
    let folder = if from_server.is_dir() {
        from_server
    } else {
        crate_dir.join("../backend/server/data/demo-charts")
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).expect("the demo charts") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let bundle: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("a chart")).expect("JSON");
        for entry in bundle["entry"].as_array().into_iter().flatten() {
            let resource = &entry["resource"];
            let clinical = matches!(
                resource["resourceType"].as_str(),
                Some(
                    "Condition"
                        | "Observation"
                        | "DiagnosticReport"
                        | "MedicationRequest"
                        | "Procedure"
                        | "AllergyIntolerance"
                )
            );
            if !clinical {
                continue;
            }
            for concept in [&resource["code"], &resource["medicationCodeableConcept"]] {
                names.extend(concept["text"].as_str().map(str::to_owned));
                for coding in concept["coding"].as_array().into_iter().flatten() {
                    names.extend(coding["display"].as_str().map(str::to_owned));
                }
            }
        }
    }
    names
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Debian's Python, which has `python3-aiosmtpd` (a `python3` earlier on PATH may not).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// `tests/smtp/mail_catcher.py` of the workspace, from `backend/server` (the API tests) or from
/// `tests` (the cross-crate tests include this file too).
fn script() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_server = crate_dir.join("../../tests/smtp/mail_catcher.py");
    if from_server.is_file() {
        from_server
    } else {
        crate_dir.join("smtp/mail_catcher.py")
    }
}

impl MailCatcher {
    /// Started on a free port.
    pub async fn start(security: Security) -> Self {
        let mut catcher = Self::stopped_on(free_port(), security);
        catcher.up().await;
        catcher
    }

    /// Not started yet: a relay that is down at `port` until [`up`](Self::up).
    pub fn stopped_on(port: u16, security: Security) -> Self {
        let tls = tempfile::tempdir().expect("temp dir");
        // The service's own way of making a private CA and a localhost certificate.
        let files = portal_server::tls::certificate_files(tls.path(), None).expect("a CA and a certificate");
        Self {
            files,
            port,
            security,
            ca_file: tls.path().join("tls/ca.pem"),
            _tls: tls,
            out: tempfile::tempdir().expect("temp dir"),
            child: None,
            account: None,
        }
    }

    /// Started on a free port, refusing mail from clients that do not sign in as
    /// `user`/`password`.
    pub async fn start_with_account(security: Security, user: &str, password: &str) -> Self {
        let mut catcher = Self::stopped_on(free_port(), security);
        catcher.account = Some((user.into(), password.into()));
        catcher.up().await;
        catcher
    }

    /// Starts the server and waits until it accepts connections.
    pub async fn up(&mut self) {
        let mut command = Command::new(python());
        command
            .arg(script())
            .args(["--port", &self.port.to_string()])
            .arg("--cert")
            .arg(&self.files.cert)
            .arg("--key")
            .arg(&self.files.key)
            .arg("--out-dir")
            .arg(self.out.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        if self.security == Security::ImplicitTls {
            command.arg("--implicit-tls");
        }
        if let Some((user, password)) = &self.account {
            command.args(["--auth-user", user, "--auth-password", password]);
        }
        let mut child = command
            .spawn()
            .expect("python3 runs tests/smtp/mail_catcher.py (apt: python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(20), BufReader::new(stdout).read_line(&mut line))
            .await
            .expect("the mail catcher starts within 20 s")
            .expect("its output");
        assert!(line.starts_with("ready"), "mail catcher said {line:?}");
        self.child = Some(child);
    }

    /// Settings that send to this server, trusting its CA, looking for mail every 100 ms.
    pub fn settings(&self) -> MailSettings {
        let scheme = match self.security {
            Security::StartTls => "smtp",
            Security::ImplicitTls => "smtps",
        };
        let relay = RelayAddress::parse(&format!("{scheme}://localhost:{}", self.port)).expect("relay URL");
        let mut settings = MailSettings::new(relay, "Dermatology Specialists <portal@dskc.example>");
        settings.ca_file = Some(self.ca_file.clone());
        settings.poll_interval = Duration::from_millis(100);
        settings
    }

    /// The messages delivered so far.
    pub fn delivered(&self) -> Vec<DeliveredMail> {
        let mut mails = Vec::new();
        for entry in std::fs::read_dir(self.out.path()).expect("out dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("delivered mail");
                mails.push(serde_json::from_str(&text).expect("delivered mail JSON"));
            }
        }
        mails
    }

    /// Fails the test if any delivered message holds one of `health_data` (see also the check
    /// every catcher makes when dropped) (the subjects,
    /// bodies and names of conditions a test put into messages and records), in any case.
    pub fn assert_no_health_data(&self, health_data: &[&str]) {
        for mail in self.delivered() {
            let everything = mail.everything().to_lowercase();
            for words in health_data {
                assert!(
                    !everything.contains(&words.to_lowercase()),
                    "a mail ({:?}) holds health data: {words:?}",
                    mail.subject
                );
            }
        }
    }

    /// Waits until at least `n` messages were delivered (at most 30 s), then a little more
    /// so that an extra one would show, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<DeliveredMail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.delivered().len() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} of {n} mails delivered in 30 s",
                self.delivered().len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.delivered()
    }
}

/// Every catcher, when its test ends, scans every message it received for the health data
/// the tests write into messages and the demo charts hold: none may appear in a mail.
impl Drop for MailCatcher {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let chart = chart_health_data();
        let mut all: Vec<&str> = MESSAGE_HEALTH_DATA.to_vec();
        all.extend(chart.iter().map(String::as_str));
        self.assert_no_health_data(&all);
    }
}
