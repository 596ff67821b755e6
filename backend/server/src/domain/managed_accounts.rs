//! Accounts the practice keeps for a patient who does not sign in (issue 12): a child under
//! 12 whose parent the front desk authorized has a chart but no account, and conversations
//! belong to an account. Setting up such a grant gives the chart a *managed* account: it
//! holds the patient's conversations, so the authorized person can write for them; nobody
//! signs in to it (sign-in treats it as no account at all); its address is a reserved one no
//! mail can reach; and the patient's own invitation to the chart later turns it into theirs,
//! conversations and all, once they prove who they are (code and date of birth).

/// The reserved domain of managed accounts' addresses: `.invalid` names never resolve
/// (RFC 6761), so no mail can reach them and no person can own one.
const RESERVED_DOMAIN: &str = "managed.invalid";

/// The address of chart `chart_id`'s managed account: unique, and never anyone's.
pub fn placeholder_address(chart_id: i64) -> String {
    format!("chart-{chart_id}@{RESERVED_DOMAIN}")
}

/// Whether a mail to `address` can reach a person (not a managed account's placeholder).
pub fn reaches_a_person(address: &str) -> bool {
    !address
        .trim()
        .to_ascii_lowercase()
        .ends_with(&format!("@{RESERVED_DOMAIN}"))
}

/// Whom a chart's account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartAccount {
    /// No account yet.
    None,
    /// The practice keeps one for the patient (this account).
    Managed(i64),
    /// The patient's own.
    Owned(i64),
}

impl ChartAccount {
    /// From what is stored: the chart's account, if any, and whether the practice keeps it.
    pub fn of(user_id: Option<i64>, managed: bool) -> Self {
        match (user_id, managed) {
            (None, _) => ChartAccount::None,
            (Some(id), true) => ChartAccount::Managed(id),
            (Some(id), false) => ChartAccount::Owned(id),
        }
    }

    /// Whether a grant the practice sets up must first make the chart a managed account (so
    /// the person it authorizes can write for the patient).
    pub fn needs_managed_account(self) -> bool {
        self == ChartAccount::None
    }

    /// Whether the patient may be invited to the chart: unless they own its account already.
    pub fn open_to_the_patient(self) -> bool {
        !matches!(self, ChartAccount::Owned(_))
    }

    /// The account the patient's activation takes over, if the practice kept one.
    pub fn taken_over_by_the_patient(self) -> Option<i64> {
        match self {
            ChartAccount::Managed(id) => Some(id),
            ChartAccount::None | ChartAccount::Owned(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_addresses_reach_nobody_and_differ_by_chart() {
        assert_ne!(placeholder_address(1), placeholder_address(2));
        assert!(!reaches_a_person(&placeholder_address(7)));
        assert!(!reaches_a_person(" Chart-7@Managed.Invalid "));
        assert!(reaches_a_person("rowan.conroy@example.org"));
        assert!(reaches_a_person("someone@managed.invalid.example.org"));
    }

    #[test]
    fn a_managed_account_is_made_once_and_handed_to_the_patient() {
        let none = ChartAccount::of(None, false);
        let managed = ChartAccount::of(Some(4), true);
        let owned = ChartAccount::of(Some(4), false);
        assert!(none.needs_managed_account());
        assert!(!managed.needs_managed_account() && !owned.needs_managed_account());
        assert!(none.open_to_the_patient() && managed.open_to_the_patient());
        assert!(!owned.open_to_the_patient(), "their own account already");
        assert_eq!(managed.taken_over_by_the_patient(), Some(4));
        assert_eq!(none.taken_over_by_the_patient(), None);
        assert_eq!(owned.taken_over_by_the_patient(), None);
    }
}
