//! Sessions as a person sees them: the name a device gives itself at sign-in ([`DeviceName`]),
//! which sessions are still open ([`is_open`]), and when a sign-in is from a new device
//! ([`new_device_notice_due`]).

use chrono::{DateTime, Duration, Utc};
use portal_api::MAX_DEVICE_NAME;

/// A device's name as a sign-in gave it: at most [`MAX_DEVICE_NAME`] characters as sent,
/// control characters left out (it is only a label), trimmed. It is shown back to the person
/// only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceName(String);

impl DeviceName {
    /// `None` for no name (absent, blank, or control characters only); an error in words for
    /// one too long.
    pub fn parse(text: Option<&str>) -> Result<Option<Self>, String> {
        let Some(text) = text else { return Ok(None) };
        if text.chars().count() > MAX_DEVICE_NAME as usize {
            return Err(format!(
                "The device name may have at most {MAX_DEVICE_NAME} characters."
            ));
        }
        let shown: String = text.chars().filter(|c| !c.is_control()).collect();
        let shown = shown.trim();
        Ok((!shown.is_empty()).then(|| Self(shown.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a session is open at `now`: not ended, not past its absolute limit, and used
/// within the idle limit (the same rule every request's session check applies).
pub fn is_open(
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
    idle: Duration,
) -> bool {
    revoked_at.is_none() && now < expires_at && now - last_seen_at < idle
}

/// What is known of a sign-in's device before it: whether the account signed in before, and
/// whether from this device (by the name the app gives it; from a client that gives none, by
/// its network).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceHistory {
    pub signed_in_before: bool,
    pub seen_before: bool,
}

/// Whether the sign-in emails "a new device signed in": a device never seen before, on an
/// account that signed in before (the very first sign-in, an activation, is no news).
pub fn new_device_notice_due(history: DeviceHistory) -> bool {
    history.signed_in_before && !history.seen_before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_name_is_trimmed_and_checked() {
        assert_eq!(DeviceName::parse(None), Ok(None));
        assert_eq!(DeviceName::parse(Some("   ")), Ok(None));
        let named = DeviceName::parse(Some("  Patient Portal on Linux, front-desk-2 ")).unwrap();
        assert_eq!(named.unwrap().as_str(), "Patient Portal on Linux, front-desk-2");
        let longest = "é".repeat(MAX_DEVICE_NAME as usize);
        assert!(DeviceName::parse(Some(&longest)).unwrap().is_some());
        assert!(DeviceName::parse(Some(&format!("{longest}x"))).is_err());
        let controls = DeviceName::parse(Some("\u{93}front\ndesk\u{7}")).unwrap();
        assert_eq!(controls.unwrap().as_str(), "frontdesk");
        assert_eq!(DeviceName::parse(Some("\u{1c}\t")), Ok(None));
    }

    #[test]
    fn only_a_new_device_on_an_account_used_before_is_noticed() {
        let due = |signed_in_before, seen_before| {
            new_device_notice_due(DeviceHistory {
                signed_in_before,
                seen_before,
            })
        };
        assert!(due(true, false));
        assert!(!due(true, true));
        assert!(!due(false, false), "the first sign-in");
    }

    #[test]
    fn a_session_is_open_until_ended_expired_or_idle() {
        let at = |minutes: i64| {
            chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 8, 0, 0).unwrap() + Duration::minutes(minutes)
        };
        let idle = Duration::minutes(15);
        let (expires, seen) = (at(720), at(0));
        assert!(is_open(None, expires, seen, at(14), idle));
        assert!(!is_open(None, expires, seen, at(15), idle), "idle");
        assert!(!is_open(Some(at(1)), expires, seen, at(2), idle), "ended");
        assert!(!is_open(None, expires, at(719), at(720), idle), "past its limit");
    }
}
