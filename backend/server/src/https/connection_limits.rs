//! How many connections the listener keeps open, and when an open one is closed for being
//! idle, so that a few thousand idle or trickling connections cannot use up the service's
//! file descriptors and keep a sign-in from being answered.
//!
//! - At most `max_per_client` connections from one client network (an IPv4 address, an IPv6
//!   /64): more are closed at once.
//! - At most `max_total` in all. A new connection past that waits a moment for a slot; only
//!   [`MAX_WAITING`] wait at once (each holds a file while it waits), the rest are closed.
//! - A connection with no request in flight is closed after `idle`; once three quarters of the
//!   slots are taken, after `idle_under_pressure`, so idle connections make room first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::auth::client_addr::ClientNetwork;

/// New connections that may wait for a slot at once.
pub const MAX_WAITING: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_total: usize,
    pub max_per_client: usize,
    pub idle: Duration,
    pub idle_under_pressure: Duration,
    /// How long a new connection waits for a slot when all are taken.
    pub wait_for_slot: Duration,
}

impl ConnectionLimits {
    /// The open connections allowed in all: `wanted`, but within the process's limit on open
    /// files (raised to its hard limit first), keeping `reserve` for the database and the rest.
    pub fn fit_to_open_file_limit(wanted: usize, reserve: u64) -> usize {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(files) => {
                let room = usize::try_from(files.saturating_sub(reserve)).unwrap_or(usize::MAX);
                wanted.min(room.max(1))
            }
            Err(_) => wanted,
        }
    }

    fn is_pressed(&self, open: usize) -> bool {
        open.saturating_mul(4) >= self.max_total.saturating_mul(3)
    }
}

/// Why a connection is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooManyFromClient,
    Full,
}

/// The open connections, shared by the listener and every connection's task.
#[derive(Debug)]
pub struct Connections {
    limits: ConnectionLimits,
    open: Mutex<Open>,
    freed: Notify,
    waiting: AtomicUsize,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_client: HashMap<ClientNetwork, usize>,
}

/// One open connection's place; given back when dropped.
#[derive(Debug)]
pub struct Slot {
    connections: Arc<Connections>,
    client: ClientNetwork,
}

impl Connections {
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            open: Mutex::new(Open::default()),
            freed: Notify::new(),
            waiting: AtomicUsize::new(0),
        })
    }

    pub fn limits(&self) -> &ConnectionLimits {
        &self.limits
    }

    /// Take a slot for a connection from `client`, waiting up to `wait_for_slot` when all are
    /// taken (idle connections are being closed to make room meanwhile).
    pub async fn admit(self: &Arc<Self>, client: ClientNetwork) -> Result<Slot, Refused> {
        match self.try_admit(client) {
            Err(Refused::Full) => {}
            other => return other,
        }
        // Counted while it waits, however the wait ends (also if the connection is dropped).
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let _waiting = Waiting(&self.waiting);
        if before >= MAX_WAITING {
            return Err(Refused::Full);
        }
        self.wait_for_slot(client).await
    }

    async fn wait_for_slot(self: &Arc<Self>, client: ClientNetwork) -> Result<Slot, Refused> {
        let deadline = tokio::time::Instant::now() + self.limits.wait_for_slot;
        loop {
            let freed = self.freed.notified();
            match self.try_admit(client) {
                Err(Refused::Full) => {
                    if tokio::time::timeout_at(deadline, freed).await.is_err() {
                        return Err(Refused::Full);
                    }
                }
                other => return other,
            }
        }
    }

    fn try_admit(self: &Arc<Self>, client: ClientNetwork) -> Result<Slot, Refused> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let from_client = open.by_client.get(&client).copied().unwrap_or(0);
        if from_client >= self.limits.max_per_client {
            return Err(Refused::TooManyFromClient);
        }
        if open.total >= self.limits.max_total {
            return Err(Refused::Full);
        }
        open.total += 1;
        *open.by_client.entry(client).or_insert(0) += 1;
        Ok(Slot {
            connections: Arc::clone(self),
            client,
        })
    }

    /// How long a connection may stay idle now.
    pub fn idle_allowed(&self) -> Duration {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner).total;
        if self.limits.is_pressed(open) {
            self.limits.idle_under_pressure
        } else {
            self.limits.idle
        }
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).total
    }

    /// Wait until every connection has closed.
    pub async fn all_closed(&self) {
        loop {
            let freed = self.freed.notified();
            if self.open() == 0 {
                return;
            }
            freed.await;
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.connections.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.by_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.by_client.remove(&self.client);
            }
        }
        drop(open);
        self.connections.freed.notify_waiters();
    }
}

/// Requests in flight on one connection, and when it was last busy.
#[derive(Debug)]
pub struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    last_busy_ms: AtomicU64,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_busy_ms: AtomicU64::new(0),
        }
    }
}

/// A request in flight; the connection is busy until it is dropped.
#[derive(Debug)]
pub struct Busy(Arc<Activity>);

impl Activity {
    pub fn begin(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(self))
    }

    /// How long the connection has had no request in flight (`None` while it has one).
    pub fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let last = Duration::from_millis(self.last_busy_ms.load(Ordering::Acquire));
        Some(self.started.elapsed().saturating_sub(last))
    }

    fn touch(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_busy_ms.store(now, Ordering::Release);
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ClientAddr;

    fn limits() -> ConnectionLimits {
        ConnectionLimits {
            max_total: 4,
            max_per_client: 2,
            idle: Duration::from_secs(60),
            idle_under_pressure: Duration::from_secs(2),
            wait_for_slot: Duration::from_millis(200),
        }
    }

    fn client(text: &str) -> ClientNetwork {
        ClientAddr(text.parse().unwrap()).network()
    }

    #[tokio::test]
    async fn connections_are_limited_per_client_and_in_all_and_idle_ones_go_sooner_when_pressed() {
        let connections = Connections::new(limits());
        let a1 = connections.admit(client("192.0.2.1")).await.unwrap();
        let _a2 = connections.admit(client("192.0.2.1")).await.unwrap();
        assert_eq!(
            connections.admit(client("192.0.2.1")).await.unwrap_err(),
            Refused::TooManyFromClient
        );
        assert_eq!(connections.idle_allowed(), Duration::from_secs(60));
        let _b1 = connections.admit(client("192.0.2.2")).await.unwrap();
        assert_eq!(connections.idle_allowed(), Duration::from_secs(2), "3 of 4 taken");
        let _c1 = connections.admit(client("192.0.2.3")).await.unwrap();
        assert_eq!(connections.admit(client("192.0.2.4")).await.unwrap_err(), Refused::Full);

        // A slot freed while a connection waits is taken by it.
        let waiter = {
            let connections = Arc::clone(&connections);
            tokio::spawn(async move { connections.admit(client("192.0.2.4")).await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(a1);
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }

    #[tokio::test]
    async fn only_a_few_wait_for_a_slot_and_the_rest_are_closed_at_once() {
        let connections = Connections::new(ConnectionLimits {
            max_total: 1,
            max_per_client: 1,
            wait_for_slot: Duration::from_secs(2),
            ..limits()
        });
        let _taken = connections.admit(client("192.0.2.1")).await.unwrap();
        let mut waiters = Vec::new();
        for n in 0..MAX_WAITING {
            let connections = Arc::clone(&connections);
            let address = format!("198.51.100.{}", n % 250);
            waiters.push(tokio::spawn(async move {
                connections.admit(client(&address)).await.map(|_| ())
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        assert_eq!(
            connections.admit(client("203.0.113.9")).await.unwrap_err(),
            Refused::Full
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "refused without waiting"
        );
        for waiter in waiters {
            waiter.abort();
        }
    }

    #[test]
    fn a_connection_is_idle_only_with_no_request_in_flight() {
        let activity = Arc::new(Activity::default());
        let busy = activity.begin();
        assert_eq!(activity.idle_for(), None);
        drop(busy);
        assert!(activity.idle_for().unwrap() < Duration::from_secs(1));
    }
}
