//! Per-address limit on sign-in attempts: a fixed window per client address, answered with
//! 429 and `Retry-After` once used up. Kept in memory: it only slows one instance's callers;
//! the per-account lockout, which must hold across instances, is in the database.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub struct AddressRateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<IpAddr, (DateTime<Utc>, u32)>>,
}

impl AddressRateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Count one attempt from `addr` at `now`; `Err(seconds)` to wait when over the limit.
    pub fn check(&self, addr: IpAddr, now: DateTime<Utc>) -> Result<(), u64> {
        let window = chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now - *start < window);
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now - entry.0 >= window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let wait = (entry.0 + window - now).num_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_per_address_and_resets_with_the_window() {
        let limiter = AddressRateLimiter::new(3, Duration::from_secs(60));
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let t0 = Utc::now();
        for _ in 0..3 {
            assert!(limiter.check(a, t0).is_ok());
        }
        assert_eq!(limiter.check(a, t0 + chrono::Duration::seconds(10)), Err(50));
        assert!(limiter.check(b, t0).is_ok(), "another address is not affected");
        assert!(limiter.check(a, t0 + chrono::Duration::seconds(61)).is_ok());
    }
}
