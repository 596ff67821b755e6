//! A patient's access log: the audit log's looks at their chart and their conversations by
//! anyone else, as the patient reads them ([`entry`]). A look made under a break-the-glass
//! grant is flagged and carries the reason of the grant it was made under.

use chrono::{DateTime, Utc};
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
        who: look.who.clone(),
        role: look.role,
        what,
        break_the_glass: under_grant,
        reason,
    })
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
