//! The operator's command line.
//!
//! ```text
//! portal-server [--data-dir DIR] [--database-url URL] serve [--listen ADDR:PORT] [--tls-cert F --tls-key F]
//! portal-server migrate | demo | user add --email E --role R --name N | policy publish FILE
//!               | user invite --email E --role R --name N | patient invite --patient ID --email E
//!               | practice set --name N --phone P | audit verify
//!               | records import FILE… | records link --patient ID --email E
//! ```

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use portal_api::{Language, ReleaseRule, Role};

use crate::accounts::invitation::Invitee;
use crate::admin::{self, NewUser, Published};
use crate::attachments::AttachmentCipher;
use crate::auth::password::PasswordHasher;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Limits, TlsFiles};
use crate::domain::access::StaffPools;
use crate::domain::EmailAddress;
use crate::mail::{MailSettings, RelayAddress, RelayCredentials};
use crate::sealed_text::TextSealer;
use crate::startup::Application;
use crate::store::{self, Db};
use crate::{audit_verify, demo, records, telemetry};

mod invitations;

#[derive(Debug, Parser)]
#[command(
    name = "portal-server",
    version,
    about = "Patient Portal service and its administration"
)]
pub struct Cli {
    /// Folder for the SQLite database, the local TLS certificates and other data.
    #[arg(long, global = true, env = "PORTAL_DATA_DIR", default_value = "portal-data")]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB (default: SQLite in the data folder).
    #[arg(long, global = true, env = "PORTAL_DATABASE_URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTPS service.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo practice, its accounts and policy (changes nothing when run again).
    Demo {
        /// Also load the demo patients' charts from this folder and link them to their
        /// accounts (the repository's `backend/server/data/demo-charts`).
        #[arg(long)]
        charts: Option<PathBuf>,
        /// Mark the demo accounts' addresses verified, so that their notices are sent (to the
        /// demo's mail catcher, in `scripts/run-demo`).
        #[arg(long)]
        verified_addresses: bool,
        /// The file with the key that seals data at rest (the service's; made if missing).
        /// Default: DATA_DIR/keys/attachments.key.
        #[arg(long, env = "PORTAL_ATTACHMENT_KEY_FILE")]
        attachment_key_file: Option<PathBuf>,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Invite patients to open their portal accounts.
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Manage the portal policy.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Manage the practice's details.
    #[command(subcommand)]
    Practice(PracticeCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Load patients' charts from FHIR R4 bundles and link them to accounts.
    #[command(subcommand)]
    Records(RecordsCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (HTTPS only).
    #[arg(long, env = "PORTAL_LISTEN", default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// PEM certificate chain; without it a local CA and localhost certificate are made.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// File with the key sealing attachments at rest (made if missing). Every instance on one
    /// database needs the same file. Default: DATA_DIR/keys/attachments.key.
    #[arg(long, env = "PORTAL_ATTACHMENT_KEY_FILE")]
    pub attachment_key_file: Option<PathBuf>,
    /// Largest attachment accepted, in MiB.
    #[arg(long, env = "PORTAL_MAX_ATTACHMENT_MIB", default_value_t = (portal_api::DEFAULT_MAX_ATTACHMENT_BYTES / 1024 / 1024) as u16,
          value_parser = clap::value_parser!(u16).range(1..=100))]
    pub max_attachment_mib: u16,
    /// Sign-in attempts one client address may make per minute. Raise it only for a test
    /// that signs in many times from one address (`scripts/schemathesis`); the per-account
    /// lockout is not affected.
    #[arg(long, env = "PORTAL_LOGIN_PER_ADDRESS", default_value_t = Limits::default().login_per_address,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub login_per_address: u32,
    /// The practice's mail relay: smtp://host:port (STARTTLS required) or smtps://host:port
    /// (implicit TLS). Without it mails wait in the outbox.
    #[arg(long, env = "PORTAL_SMTP_URL", requires = "mail_from")]
    pub smtp_url: Option<String>,
    /// The sender of the portal's mails, e.g. "Practice <portal@practice.example>".
    #[arg(long, env = "PORTAL_MAIL_FROM", requires = "smtp_url")]
    pub mail_from: Option<String>,
    /// A PEM file of CA certificates to trust for the relay (besides the public roots).
    #[arg(long, env = "PORTAL_SMTP_CA_FILE", requires = "smtp_url")]
    pub smtp_ca_file: Option<PathBuf>,
    /// The relay's account, when it asks for one (SMTP AUTH, over TLS only). Its password is
    /// read from the environment variable PORTAL_SMTP_PASSWORD, never from the command line.
    #[arg(long, env = "PORTAL_SMTP_USERNAME", requires = "smtp_url")]
    pub smtp_username: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Invite the patient of a chart to open their account: an email with a one-time
    /// activation code (valid 7 days); at activation they give their date of birth and pick
    /// their own pass-phrase. Inviting again replaces the code. The running service sends the
    /// email.
    Invite {
        /// The chart: the id `records import` printed, the Patient resource's FHIR id or the MRN.
        #[arg(long)]
        patient: String,
        #[arg(long)]
        email: String,
        /// The language of the email and of the account: en or es.
        #[arg(long, default_value = "en")]
        language: String,
        /// The file with the key that seals data at rest (the service's, which seals the
        /// queued email). Default: DATA_DIR/keys/attachments.key.
        #[arg(long, env = "PORTAL_ATTACHMENT_KEY_FILE")]
        attachment_key_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Invite a physician, staff member or admin: an email with a one-time activation code
    /// (valid 7 days); they pick their own pass-phrase and set up their second factor. The
    /// running service sends the email.
    Invite {
        #[arg(long)]
        email: String,
        /// physician, staff or admin
        #[arg(long)]
        role: Role,
        #[arg(long)]
        name: String,
        /// A staff member's triage pools, comma-separated: clinical, front_desk, billing
        #[arg(long, default_value = "")]
        pools: String,
        /// The language of the email and of the account: en or es.
        #[arg(long, default_value = "en")]
        language: String,
        /// The file with the key that seals data at rest (the service's, which seals the
        /// queued email). Default: DATA_DIR/keys/attachments.key.
        #[arg(long, env = "PORTAL_ATTACHMENT_KEY_FILE")]
        attachment_key_file: Option<PathBuf>,
    },
    /// Add the practice's first admin; the pass-phrase is read from standard input (one line).
    /// Everyone else is invited (`user invite`, `patient invite`) and picks their own.
    Add {
        #[arg(long)]
        email: String,
        /// admin (the only role added this way)
        #[arg(long, default_value = "admin")]
        role: Role,
        #[arg(long)]
        name: String,
    },
    /// Set the triage pools of a staff member (comma-separated: clinical, front_desk, billing).
    Pools {
        #[arg(long)]
        email: String,
        #[arg(long)]
        pools: String,
    },
    /// Let an account sign in again after too many failed sign-ins (check who is asking first).
    Unlock {
        #[arg(long)]
        email: String,
    },
    /// Turn an account off: it can no longer sign in and its sessions end at once; nothing in
    /// it is deleted.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Turn an account that was turned off back on.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// Import FHIR R4 bundles (transaction, batch or collection), each as one patient's chart
    /// in one transaction: a bundle that fails a check is refused whole. Importing a bundle
    /// again changes nothing; a changed resource replaces the one stored.
    Import {
        /// Bundle files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The file with the key that seals data at rest (the service's; made if missing).
        /// Default: DATA_DIR/keys/attachments.key.
        #[arg(long, env = "PORTAL_ATTACHMENT_KEY_FILE")]
        attachment_key_file: Option<PathBuf>,
    },
    /// Link a chart to its patient's account.
    Link {
        /// The chart id `records import` printed, the Patient resource's FHIR id or the MRN.
        #[arg(long)]
        patient: String,
        /// The patient's account.
        #[arg(long)]
        email: String,
    },
    /// Show when test results are released to patients, or set it: at once (the default, as
    /// the 21st Century Cures Act expects), some days after they arrive, or only once a
    /// physician has reviewed them.
    ReleaseRule {
        /// Release results as soon as they arrive.
        #[arg(long, conflicts_with_all = ["after_days", "after_review"])]
        at_once: bool,
        /// Release results this many days after they arrive (or sooner, once reviewed).
        #[arg(long, value_name = "DAYS", conflicts_with = "after_review")]
        after_days: Option<u32>,
        /// Release results only once a physician has reviewed them.
        #[arg(long)]
        after_review: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Publish FILE as the next policy version (a first line "# Title" gives its title); with
    /// `--lang es`, as the current version's Spanish text (people read it in the language
    /// their app asks for, and each acceptance records which text was accepted).
    Publish {
        file: PathBuf,
        /// The language FILE is written in: en (a new version) or es (the current version's
        /// Spanish text).
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PracticeCommand {
    /// Set the practice's name and the phone number shown for urgent requests.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain: "intact", or the first row that was changed, removed or
    /// inserted (and exit 1).
    Verify,
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_log = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    telemetry::init(default_log);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The sealer of data at rest, with the service's key (`key_file`, or the data folder's; made
/// if missing): what `serve` seals with.
fn text_sealer(cli: &Cli, key_file: Option<&PathBuf>) -> Result<TextSealer, String> {
    let key_file = key_file
        .cloned()
        .unwrap_or_else(|| AttachmentCipher::default_path(&cli.data_dir));
    let cipher = AttachmentCipher::load_or_create(&key_file).map_err(|e| e.to_string())?;
    Ok(TextSealer::new(Arc::new(cipher)))
}

async fn open_db(cli: &Cli) -> Result<Db, String> {
    let config = config_of(cli);
    let db = Db::connect(&config.database_url()).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

fn config_of(cli: &Cli) -> Config {
    let mut config = Config::new(&cli.data_dir);
    config.database_url.clone_from(&cli.database_url);
    config
}

pub async fn run(cli: Cli) -> Result<(), String> {
    let now = SystemClock.now();
    match &cli.command {
        Command::Serve(args) => serve(&cli, args).await,
        Command::Migrate => {
            open_db(&cli).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::Demo {
            charts,
            verified_addresses,
            attachment_key_file,
        } => {
            let db = open_db(&cli).await?;
            let sealer = text_sealer(&cli, attachment_key_file.as_ref())?;
            let report = demo::seed(&db, &PasswordHasher::new(2), &sealer, now)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Demo practice \"{}\" ready ({} account(s) created, policy {}).",
                demo::PRACTICE_NAME,
                report.accounts_created,
                match report.policy {
                    Some(Published::New(v)) => format!("version {v} published"),
                    Some(Published::Unchanged(v)) => format!("version {v} unchanged"),
                    Some(Published::Translated(v, _)) => format!("version {v} translated"),
                    None => "not published".into(),
                }
            );
            if let Some(folder) = charts {
                let loaded = demo::load_charts(&db, &sealer, folder, now).await?;
                println!("{loaded} demo chart(s) loaded and linked to the demo patients.");
            }
            if *verified_addresses {
                demo::verify_addresses(&db, now).await.map_err(|e| e.to_string())?;
                println!("The demo accounts' addresses are marked verified: their notices are sent.");
            }
            print!("{}", demo::accounts_table());
            Ok(())
        }
        Command::User(UserCommand::Add { email, role, name }) => {
            if *role != Role::Admin {
                return Err(format!(
                    "only the first admin is added with a pass-phrase; invite a {role} instead \
                     (portal-server {}), so that only they know their pass-phrase",
                    if *role == Role::Patient {
                        "patient invite"
                    } else {
                        "user invite"
                    }
                ));
            }
            let db = open_db(&cli).await?;
            if store::users::any_admin(&db).await.map_err(|e| e.to_string())? {
                return Err("the practice has an admin account already; invite other admins \
                     (portal-server user invite --role admin)"
                    .into());
            }
            let passphrase = read_passphrase()?;
            let user = NewUser {
                email,
                name,
                role: *role,
                passphrase: &passphrase,
                staff_pools: StaffPools::NONE,
            };
            let id = admin::add_user(&db, &PasswordHasher::new(1), &user, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("Added admin account {id} for {}.", email.trim().to_lowercase());
            Ok(())
        }
        Command::User(UserCommand::Invite {
            email,
            role,
            name,
            pools,
            language,
            attachment_key_file,
        }) => {
            let sealer = text_sealer(&cli, attachment_key_file.as_ref())?;
            let mut staff_pools = StaffPools::parse(pools)?;
            if *role != Role::Patient {
                staff_pools = staff_pools
                    .for_role(*role)
                    .map_err(|why| format!("{why} (--pools clinical,front_desk,billing: one or more)"))?;
            }
            let invitee = Invitee::Member {
                name,
                role: *role,
                staff_pools,
            };
            invitations::invite(&open_db(&cli).await?, &sealer, email, invitee, language, now).await
        }
        Command::Patient(PatientCommand::Invite {
            patient,
            email,
            language,
            attachment_key_file,
        }) => {
            let sealer = text_sealer(&cli, attachment_key_file.as_ref())?;
            let db = open_db(&cli).await?;
            let chart = records::link::find_chart(&db, patient)
                .await
                .map_err(|e| e.to_string())?;
            let invitee = Invitee::Patient { chart_id: chart.id };
            invitations::invite(&db, &sealer, email, invitee, language, now).await
        }
        Command::User(UserCommand::Pools { email, pools }) => {
            let email = EmailAddress::parse(email)?;
            let pools = StaffPools::parse(pools)?;
            let db = open_db(&cli).await?;
            admin::set_staff_pools(&db, &email, pools)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{} now works in: {}.",
                email.as_str(),
                pools.to_text().replace(',', ", ")
            );
            Ok(())
        }
        Command::User(UserCommand::Unlock { email }) => {
            let db = open_db(&cli).await?;
            let email = EmailAddress::parse(email)?;
            let cleared = admin::unlock_sign_in(&db, &email).await.map_err(|e| e.to_string())?;
            if cleared == 0 {
                println!("{} was not locked.", email.as_str());
            } else {
                println!("{} may sign in again.", email.as_str());
            }
            Ok(())
        }
        Command::User(command @ (UserCommand::Disable { email } | UserCommand::Enable { email })) => {
            let disabled = matches!(command, UserCommand::Disable { .. });
            let db = open_db(&cli).await?;
            let email = EmailAddress::parse(email)?;
            let account = admin::AccountKey::Email(&email);
            admin::set_account_disabled(&db, account, disabled, None, "command line", now)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no account with the email address {}", email.as_str()))?;
            match disabled {
                true => println!(
                    "{} is turned off: it cannot sign in and its sessions have ended. Nothing in it was deleted.",
                    email.as_str()
                ),
                false => println!("{} may sign in again.", email.as_str()),
            }
            Ok(())
        }
        Command::Policy(PolicyCommand::Publish { file, lang }) => {
            let language = match lang.trim() {
                "en" => Language::English,
                "es" => Language::Spanish,
                other => return Err(format!("unknown language {other:?}: en or es")),
            };
            let db = open_db(&cli).await?;
            let contents = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            match admin::publish_policy(&db, &contents, language, now)
                .await
                .map_err(|e| e.to_string())?
            {
                Published::Translated(v, language) => println!(
                    "Published the {} text of policy version {v}. People whose app asks for it read it from now on.",
                    admin::language_name(language)
                ),
                Published::New(v) => {
                    println!("Published policy version {v}. Everyone will be asked to accept it at their next sign-in.")
                }
                Published::Unchanged(v) => {
                    println!("The file is the same as the current policy (version {v}); nothing was published.")
                }
            }
            Ok(())
        }
        Command::Practice(PracticeCommand::Set { name, phone }) => {
            let db = open_db(&cli).await?;
            admin::set_practice(&db, name, phone).await.map_err(|e| e.to_string())?;
            println!("Practice details saved.");
            Ok(())
        }
        Command::Records(RecordsCommand::Import {
            files,
            attachment_key_file,
        }) => {
            let db = open_db(&cli).await?;
            let sealer = text_sealer(&cli, attachment_key_file.as_ref())?;
            let mut refused = 0;
            for (n, file) in files.iter().enumerate() {
                // Bundles are named by their place on the command line: a file's name is often
                // the patient's.
                let which = format!("bundle {} of {}", n + 1, files.len());
                let result = match std::fs::read(file) {
                    Ok(bytes) => records::import::import_bundle(&db, &sealer, &bytes, SystemClock.now())
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(format!("cannot read the file: {}", e.kind())),
                };
                match result {
                    Ok(report) => println!("{which}: {report}"),
                    Err(why) => {
                        refused += 1;
                        eprintln!("{which}: {why}");
                    }
                }
            }
            match refused {
                0 => Ok(()),
                n => Err(format!("{n} of {} bundle(s) not imported", files.len())),
            }
        }
        Command::Records(RecordsCommand::Link { patient, email }) => {
            let email = EmailAddress::parse(email)?;
            let db = open_db(&cli).await?;
            let chart = records::link::link_by_email(&db, patient, &email, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("Linked chart {} to {}.", chart.id, email.as_str());
            Ok(())
        }
        Command::Records(RecordsCommand::ReleaseRule {
            at_once,
            after_days,
            after_review,
        }) => {
            let db = open_db(&cli).await?;
            let chosen = match (*at_once, *after_days, *after_review) {
                (true, ..) => Some(ReleaseRule::AtOnce),
                (_, Some(days), _) => Some(ReleaseRule::AfterDays { days }),
                (.., true) => Some(ReleaseRule::AfterReview),
                _ => None,
            };
            let rule = match chosen {
                Some(rule) => {
                    let set = records::release::store_rule(&db, rule, None, "command line".into(), now);
                    set.await.map_err(|e| e.to_string())?
                }
                None => records::release::stored_rule(&db).await.map_err(|e| e.to_string())?,
            };
            println!("{}", release_rule_in_words(rule));
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = open_db(&cli).await?;
            let report = audit_verify::verify(&db)
                .await
                .map_err(|e| format!("cannot read the audit log: {e}"))?;
            if !report.guarded {
                eprintln!(
                    "warning: the database no longer refuses changes to the audit log: its triggers were \
                     dropped or disabled (they are those of migrations/*/0003_audit_chain.sql)"
                );
            }
            match report.chain {
                Ok(intact) => {
                    println!("{intact}");
                    Ok(())
                }
                Err(broken) => Err(broken.to_string()),
            }
        }
    }
}

/// The practice's rule as the command line tells it.
fn release_rule_in_words(rule: ReleaseRule) -> String {
    match rule {
        ReleaseRule::AtOnce => "Test results are released to patients as soon as they arrive.".into(),
        ReleaseRule::AfterDays { days: 1 } => {
            "Test results are released to patients 1 day after they arrive, or once a physician has reviewed them."
                .into()
        }
        ReleaseRule::AfterDays { days } => format!(
            "Test results are released to patients {days} days after they arrive, or once a physician has \
             reviewed them."
        ),
        ReleaseRule::AfterReview => "Test results are released to patients once a physician has reviewed them.".into(),
    }
}

fn read_passphrase() -> Result<zeroize::Zeroizing<String>, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Pass-phrase (it will be shown as you type; end with Enter):");
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the pass-phrase: {e}"))?;
    let phrase = zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
    if phrase.is_empty() {
        return Err("no pass-phrase on standard input".into());
    }
    Ok(phrase)
}

async fn serve(cli: &Cli, args: &ServeArgs) -> Result<(), String> {
    let mut config = config_of(cli);
    config.listen = args.listen;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.tls = Some(TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        });
    }
    config.attachment_key_file = args.attachment_key_file.clone();
    config.limits.max_attachment_bytes = usize::from(args.max_attachment_mib) * 1024 * 1024;
    config.limits.login_per_address = args.login_per_address;
    config.mail = mail_settings(args)?;
    let data_dir = config.data_dir.clone();
    let operator_tls = config.tls.is_some();
    let app = Application::build(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    println!("Patient Portal listening on https://{}", app.local_addr());
    if !operator_tls {
        println!(
            "Clients must trust the local CA: {}",
            data_dir.join("tls/ca.pem").display()
        );
    }
    app.run_until_stopped(shutdown_signal()).await;
    println!("Stopped.");
    Ok(())
}

/// The relay from `--smtp-url`, `--mail-from` and `--smtp-ca-file`; none without a URL.
fn mail_settings(args: &ServeArgs) -> Result<Option<MailSettings>, String> {
    let Some(url) = &args.smtp_url else {
        return Ok(None);
    };
    let relay = RelayAddress::parse(url).map_err(|e| e.to_string())?;
    let from = args
        .mail_from
        .clone()
        .ok_or("--smtp-url needs --mail-from \"Practice <portal@practice.example>\"")?;
    let mut settings = MailSettings::new(relay, from);
    settings.ca_file = args.smtp_ca_file.clone();
    if let Some(username) = &args.smtp_username {
        let password = std::env::var("PORTAL_SMTP_PASSWORD").map_err(|_| {
            "--smtp-username needs the relay's password in the environment variable PORTAL_SMTP_PASSWORD"
        })?;
        settings.credentials = Some(RelayCredentials {
            username: username.clone(),
            password: zeroize::Zeroizing::new(password),
        });
    }
    Ok(Some(settings))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
