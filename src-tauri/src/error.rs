//! The one error every command can answer with. It reaches the UI as `{code, message}`
//! ([`ErrorBody`]): `code` is stable (an [`AppErrorCode`] or the server's [`ErrorCode`], both
//! generated into `ui/src/lib/ipc/generated/`) and the UI acts on some of them;
//! `message` is written for patients and never carries internals (paths, TLS details, server
//! internals) or secrets.

use chrono::{DateTime, Local, TimeDelta, TimeZone, Timelike};
use portal_api::client::ClientError;
use portal_api::ErrorCode;
use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// Why a certificate authority file cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaFileProblem {
    /// No file was given.
    Missing,
    /// The file cannot be read (absent, a folder, no permission, too large).
    Unreadable,
    /// The file holds no PEM certificate.
    NotACertificate,
    /// The file holds public certificate authorities (a bundle, or a system root).
    PublicAuthorities,
}

/// The codes the app answers itself; the server's codes ([`ErrorCode`]) pass through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppErrorCode {
    InvalidServerUrl,
    CaFile,
    ManagedSetting,
    ServerUnreachable,
    UntrustedCertificate,
    UnexpectedAnswer,
    Preferences,
    VaultLocked,
    /// The drafts on this computer are locked under a previous pass-phrase of the account
    /// (changed or reset elsewhere): the app offers to unlock them with it, or discard them.
    VaultPreviousPassphrase,
    /// Unlocking drafts locked under a previous pass-phrase: the one given does not open them.
    WrongPreviousPassphrase,
    VaultUnavailable,
    DraftDamaged,
    AttachmentDamaged,
    DraftNotFound,
    SaveFailed,
    EarlierVersionSent,
    /// Workstation mode: the screen is locked after inactivity; only the pass-phrase (and the
    /// second factor's code) unlocks it, or "Switch user" ends the session.
    ScreenLocked,
    /// "Restart to update" with no verified update waiting.
    NoUpdateReady,
    /// The waiting update could not be installed; the app goes on as it is.
    UpdateNotInstalled,
}

impl AppErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidServerUrl => "invalid_server_url",
            Self::CaFile => "ca_file",
            Self::ManagedSetting => "managed_setting",
            Self::ServerUnreachable => "server_unreachable",
            Self::UntrustedCertificate => "untrusted_certificate",
            Self::UnexpectedAnswer => "unexpected_answer",
            Self::Preferences => "preferences",
            Self::VaultLocked => "vault_locked",
            Self::VaultPreviousPassphrase => "vault_previous_passphrase",
            Self::WrongPreviousPassphrase => "wrong_previous_passphrase",
            Self::VaultUnavailable => "vault_unavailable",
            Self::DraftDamaged => "draft_damaged",
            Self::AttachmentDamaged => "attachment_damaged",
            Self::DraftNotFound => "draft_not_found",
            Self::SaveFailed => "save_failed",
            Self::EarlierVersionSent => "earlier_version_sent",
            Self::ScreenLocked => "screen_locked",
            Self::NoUpdateReady => "no_update_ready",
            Self::UpdateNotInstalled => "update_not_installed",
        }
    }
}

/// What every command rejects with (the UI's `IpcError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "IpcError")]
pub struct ErrorBody {
    /// An `AppErrorCode` or a `ServerErrorCode`; a newer server may send codes this app does
    /// not know, so the UI treats it as any string.
    pub code: String,
    /// Written for the person using the app: no internals, no secrets, no health data.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("The server address is not valid. It must start with https:// . Please check the address your practice gave you.")]
    InvalidServerUrl,

    #[error("{}", ca_file_message(*.0))]
    CaFile(CaFileProblem),

    /// The organization's managed configuration sets the server or CA file on this computer.
    #[error("These server settings are set by your organization and cannot be changed here. If they need to change, please ask your organization's IT.")]
    ManagedSetting,

    #[error("The portal server could not be reached. Please check your internet connection and the server address, then try again.")]
    ServerUnreachable,

    #[error("The app could not confirm the server's identity, so it did not connect. Please check the server address and the certificate file, or call the practice.")]
    UntrustedCertificate,

    /// Workstation mode: the screen is locked (see `core::workstation`).
    #[error("The screen is locked for your privacy. Please unlock it with your pass-phrase, or switch user.")]
    ScreenLocked,

    /// The app holds no session (never signed in, signed out, or the session ended).
    #[error("Please sign in to continue.")]
    NotSignedIn,

    #[error("There is no update ready to install.")]
    NoUpdateReady,

    #[error("The update could not be installed. The app keeps working as it is; it will try again later.")]
    UpdateNotInstalled,

    /// An error answer from the server, passed on with its code. Its message is written for
    /// people by the server (lockout and rate-limit messages are rewritten in local time).
    #[error("{message}")]
    Server { code: ErrorCode, message: String },

    #[error(
        "The portal server sent an answer this app does not understand. Please try again later, or call the practice."
    )]
    UnexpectedAnswer,

    #[error("Your settings could not be saved on this computer. Please try again.")]
    Preferences,

    /// The draft vault holds no key: nobody is signed in, or the session ended.
    #[error("Your drafts are locked. Please sign in again.")]
    VaultLocked,

    /// The vault on this computer was created under a pass-phrase that is no longer the
    /// account's (changed on another computer). Its drafts are kept, not deleted.
    #[error("Your drafts on this computer were saved under your previous pass-phrase, so they cannot be opened with the new one. They have been kept, not deleted. Until this is resolved, new drafts cannot be saved on this computer.")]
    VaultPassphraseChanged,

    /// Unlocking drafts locked under a previous pass-phrase: the one given does not open them.
    #[error("That is not the pass-phrase these drafts were saved under. Please try again.")]
    PreviousPassphraseWrong,

    /// Recovering or discarding locked drafts: the current pass-phrase given is not the one
    /// signed in with.
    #[error("Your current pass-phrase is not correct. Please try again.")]
    CurrentPassphraseWrong,

    /// The vault file on this computer was made by a newer version of the app (after a
    /// downgrade): it is kept, not changed.
    #[error("Your drafts on this computer were saved by a newer version of Patient Portal, so this version cannot open them. They have been kept, not changed: install the newer version again to use them. New drafts cannot be saved until then.")]
    VaultFromNewerApp,

    /// The vault file cannot be opened or written (no data folder, disk full, damaged file).
    #[error("Drafts cannot be saved on this computer right now. You can still use the portal; please try again later, and call the practice if this keeps happening.")]
    VaultUnavailable,

    /// The draft's record failed to open; it was set aside (quarantined), never shown.
    #[error("This draft could not be opened and was set aside.")]
    DraftDamaged,

    /// A file attached to the draft failed to open; it was set aside and removed from the
    /// draft, whose text is kept.
    #[error("A file attached to this draft could not be opened and was set aside. Please check the draft and attach the file again.")]
    AttachmentDamaged,

    /// No such draft (sent, discarded, set aside, or never saved).
    #[error("This draft was not found. It may have been sent or discarded.")]
    DraftNotFound,

    /// The file's content is not a JPEG, PNG or PDF (checked by content, not by name).
    #[error("Only photos (JPEG, PNG) and PDF files can be attached.")]
    UnsupportedAttachment,

    /// The file is over the attachment size limit of the service the app is connected to.
    #[error("This file is larger than {}, the largest file the practice's portal accepts. Please choose a smaller file, or take a photo at a lower resolution.", size_in_words(*.max_bytes))]
    AttachmentTooLarge { max_bytes: u64 },

    /// The draft already carries as many files as the service accepts on one message.
    #[error("A message can have at most {max} attachments. Remove a file to add another.")]
    TooManyAttachments { max: u32 },

    /// A value the app checks locally is not acceptable; the message says which and why.
    #[error("{0}")]
    Invalid(&'static str),

    /// A downloaded attachment could not be written to the Downloads folder.
    #[error(
        "The file could not be saved in your Downloads folder. Please check that there is free space, then try again."
    )]
    SaveFailed,

    /// The downloaded record could not be written to the file the person chose.
    #[error("Your record could not be saved there. Please check that there is free space and that you may save files in that folder, then try again.")]
    RecordNotSaved,

    /// A send was retried after the draft changed, and an earlier text of it had already
    /// reached the practice (its answer was lost). The edited text is kept as a draft.
    #[error("An earlier version of this message reached the practice before the connection was lost. Please look at the conversation; your edited text is still here and can be sent as a new message.")]
    EarlierVersionSent,
}

/// "10 MB", "2.5 MB", "512 KB": a size limit as people read it (1 MB = 1 MiB, as the operator's
/// `--max-attachment-mib` counts).
pub fn size_in_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        let tenths = bytes * 10 / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KIB {
        format!("{} KB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Shown when the server's own message is empty.
const SERVER_FALLBACK_MESSAGE: &str =
    "Something went wrong on the portal server. Please try again later, or call the practice.";

fn ca_file_message(problem: CaFileProblem) -> &'static str {
    match problem {
        CaFileProblem::Missing => "Please enter the location of the certificate file your practice gave you.",
        CaFileProblem::Unreadable => {
            "The certificate file could not be read. Please check the file's location and try again."
        }
        CaFileProblem::NotACertificate => {
            "This file is not a certificate file. Please choose the certificate file your practice gave you."
        }
        CaFileProblem::PublicAuthorities => {
            "This file holds public certificate authorities. Choose the practice's own CA file (ask the practice's IT)."
        }
    }
}

impl CommandError {
    /// The stable code the UI sees.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidServerUrl => AppErrorCode::InvalidServerUrl.as_str(),
            Self::CaFile(_) => AppErrorCode::CaFile.as_str(),
            Self::ManagedSetting => AppErrorCode::ManagedSetting.as_str(),
            Self::ServerUnreachable => AppErrorCode::ServerUnreachable.as_str(),
            Self::UntrustedCertificate => AppErrorCode::UntrustedCertificate.as_str(),
            Self::NotSignedIn => ErrorCode::Unauthenticated.as_str(),
            Self::Server { code, .. } => code.as_str(),
            Self::UnexpectedAnswer => AppErrorCode::UnexpectedAnswer.as_str(),
            Self::Preferences => AppErrorCode::Preferences.as_str(),
            Self::VaultLocked => AppErrorCode::VaultLocked.as_str(),
            Self::VaultPassphraseChanged => AppErrorCode::VaultPreviousPassphrase.as_str(),
            Self::PreviousPassphraseWrong => AppErrorCode::WrongPreviousPassphrase.as_str(),
            Self::CurrentPassphraseWrong => ErrorCode::WrongPassphrase.as_str(),
            Self::VaultUnavailable | Self::VaultFromNewerApp => AppErrorCode::VaultUnavailable.as_str(),
            Self::DraftDamaged => AppErrorCode::DraftDamaged.as_str(),
            Self::AttachmentDamaged => AppErrorCode::AttachmentDamaged.as_str(),
            Self::DraftNotFound => AppErrorCode::DraftNotFound.as_str(),
            Self::UnsupportedAttachment => ErrorCode::UnsupportedMediaType.as_str(),
            Self::AttachmentTooLarge { .. } => ErrorCode::PayloadTooLarge.as_str(),
            Self::Invalid(_) | Self::TooManyAttachments { .. } => ErrorCode::Validation.as_str(),
            Self::SaveFailed | Self::RecordNotSaved => AppErrorCode::SaveFailed.as_str(),
            Self::EarlierVersionSent => AppErrorCode::EarlierVersionSent.as_str(),
            Self::ScreenLocked => AppErrorCode::ScreenLocked.as_str(),
            Self::NoUpdateReady => AppErrorCode::NoUpdateReady.as_str(),
            Self::UpdateNotInstalled => AppErrorCode::UpdateNotInstalled.as_str(),
        }
    }

    /// True when the error means the person is no longer signed in.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            Self::NotSignedIn
                | Self::Server {
                    code: ErrorCode::SessionExpired | ErrorCode::Unauthenticated,
                    ..
                }
        )
    }

    /// True when the server said the grant the request acted under has ended or run out: the
    /// app acts for the person themselves again.
    pub fn ends_grant(&self) -> bool {
        matches!(
            self,
            Self::Server {
                code: ErrorCode::GrantEnded,
                ..
            }
        )
    }

    /// Map a client error, writing waiting times in the local time of `now`.
    pub fn from_client_error<Tz>(error: ClientError, now: DateTime<Tz>) -> Self
    where
        Tz: TimeZone,
        Tz::Offset: std::fmt::Display,
    {
        match error {
            ClientError::InvalidUrl(_) => Self::InvalidServerUrl,
            ClientError::CaFile(_) => Self::CaFile(CaFileProblem::NotACertificate),
            ClientError::Unreachable => Self::ServerUnreachable,
            ClientError::UntrustedCertificate => Self::UntrustedCertificate,
            ClientError::Protocol(_) => Self::UnexpectedAnswer,
            ClientError::Api { body, retry_after, .. } => {
                let message = match (body.code, retry_after) {
                    (ErrorCode::AccountLocked, Some(secs)) => lockout_message(secs, &now),
                    (ErrorCode::RateLimited, Some(secs)) => rate_limit_message(secs, &now),
                    _ if body.message.trim().is_empty() => SERVER_FALLBACK_MESSAGE.to_owned(),
                    _ => body.message,
                };
                Self::Server {
                    code: body.code,
                    message,
                }
            }
        }
    }
}

impl From<ClientError> for CommandError {
    fn from(error: ClientError) -> Self {
        Self::from_client_error(error, Local::now())
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
        .serialize(serializer)
    }
}

/// "This account is locked … Try again in 15 minutes (after 10:42 AM), or call the practice."
pub fn lockout_message<Tz>(retry_after_secs: u64, now: &DateTime<Tz>) -> String
where
    Tz: TimeZone,
    Tz::Offset: std::fmt::Display,
{
    format!(
        "This account is locked after too many failed sign-ins. Try again in {} (after {}), or call the practice.",
        portal_api::wait::in_words(retry_after_secs),
        clock_time_after(retry_after_secs, now)
    )
}

/// "Too many attempts from this computer. Please try again in 40 seconds (after 10:42 AM)."
pub fn rate_limit_message<Tz>(retry_after_secs: u64, now: &DateTime<Tz>) -> String
where
    Tz: TimeZone,
    Tz::Offset: std::fmt::Display,
{
    format!(
        "Too many attempts from this computer. Please try again in {} (after {}).",
        portal_api::wait::in_words(retry_after_secs),
        clock_time_after(retry_after_secs, now)
    )
}

/// The local clock time when the wait is over, rounded up to the next whole minute so that
/// "after 10:42 AM" is never too early; the weekday is added when it is not today.
fn clock_time_after<Tz>(secs: u64, now: &DateTime<Tz>) -> String
where
    Tz: TimeZone,
    Tz::Offset: std::fmt::Display,
{
    let until = i64::try_from(secs.max(1))
        .ok()
        .and_then(TimeDelta::try_seconds)
        .and_then(|wait| now.clone().checked_add_signed(wait));
    let Some(until) = until else {
        return "a while".into();
    };
    let past_minute = i64::from(until.second()) * 1000 + i64::from(until.nanosecond() / 1_000_000);
    let until = if past_minute > 0 {
        until + TimeDelta::milliseconds(60_000 - past_minute)
    } else {
        until
    };
    if until.date_naive() == now.date_naive() {
        until.format("%-I:%M %p").to_string()
    } else {
        until.format("%A %-I:%M %p").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use portal_api::ApiErrorBody;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    fn api(code: ErrorCode, message: &str, retry_after: Option<u64>) -> ClientError {
        ClientError::Api {
            status: 400,
            body: ApiErrorBody {
                code,
                message: message.into(),
            },
            retry_after,
        }
    }

    fn json(error: &CommandError) -> serde_json::Value {
        serde_json::to_value(error).expect("serialize")
    }

    #[test]
    fn errors_serialize_as_code_and_message_only() {
        let value = json(&CommandError::ServerUnreachable);
        let object = value.as_object().expect("object");
        assert_eq!(object.len(), 2, "{value}");
        assert_eq!(value["code"], "server_unreachable");
        assert!(value["message"]
            .as_str()
            .is_some_and(|m| m.contains("could not be reached")));
    }

    #[test]
    fn transport_failures_get_their_own_codes_without_internals() {
        let now = at("2026-03-03T10:00:00-06:00");
        let cases = [
            (
                ClientError::InvalidUrl("relative URL without a base /etc/x".into()),
                "invalid_server_url",
            ),
            (
                ClientError::CaFile("/home/blair/secret/ca.pem: permission denied".into()),
                "ca_file",
            ),
            (ClientError::Unreachable, "server_unreachable"),
            (ClientError::UntrustedCertificate, "untrusted_certificate"),
            (
                ClientError::Protocol("error decoding response body: EOF at line 1".into()),
                "unexpected_answer",
            ),
        ];
        for (client_error, code) in cases {
            let error = CommandError::from_client_error(client_error, now);
            let value = json(&error);
            assert_eq!(value["code"], code);
            let message = value["message"].as_str().expect("message");
            for internal in ["/etc", "/home", "permission", "decoding", "EOF", "rustls"] {
                assert!(!message.contains(internal), "{code}: {message}");
            }
            assert!(!error.ends_session());
        }
    }

    #[test]
    fn server_codes_and_messages_pass_through() {
        let now = at("2026-03-03T10:00:00-06:00");
        let error = CommandError::from_client_error(
            api(
                ErrorCode::InvalidCredentials,
                "The email address or pass-phrase is not correct.",
                None,
            ),
            now,
        );
        assert_eq!(error.code(), "invalid_credentials");
        assert_eq!(error.to_string(), "The email address or pass-phrase is not correct.");
        let error = CommandError::from_client_error(api(ErrorCode::Validation, "  ", None), now);
        assert_eq!(error.code(), "validation");
        assert_eq!(error.to_string(), SERVER_FALLBACK_MESSAGE);
    }

    #[test]
    fn only_session_end_codes_end_the_session() {
        let now = at("2026-03-03T10:00:00-06:00");
        for code in [ErrorCode::SessionExpired, ErrorCode::Unauthenticated] {
            assert!(CommandError::from_client_error(api(code, "m", None), now).ends_session());
        }
        for code in [
            ErrorCode::InvalidCredentials,
            ErrorCode::Forbidden,
            ErrorCode::PolicyOutdated,
        ] {
            assert!(!CommandError::from_client_error(api(code, "m", None), now).ends_session());
        }
        assert!(CommandError::NotSignedIn.ends_session());
        assert_eq!(CommandError::NotSignedIn.code(), "unauthenticated");
    }

    #[test]
    fn lockout_message_says_when_in_local_time() {
        let now = at("2026-03-03T10:27:00-06:00");
        let server = "This account is locked after too many failed sign-ins. Try again in 15 minutes (after 16:42 UTC), or call the practice.";
        let error = CommandError::from_client_error(api(ErrorCode::AccountLocked, server, Some(900)), now);
        assert_eq!(error.code(), "account_locked");
        assert_eq!(
            error.to_string(),
            "This account is locked after too many failed sign-ins. Try again in 15 minutes (after 10:42 AM), or call the practice."
        );
    }

    #[test]
    fn waiting_times_round_up_to_the_minute() {
        // 10:27:20 + 14m30s = 10:41:50, shown as 10:42.
        let now = at("2026-03-03T10:27:20+01:00");
        assert_eq!(
            lockout_message(870, &now),
            "This account is locked after too many failed sign-ins. Try again in 15 minutes (after 10:42 AM), or call the practice."
        );
        let now = at("2026-03-03T13:05:00+01:00");
        assert_eq!(
            rate_limit_message(40, &now),
            "Too many attempts from this computer. Please try again in 40 seconds (after 1:06 PM)."
        );
        assert_eq!(
            rate_limit_message(1, &now),
            "Too many attempts from this computer. Please try again in 1 second (after 1:06 PM)."
        );
        assert_eq!(
            rate_limit_message(60, &now),
            "Too many attempts from this computer. Please try again in 1 minute (after 1:06 PM)."
        );
    }

    #[test]
    fn a_wait_past_midnight_names_the_day() {
        let now = at("2026-03-03T23:55:00-05:00"); // a Tuesday
        assert_eq!(
            lockout_message(900, &now),
            "This account is locked after too many failed sign-ins. Try again in 15 minutes (after Wednesday 12:10 AM), or call the practice."
        );
    }

    #[test]
    fn rate_limits_use_local_time_and_locks_without_retry_after_keep_the_server_message() {
        let now = at("2026-03-03T10:00:00-06:00");
        let error = CommandError::from_client_error(api(ErrorCode::RateLimited, "x", Some(120)), now);
        assert_eq!(error.code(), "rate_limited");
        assert_eq!(
            error.to_string(),
            "Too many attempts from this computer. Please try again in 2 minutes (after 10:02 AM)."
        );
        let error = CommandError::from_client_error(api(ErrorCode::AccountLocked, "Locked.", None), now);
        assert_eq!(error.to_string(), "Locked.");
    }

    #[test]
    fn draft_errors_have_stable_codes_and_plain_messages() {
        let cases = [
            (CommandError::VaultLocked, "vault_locked"),
            (CommandError::VaultPassphraseChanged, "vault_previous_passphrase"),
            (CommandError::PreviousPassphraseWrong, "wrong_previous_passphrase"),
            (CommandError::CurrentPassphraseWrong, "wrong_passphrase"),
            (CommandError::VaultUnavailable, "vault_unavailable"),
            (CommandError::DraftDamaged, "draft_damaged"),
            (CommandError::AttachmentDamaged, "attachment_damaged"),
            (CommandError::DraftNotFound, "draft_not_found"),
            (CommandError::UnsupportedAttachment, "unsupported_media_type"),
            (
                CommandError::AttachmentTooLarge {
                    max_bytes: 10 * 1024 * 1024,
                },
                "payload_too_large",
            ),
            (CommandError::Invalid("The subject is too long."), "validation"),
        ];
        for (error, code) in cases {
            let value = json(&error);
            assert_eq!(value["code"], code);
            assert_eq!(value.as_object().map(|o| o.len()), Some(2));
            assert!(!error.ends_session(), "{code}: the session goes on");
        }
        assert_eq!(
            CommandError::VaultLocked.to_string(),
            "Your drafts are locked. Please sign in again."
        );
        assert_eq!(
            CommandError::DraftDamaged.to_string(),
            "This draft could not be opened and was set aside."
        );
        assert_eq!(
            CommandError::UnsupportedAttachment.to_string(),
            "Only photos (JPEG, PNG) and PDF files can be attached."
        );
        let too_large = |max_bytes| CommandError::AttachmentTooLarge { max_bytes }.to_string();
        assert!(too_large(10 * 1024 * 1024).starts_with("This file is larger than 10 MB, "));
        assert!(too_large(3 * 1024 * 1024 / 2).starts_with("This file is larger than 1.5 MB, "));
        assert!(too_large(512 * 1024).starts_with("This file is larger than 512 KB, "));
        let changed = CommandError::VaultPassphraseChanged.to_string();
        assert!(
            changed.contains("previous pass-phrase") && changed.contains("not deleted"),
            "{changed}"
        );
    }

    #[test]
    fn ca_file_problems_have_their_own_messages() {
        for problem in [
            CaFileProblem::Missing,
            CaFileProblem::Unreadable,
            CaFileProblem::NotACertificate,
        ] {
            let value = json(&CommandError::CaFile(problem));
            assert_eq!(value["code"], "ca_file");
            assert!(value["message"]
                .as_str()
                .is_some_and(|m| m.contains("certificate file")));
        }
    }
}
