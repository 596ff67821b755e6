//! At most one message notice per thread per 15 minutes: a care team answering in several
//! messages sends the patient one e-mail, not one per message.

use chrono::{DateTime, TimeDelta, Utc};

/// The least time between two message notices of one thread.
pub const MESSAGE_NOTICE_INTERVAL: TimeDelta = TimeDelta::minutes(15);

/// Whether a message in a thread whose last notice was queued at `last` (none yet: `None`)
/// causes a notice `now`.
pub fn message_notice_due(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match last {
        None => true,
        Some(last) => now - last >= MESSAGE_NOTICE_INTERVAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64, second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60 + second, 0).unwrap()
    }

    #[test]
    fn the_first_message_of_a_thread_is_noticed() {
        assert!(message_notice_due(None, at(0, 0)));
    }

    #[test]
    fn within_fifteen_minutes_no_second_notice() {
        assert!(!message_notice_due(Some(at(0, 0)), at(0, 1)));
        assert!(!message_notice_due(Some(at(0, 0)), at(14, 59)));
    }

    #[test]
    fn fifteen_minutes_after_the_last_notice_another_is_due() {
        assert!(message_notice_due(Some(at(0, 0)), at(15, 0)));
        assert!(message_notice_due(Some(at(0, 0)), at(60, 0)));
    }

    #[test]
    fn a_clock_set_back_sends_nothing_more() {
        assert!(!message_notice_due(Some(at(10, 0)), at(0, 0)));
    }
}
