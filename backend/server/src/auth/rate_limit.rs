//! Per-client limit on sign-in attempts: a fixed window per client network (an IPv4 address,
//! an IPv6 /64: see `ClientAddr::network`), answered with
//! 429 and `Retry-After` once used up. Kept in memory: it only slows one instance's callers;
//! the per-account lockout, which must hold across instances, is in the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::client_addr::ClientNetwork;

pub struct AddressRateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<ClientNetwork, (DateTime<Utc>, u32)>>,
}

impl AddressRateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Count one attempt from `client` at `now`; `Err(seconds)` to wait when over the limit.
    pub fn check(&self, client: ClientNetwork, now: DateTime<Utc>) -> Result<(), u64> {
        let window = chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now - *start < window);
        }
        let entry = windows.entry(client).or_insert((now, 0));
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
        let client = |text: &str| crate::auth::ClientAddr(text.parse().unwrap()).network();
        let a = client("127.0.0.1");
        let b = client("127.0.0.2");
        let t0 = Utc::now();
        for _ in 0..3 {
            assert!(limiter.check(a, t0).is_ok());
        }
        assert_eq!(limiter.check(a, t0 + chrono::Duration::seconds(10)), Err(50));
        assert!(limiter.check(b, t0).is_ok(), "another address is not affected");
        assert!(limiter.check(a, t0 + chrono::Duration::seconds(61)).is_ok());
    }

    #[test]
    fn every_address_of_an_ipv6_64_counts_as_one_client() {
        let limiter = AddressRateLimiter::new(3, Duration::from_secs(60));
        let t0 = Utc::now();
        for n in 1..=3 {
            let addr = crate::auth::ClientAddr(format!("2001:db8:0:1::{n}").parse().unwrap());
            assert!(limiter.check(addr.network(), t0).is_ok());
        }
        let fourth = crate::auth::ClientAddr("2001:db8:0:1:ffff::9".parse().unwrap());
        assert!(limiter.check(fourth.network(), t0).is_err());
    }
}
