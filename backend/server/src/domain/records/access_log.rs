//! A patient's access log: the audit log's looks at their chart and their conversations by
//! anyone else, as the patient reads them ([`entry`]). A look made under a break-the-glass
//! grant is flagged and carries the reason of the grant it was made under. One person's
//! repeated looks at the same part within an hour are told once ([`Entries`]): a care-team
//! list that refreshes itself every 30 seconds is one line an hour, not 120.

use chrono::{DateTime, Duration, Utc};
use portal_api::{AccessLogEntry, AccessedPart, Role};

use super::audit_object;

/// What kind of look an audit row records (the operation maps the log's actions to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookKind {
    /// A part of the chart, read in the person's care (or by the patient).
    ChartRead,
    /// A part of the chart, read outside the person's care under a grant.
    ChartReadUnderGrant,
    /// The reason stated to open the chart.
    BrokeTheGlass,
    /// A list of conversations that showed the patient's.
    ConversationsListed,
    /// One of the patient's conversations, with its messages.
    ConversationRead,
    /// A file sent in one of the patient's conversations.
    AttachmentRead,
}

/// One audit row about the patient, with who made it.
#[derive(Debug, Clone)]
pub struct Look {
    pub at: DateTime<Utc>,
    pub actor_id: i64,
    pub who: String,
    pub role: Role,
    pub kind: LookKind,
    pub object: Option<String>,
}

/// A break-the-glass grant on the chart, its reason opened.
#[derive(Clone)]
pub struct Grant {
    pub user_id: i64,
    pub granted_at: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("user_id", &self.user_id)
            .field("granted_at", &self.granted_at)
            .finish_non_exhaustive()
    }
}

/// The entry the patient of chart `chart_id` reads for `look`; `None` for a row that names
/// another chart or that cannot be read back (it is left out, never guessed at).
pub fn entry(chart_id: i64, look: &Look, grants: &[Grant]) -> Option<AccessLogEntry> {
    let chart_part = || match audit_object::parse(look.object.as_deref()?) {
        Some((id, part)) if id == chart_id => Some(part),
        _ => None,
    };
    let (what, under_grant) = match look.kind {
        LookKind::ChartRead => (chart_part()?, false),
        LookKind::ChartReadUnderGrant => (chart_part()?, true),
        LookKind::BrokeTheGlass => match chart_part()? {
            AccessedPart::BreakTheGlass => (AccessedPart::BreakTheGlass, true),
            _ => return None,
        },
        LookKind::ConversationsListed => (AccessedPart::Conversations, false),
        LookKind::ConversationRead => (AccessedPart::Conversation, false),
        LookKind::AttachmentRead => (AccessedPart::Attachment, false),
    };
    let reason = under_grant
        .then(|| grant_at(look, grants))
        .flatten()
        .map(|grant| grant.reason.clone());
    Some(AccessLogEntry {
        at: look.at,
        first_at: look.at,
        times: 1,
        who: look.who.clone(),
        role: look.role,
        what,
        break_the_glass: under_grant,
        reason,
        // Nobody with a patient's account reaches another's chart but as someone they
        // authorized.
        authorized_person: look.role == Role::Patient,
    })
}

/// Repeated looks told as one entry span at most this long, from the first to the latest.
pub const REPEATS_WITHIN: Duration = Duration::hours(1);

/// A page of the access log being made, from looks given newest first: each look either joins
/// the entry before it (the same person, the same part, the same grant, within
/// [`REPEATS_WITHIN`] of that entry's latest look) or starts the next entry.
#[derive(Debug)]
pub struct Entries {
    limit: usize,
    entries: Vec<(i64, AccessLogEntry)>,
}

impl Entries {
    /// A page of at most `limit` entries.
    pub fn new(limit: usize) -> Self {
        Entries {
            limit,
            entries: Vec::new(),
        }
    }

    /// Adds the entry of a look by person `actor_id`, older than every look added before;
    /// false, adding nothing, when it would start an entry beyond the page's limit.
    pub fn add(&mut self, actor_id: i64, entry: AccessLogEntry) -> bool {
        if let Some((last_actor, last)) = self.entries.last_mut() {
            let repeats = *last_actor == actor_id
                && last.what == entry.what
                && last.break_the_glass == entry.break_the_glass
                && last.reason == entry.reason
                && last.at - entry.at <= REPEATS_WITHIN;
            if repeats {
                last.first_at = entry.first_at.min(last.first_at);
                last.times = last.times.saturating_add(entry.times);
                return true;
            }
        }
        if self.entries.len() >= self.limit {
            return false;
        }
        self.entries.push((actor_id, entry));
        true
    }

    pub fn into_entries(self) -> Vec<AccessLogEntry> {
        self.entries.into_iter().map(|(_, entry)| entry).collect()
    }
}

/// The grant `look` was made under: the person's latest one open at its time.
fn grant_at<'g>(look: &Look, grants: &'g [Grant]) -> Option<&'g Grant> {
    grants
        .iter()
        .filter(|g| g.user_id == look.actor_id && g.granted_at <= look.at && look.at <= g.until)
        .max_by_key(|g| g.granted_at)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use portal_api::RecordSection;

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z").unwrap().to_utc() + Duration::minutes(minutes)
    }

    fn look(kind: LookKind, object: Option<&str>, minutes: i64) -> Look {
        Look {
            at: at(minutes),
            actor_id: 6,
            who: "Dr. Adaeze Okafor".into(),
            role: Role::Physician,
            kind,
            object: object.map(str::to_owned),
        }
    }

    fn grant(user_id: i64, from: i64, reason: &str) -> Grant {
        Grant {
            user_id,
            granted_at: at(from),
            until: at(from + 8 * 60),
            reason: reason.into(),
        }
    }

    #[test]
    fn chart_looks_name_their_part_and_conversation_looks_theirs() {
        let read = entry(3, &look(LookKind::ChartRead, Some("chart:3/section/results"), 0), &[]).unwrap();
        assert_eq!(
            read.what,
            AccessedPart::Section {
                section: RecordSection::Results
            }
        );
        assert!(!read.break_the_glass && read.reason.is_none());
        assert_eq!((read.who.as_str(), read.role), ("Dr. Adaeze Okafor", Role::Physician));
        for (kind, part) in [
            (LookKind::ConversationsListed, AccessedPart::Conversations),
            (LookKind::ConversationRead, AccessedPart::Conversation),
            (LookKind::AttachmentRead, AccessedPart::Attachment),
        ] {
            assert_eq!(entry(3, &look(kind, Some("thread:9"), 0), &[]).unwrap().what, part);
        }
        // Another chart's row, or one that does not read back, is left out.
        assert!(entry(3, &look(LookKind::ChartRead, Some("chart:4/summary"), 0), &[]).is_none());
        assert!(entry(3, &look(LookKind::ChartRead, Some("chart:3/nonsense"), 0), &[]).is_none());
        assert!(entry(3, &look(LookKind::ChartRead, None, 0), &[]).is_none());
        assert!(entry(3, &look(LookKind::BrokeTheGlass, Some("chart:3/summary"), 0), &[]).is_none());
    }

    #[test]
    fn repeated_looks_by_one_person_at_one_part_within_an_hour_are_one_entry() {
        let read = |actor: i64, object: &str, minutes: i64| {
            let look = Look {
                actor_id: actor,
                ..look(LookKind::ChartRead, Some(object), minutes)
            };
            (actor, entry(3, &look, &[]).unwrap())
        };
        let listed = |minutes: i64| {
            (
                6,
                entry(3, &look(LookKind::ConversationsListed, None, minutes), &[]).unwrap(),
            )
        };
        let mut page = Entries::new(4);
        // Newest first: a list refreshed every 30 seconds for 90 minutes, then an older look.
        let mut added = Vec::new();
        for half_minutes in (0..=180).rev() {
            added.push(listed(100 + half_minutes / 2));
        }
        added.push(read(6, "chart:3/summary", 50));
        added.push(read(6, "chart:3/summary", 49));
        added.push(read(7, "chart:3/summary", 48));
        for (actor, entry) in added {
            assert!(page.add(actor, entry));
        }
        // A fifth entry does not fit the page.
        assert!(!page.add(
            6,
            entry(3, &look(LookKind::ChartRead, Some("chart:3/export"), 10), &[]).unwrap()
        ));
        let entries = page.into_entries();
        let told: Vec<_> = entries.iter().map(|e| (e.times, e.first_at, e.at)).collect();
        assert_eq!(
            told,
            [
                (121, at(130), at(190)),
                (60, at(100), at(129)),
                (2, at(49), at(50)),
                (1, at(48), at(48)),
            ]
        );
        assert_eq!(entries[0].what, AccessedPart::Conversations);
        assert_eq!(entries[3].what, AccessedPart::Summary);
    }

    #[test]
    fn looks_under_a_grant_carry_the_reason_of_the_grant_they_were_made_under() {
        let grants = [
            grant(6, 0, "first reason, morning"),
            grant(6, 600, "second reason, evening"),
            grant(7, 590, "someone else's reason"),
        ];
        let broke = entry(
            3,
            &look(LookKind::BrokeTheGlass, Some("chart:3/break-the-glass"), 0),
            &grants,
        )
        .unwrap();
        assert_eq!(broke.what, AccessedPart::BreakTheGlass);
        assert!(broke.break_the_glass);
        assert_eq!(broke.reason.as_deref(), Some("first reason, morning"));
        let read = entry(
            3,
            &look(LookKind::ChartReadUnderGrant, Some("chart:3/summary"), 30),
            &grants,
        )
        .unwrap();
        assert_eq!(read.reason.as_deref(), Some("first reason, morning"));
        let later = entry(
            3,
            &look(LookKind::ChartReadUnderGrant, Some("chart:3/export"), 601),
            &grants,
        )
        .unwrap();
        assert_eq!(later.reason.as_deref(), Some("second reason, evening"));
        // Flagged even when its grant cannot be found.
        let orphan = entry(
            3,
            &look(LookKind::ChartReadUnderGrant, Some("chart:3/summary"), 5000),
            &grants,
        )
        .unwrap();
        assert!(orphan.break_the_glass && orphan.reason.is_none());
    }
}
