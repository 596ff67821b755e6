//! The notices and the languages they are written in, with their stored names.

/// A stored kind, language or code this version cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoticeError {
    #[error("unknown notice kind")]
    UnknownKind,
    #[error("unknown language")]
    UnknownLanguage,
    /// A code-carrying kind without its code, or a code on a kind that has none (the same for
    /// the patient's name of the grant kinds).
    #[error("the notice's code does not fit its kind")]
    CodeMismatch,
}

/// The languages mails are written in (a person's `users.language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::Spanish => "es",
        }
    }

    pub fn parse(stored: &str) -> Result<Self, NoticeError> {
        match stored {
            "en" => Ok(Self::English),
            "es" => Ok(Self::Spanish),
            _ => Err(NoticeError::UnknownLanguage),
        }
    }
}

/// One e-mail the service sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// "You have a new secure message" (at most one per thread per 15 minutes).
    NewMessage,
    /// "A new test result is available".
    NewResult,
    /// "Your pass-phrase was changed".
    PassphraseChanged,
    /// "A new device signed in".
    NewDevice,
    /// The one-time code that activates an invited account.
    ActivationCode(String),
    /// The one-time code that lets a forgotten pass-phrase be replaced.
    ResetCode(String),
    /// The code, sent to the new address, that confirms an e-mail change.
    EmailChangeCode(String),
    /// Sent to the old address when a change of address is asked for.
    EmailBeingChanged,
    /// To the person a grant is given to, who has an account: the patient (named) invites
    /// them to act for them; they sign in and open Invitations.
    GrantInvitation { patient: String },
    /// The same to an address without an account: with the one-time code that opens one (no
    /// date of birth asked: the account has no chart).
    GrantInvitationWithCode { patient: String, code: String },
    /// To the person a grant was given to: their access to the patient's portal has ended.
    GrantEnded { patient: String },
}

impl Notice {
    /// Every kind, with a sample code where the kind has one (for tests).
    pub fn samples(code: &str) -> [Notice; 11] {
        [
            Notice::NewMessage,
            Notice::NewResult,
            Notice::PassphraseChanged,
            Notice::NewDevice,
            Notice::ActivationCode(code.into()),
            Notice::ResetCode(code.into()),
            Notice::EmailChangeCode(code.into()),
            Notice::EmailBeingChanged,
            Notice::GrantInvitation {
                patient: "Blair Ortiz".into(),
            },
            Notice::GrantInvitationWithCode {
                patient: "Blair Ortiz".into(),
                code: code.into(),
            },
            Notice::GrantEnded {
                patient: "Blair Ortiz".into(),
            },
        ]
    }

    /// The stored name of its kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NewMessage => "new_message",
            Self::NewResult => "new_result",
            Self::PassphraseChanged => "passphrase_changed",
            Self::NewDevice => "new_device",
            Self::ActivationCode(_) => "activation_code",
            Self::ResetCode(_) => "reset_code",
            Self::EmailChangeCode(_) => "email_change_code",
            Self::EmailBeingChanged => "email_being_changed",
            Self::GrantInvitation { .. } => "grant_invitation",
            Self::GrantInvitationWithCode { .. } => "grant_invitation_code",
            Self::GrantEnded { .. } => "grant_ended",
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Self::ActivationCode(code)
            | Self::ResetCode(code)
            | Self::EmailChangeCode(code)
            | Self::GrantInvitationWithCode { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The patient it names (the grant kinds: the person it goes to knows them), if any.
    pub fn patient(&self) -> Option<&str> {
        match self {
            Self::GrantInvitation { patient }
            | Self::GrantInvitationWithCode { patient, .. }
            | Self::GrantEnded { patient } => Some(patient),
            _ => None,
        }
    }

    /// The notice back from its stored kind, code and patient's name.
    pub fn from_stored(kind: &str, code: Option<String>, patient: Option<String>) -> Result<Self, NoticeError> {
        let named = |make: fn(String) -> Notice| match (&code, &patient) {
            (None, Some(patient)) => Ok(make(patient.clone())),
            _ => Err(NoticeError::CodeMismatch),
        };
        match kind {
            "grant_invitation" => return named(|patient| Self::GrantInvitation { patient }),
            "grant_ended" => return named(|patient| Self::GrantEnded { patient }),
            "grant_invitation_code" => {
                return match (code, patient) {
                    (Some(code), Some(patient)) => Ok(Self::GrantInvitationWithCode { patient, code }),
                    _ => Err(NoticeError::CodeMismatch),
                }
            }
            _ => {}
        }
        if patient.is_some() {
            return Err(NoticeError::CodeMismatch);
        }
        let plain = |notice: Notice| match code {
            None => Ok(notice),
            Some(_) => Err(NoticeError::CodeMismatch),
        };
        let coded = |make: fn(String) -> Notice| code.clone().map(make).ok_or(NoticeError::CodeMismatch);
        match kind {
            "new_message" => plain(Self::NewMessage),
            "new_result" => plain(Self::NewResult),
            "passphrase_changed" => plain(Self::PassphraseChanged),
            "new_device" => plain(Self::NewDevice),
            "email_being_changed" => plain(Self::EmailBeingChanged),
            "activation_code" => coded(Self::ActivationCode),
            "reset_code" => coded(Self::ResetCode),
            "email_change_code" => coded(Self::EmailChangeCode),
            _ => Err(NoticeError::UnknownKind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_comes_back_from_its_stored_kind_and_code() {
        for notice in Notice::samples("123456") {
            let back = Notice::from_stored(
                notice.kind(),
                notice.code().map(String::from),
                notice.patient().map(String::from),
            );
            assert_eq!(back, Ok(notice));
        }
    }

    #[test]
    fn a_code_must_fit_its_kind() {
        assert_eq!(
            Notice::from_stored("reset_code", None, None),
            Err(NoticeError::CodeMismatch)
        );
        assert_eq!(
            Notice::from_stored("new_message", Some("1".into()), None),
            Err(NoticeError::CodeMismatch)
        );
        assert_eq!(
            Notice::from_stored("diagnosis", None, None),
            Err(NoticeError::UnknownKind)
        );
    }

    #[test]
    fn a_patients_name_belongs_to_the_grant_kinds_only() {
        let name = || Some("Blair Ortiz".to_string());
        assert_eq!(
            Notice::from_stored("grant_ended", None, None),
            Err(NoticeError::CodeMismatch),
            "a grant notice names the patient"
        );
        assert_eq!(
            Notice::from_stored("grant_invitation_code", None, name()),
            Err(NoticeError::CodeMismatch),
            "the invitation to open an account carries its code"
        );
        assert_eq!(
            Notice::from_stored("grant_invitation", Some("1".into()), name()),
            Err(NoticeError::CodeMismatch)
        );
        assert_eq!(
            Notice::from_stored("new_result", None, name()),
            Err(NoticeError::CodeMismatch),
            "no other notice names anyone"
        );
    }

    #[test]
    fn languages_round_trip() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.as_str()), Ok(language));
        }
        assert_eq!(Language::parse("fr"), Err(NoticeError::UnknownLanguage));
    }
}
