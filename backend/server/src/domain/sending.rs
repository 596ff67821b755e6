//! What happens to a send: plain Rust over plain values the store loaded. The store's group
//! commit (`store::sends`) loads what these rules need for a whole batch, asks them, and
//! writes what they decided with a fixed number of set-based statements.
//!
//! A send, in queue order:
//! 1. its idempotency key was stored by an earlier batch: the same content answers the first
//!    result again, other content is refused (409);
//! 2. its key was taken by an earlier send of this batch: it answers as that one does (the
//!    same content: the same receipt; other content: 409);
//! 3. a reply to a thread outside the sender's reach: 404, exactly as a thread that does not
//!    exist;
//! 4. attachments: only the sender's own uploads not sent yet, each with one message (else
//!    404);
//! 5. otherwise it is stored.
//!
//! What the stored messages do to their thread ([`ThreadEffect`]): the latest activity moves
//! on; a patient's message reopens a closed thread; the first care-team reply takes an
//! unassigned thread; urgency is only ever raised, never lowered by a send.

use std::collections::{HashMap, HashSet};

use super::access::Side;

/// One send as the rules see it.
#[derive(Debug, Clone)]
pub struct SendFacts<'a> {
    pub sender_id: i64,
    pub key: &'a str,
    pub request_hash: &'a str,
    /// For a reply: whether the thread is within the sender's reach (false also when it does
    /// not exist). `None` for a new thread.
    pub reply_reaches_thread: Option<bool>,
    pub attachment_ids: &'a [String],
    /// Whether every attachment id is an upload of the sender not sent yet (as stored before
    /// this batch).
    pub attachments_are_senders_unsent: bool,
}

/// What to do with a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Its key was stored by an earlier batch with the same content: answer that result.
    AnswerStored,
    /// Its key was used before for other content.
    KeyReused,
    /// The thread or an attachment is not the sender's to use.
    NotFound,
    /// Its key belongs to the send at this index of the batch: answer as that one.
    AsSend(usize),
    /// Store it.
    Store,
}

/// Decides every send of a batch, in queue order. `stored_hash(i)` is the content hash stored
/// under send `i`'s key by an earlier batch, if any.
pub fn decide<'a>(sends: &[SendFacts<'a>], stored_hash: impl Fn(usize) -> Option<&'a str>) -> Vec<Decision> {
    let mut owners: HashMap<(i64, &str), usize> = HashMap::new();
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut decisions = Vec::with_capacity(sends.len());
    for (i, send) in sends.iter().enumerate() {
        let decision = if let Some(hash) = stored_hash(i) {
            if hash == send.request_hash {
                Decision::AnswerStored
            } else {
                Decision::KeyReused
            }
        } else if let Some(&owner) = owners.get(&(send.sender_id, send.key)) {
            Decision::AsSend(owner)
        } else if send.reply_reaches_thread == Some(false) || !attachments_usable(send, &claimed) {
            Decision::NotFound
        } else {
            claimed.extend(send.attachment_ids.iter().map(String::as_str));
            owners.insert((send.sender_id, send.key), i);
            Decision::Store
        };
        decisions.push(decision);
    }
    decisions
}

/// A send's attachments: the sender's own unsent uploads, none taken by an earlier send of the
/// batch.
fn attachments_usable(send: &SendFacts<'_>, claimed: &HashSet<&str>) -> bool {
    send.attachment_ids.is_empty()
        || (send.attachments_are_senders_unsent && !send.attachment_ids.iter().any(|id| claimed.contains(id.as_str())))
}

/// How a send that shares its key with an earlier send of the batch is answered.
pub fn answers_as_owner(send_hash: &str, owner_hash: &str) -> bool {
    send_hash == owner_hash
}

/// What a batch's stored messages do to one thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadEffect {
    pub last_message_at_ms: i64,
    pub from_patient: i64,
    pub from_team: i64,
    /// The care-team member who takes the thread if nobody has it.
    pub takes_if_unassigned: Option<i64>,
    /// The thread becomes open (a patient wrote).
    pub reopens: bool,
    /// The thread becomes possibly urgent (it never stops being so through a send).
    pub raises_urgency: bool,
}

impl ThreadEffect {
    /// Adds one stored message, in queue order.
    pub fn add(&mut self, side: Side, author_id: i64, at_ms: i64, urgent: bool) {
        self.last_message_at_ms = self.last_message_at_ms.max(at_ms);
        self.raises_urgency |= urgent;
        match side {
            Side::Patient => {
                self.from_patient += 1;
                self.reopens = true;
            }
            Side::Team => {
                self.from_team += 1;
                self.takes_if_unassigned.get_or_insert(author_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<'a>(sender: i64, key: &'a str, hash: &'a str) -> SendFacts<'a> {
        SendFacts {
            sender_id: sender,
            key,
            request_hash: hash,
            reply_reaches_thread: None,
            attachment_ids: &[],
            attachments_are_senders_unsent: true,
        }
    }

    #[test]
    fn a_key_replayed_answers_the_first_result_and_other_content_is_refused() {
        let sends = [send(1, "k", "same"), send(1, "k2", "other")];
        let stored = |i: usize| if i == 0 { Some("same") } else { Some("was different") };
        assert_eq!(
            decide(&sends, stored),
            vec![Decision::AnswerStored, Decision::KeyReused]
        );
    }

    #[test]
    fn a_key_twice_in_one_batch_is_stored_once_and_answered_alike() {
        let sends = [send(1, "k", "a"), send(1, "k", "a"), send(2, "k", "b")];
        assert_eq!(
            decide(&sends, |_| None),
            vec![Decision::Store, Decision::AsSend(0), Decision::Store],
            "another sender's key is their own"
        );
        assert!(answers_as_owner("a", "a"));
        assert!(!answers_as_owner("b", "a"));
    }

    #[test]
    fn a_reply_outside_the_senders_reach_is_not_found() {
        let mut reply = send(1, "k", "a");
        reply.reply_reaches_thread = Some(false);
        let mut reachable = send(1, "k2", "b");
        reachable.reply_reaches_thread = Some(true);
        assert_eq!(
            decide(&[reply, reachable], |_| None),
            vec![Decision::NotFound, Decision::Store]
        );
    }

    #[test]
    fn attachments_are_the_senders_unsent_uploads_each_sent_once() {
        let files = ["f1".to_string()];
        let mut first = send(1, "k1", "a");
        first.attachment_ids = &files;
        let mut again = send(1, "k2", "b");
        again.attachment_ids = &files;
        let mut not_theirs = send(1, "k3", "c");
        not_theirs.attachment_ids = &files;
        not_theirs.attachments_are_senders_unsent = false;
        assert_eq!(
            decide(&[first, again, not_theirs], |_| None),
            vec![Decision::Store, Decision::NotFound, Decision::NotFound]
        );
    }

    #[test]
    fn a_patients_reply_reopens_the_first_team_reply_takes_and_urgency_only_rises() {
        let mut effect = ThreadEffect::default();
        effect.add(Side::Team, 21, 100, false);
        effect.add(Side::Team, 22, 200, false);
        assert_eq!(
            effect.takes_if_unassigned,
            Some(21),
            "the first care-team reply takes it"
        );
        assert!(!effect.reopens, "a care-team reply does not reopen");
        assert!(!effect.raises_urgency);
        effect.add(Side::Patient, 7, 150, true);
        assert!(effect.reopens, "a patient's reply reopens a closed thread");
        assert!(effect.raises_urgency);
        effect.add(Side::Patient, 7, 300, false);
        assert!(effect.raises_urgency, "a calm message does not lower urgency");
        assert_eq!(
            (effect.last_message_at_ms, effect.from_patient, effect.from_team),
            (300, 2, 2)
        );
    }
}
