//! Guesses at one account are checked one at a time on each instance: the next waits until
//! the one before it is decided. With charges made before checks (`domain::sign_in_throttle`),
//! a burst of wrong guesses still stops after a round's worth, while a burst of right ones
//! (the same person signing in on several windows at once) all succeed: each finds the count
//! the one before it cleared. Across instances the charge alone bounds the guesses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OwnedMutexGuard;

#[derive(Debug, Default)]
pub struct GuessQueue {
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The turn of one guess; the next guess at the same account goes when this is dropped.
pub struct Turn {
    queue: Arc<GuessQueue>,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl GuessQueue {
    /// Wait for the turn to check a guess at `key`.
    pub async fn turn(self: &Arc<Self>, key: &str) -> Turn {
        let lock = {
            let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(turns.entry(key.to_owned()).or_default())
        };
        Turn {
            queue: Arc::clone(self),
            key: key.to_owned(),
            guard: Some(lock.lock_owned().await),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut turns = self.queue.turns.lock().unwrap_or_else(PoisonError::into_inner);
        // Nobody else holds or waits for this account's lock: forget it.
        if turns.get(&self.key).is_some_and(|lock| Arc::strong_count(lock) == 1) {
            turns.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn one_turn_at_a_time_per_account_and_nothing_kept_after() {
        let queue = Arc::new(GuessQueue::default());
        let first = queue.turn("a@example.com").await;
        let other = tokio::time::timeout(Duration::from_millis(50), queue.turn("b@example.com")).await;
        assert!(other.is_ok(), "another account does not wait");
        let waiting = tokio::time::timeout(Duration::from_millis(50), queue.turn("a@example.com")).await;
        assert!(waiting.is_err(), "the same account waits");
        drop(first);
        drop(other);
        let again = queue.turn("a@example.com").await;
        drop(again);
        assert!(queue.turns.lock().unwrap().is_empty());
    }
}
