//! When a notice is due: at most one message notice per thread per 15 minutes (a care team
//! answering in several messages sends the patient one email, not one per message), and a
//! result notice when more results are released to the patient than when last counted.

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

/// Whether a chart whose patient had `before` results released when last counted (none:
/// never counted) causes "a new test result is available" with `now` released. The first
/// count is only the starting point: results from before are no news.
pub fn result_notice_due(before: Option<usize>, now: usize) -> bool {
    before.is_some_and(|before| now > before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64, second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60 + second, 0).unwrap()
    }

    #[test]
    fn a_result_is_noticed_when_the_released_count_grows_after_the_first_count() {
        assert!(!result_notice_due(None, 12), "the first count is the starting point");
        assert!(!result_notice_due(Some(12), 12));
        assert!(result_notice_due(Some(12), 13));
        assert!(!result_notice_due(Some(12), 11), "a result withdrawn is no news");
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
