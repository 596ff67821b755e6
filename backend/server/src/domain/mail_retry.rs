//! When a mail that could not be sent is tried again: after 30 s, then twice as long after
//! each failure (at most 2 hours between tries), and given up after [`MAX_ATTEMPTS`]
//! (about 9 hours after the first try). A relay's permanent refusal is not tried again.

use chrono::TimeDelta;

/// Tries of one mail, the first included.
pub const MAX_ATTEMPTS: i64 = 10;
const FIRST_DELAY: TimeDelta = TimeDelta::seconds(30);
const LONGEST_DELAY: TimeDelta = TimeDelta::hours(2);

/// What to do after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again this long from now.
    RetryIn(TimeDelta),
    /// Stop trying.
    GiveUp,
}

/// After the `attempts`-th try (1 for the first) failed; `permanent`: the relay refused it
/// for good (a 5xx answer).
pub fn after_failure(attempts: i64, permanent: bool) -> AfterFailure {
    if permanent || attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(16);
    let delay = FIRST_DELAY * 2_i32.pow(doublings);
    AfterFailure::RetryIn(delay.min(LONGEST_DELAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_thirty_seconds() {
        assert_eq!(after_failure(1, false), AfterFailure::RetryIn(TimeDelta::seconds(30)));
        assert_eq!(after_failure(2, false), AfterFailure::RetryIn(TimeDelta::seconds(60)));
        assert_eq!(after_failure(3, false), AfterFailure::RetryIn(TimeDelta::seconds(120)));
    }

    #[test]
    fn the_delay_stops_growing_at_two_hours() {
        assert_eq!(after_failure(9, false), AfterFailure::RetryIn(TimeDelta::hours(2)));
    }

    #[test]
    fn tries_end_at_the_maximum_or_at_a_permanent_refusal() {
        assert_eq!(after_failure(MAX_ATTEMPTS, false), AfterFailure::GiveUp);
        assert_eq!(after_failure(1, true), AfterFailure::GiveUp);
    }
}
