//! Who may reach which patient's data: the one place that decides it. Every query for health
//! data is scoped by the [`Viewer`]'s [`ThreadScope`] (the store translates a scope into its
//! query; nothing here knows SQL); a thread outside the scope is answered exactly like one that
//! does not exist.
//!
//! | role | threads and their attachments | triage actions |
//! |---|---|---|
//! | patient | their own | no |
//! | physician | assigned to them, and those of patients in their care | yes |
//! | staff | the threads of their own pools (an admin sets them: front desk and billing staff do not read clinical threads) | yes |
//! | admin | none (no health data) | no |

use portal_api::{Pool, Role};

/// The triage pools a staff member works in (HIPAA's minimum necessary: only those).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct StaffPools(u8);

impl StaffPools {
    pub const NONE: StaffPools = StaffPools(0);

    pub fn of(pools: impl IntoIterator<Item = Pool>) -> Self {
        pools
            .into_iter()
            .fold(Self::NONE, |set, pool| StaffPools(set.0 | Self::bit(pool)))
    }

    pub fn contains(self, pool: Pool) -> bool {
        self.0 & Self::bit(pool) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The pools a person of `role` may have: staff at least one, everyone else none.
    pub fn for_role(self, role: Role) -> Result<Self, String> {
        match (role, self.is_empty()) {
            (Role::Staff, true) => Err(
                "A staff account needs at least one team (Clinical, Front desk or Billing): staff see only their teams' conversations."
                    .into(),
            ),
            (Role::Staff, false) | (_, true) => Ok(self),
            (_, false) => Err("Only staff accounts have triage pools.".into()),
        }
    }

    /// The pools, in `Pool::ALL`'s order.
    pub fn pools(self) -> Vec<Pool> {
        Pool::ALL.into_iter().filter(|p| self.contains(*p)).collect()
    }

    /// As stored: the pools' names joined by commas (empty for none).
    pub fn to_text(self) -> String {
        self.pools().iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Reads [`to_text`](Self::to_text)'s form (spaces allowed); `Err` names a word that is no pool.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pools = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            pools.push(Pool::parse(word).ok_or_else(|| {
                format!("{word:?} is not a pool (use clinical, front_desk or billing, separated by commas)")
            })?);
        }
        Ok(Self::of(pools))
    }

    fn bit(pool: Pool) -> u8 {
        match pool {
            Pool::Clinical => 1,
            Pool::FrontDesk => 2,
            Pool::Billing => 4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    Patient(i64),
    Physician(i64),
    Staff(i64, StaffPools),
    /// Administrators: they run the portal and see no health data.
    NoHealthData(i64),
}

/// Which threads a viewer reaches, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadScope {
    /// The patient's own threads.
    OwnThreads { patient_id: i64 },
    /// Threads assigned to the clinician, and those of the patients in their care.
    AssignedOrInCareOf { clinician_id: i64 },
    /// The threads of these pools.
    Pools(StaffPools),
    /// None at all.
    Nothing,
}

/// The two sides of a thread: the patient, and the practice's care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Patient,
    Team,
}

impl Viewer {
    /// The viewer for a person (`pools`: a staff member's; ignored for other roles).
    pub fn of(user_id: i64, role: Role, pools: StaffPools) -> Self {
        match role {
            Role::Patient => Viewer::Patient(user_id),
            Role::Physician => Viewer::Physician(user_id),
            Role::Staff => Viewer::Staff(user_id, pools),
            Role::Admin => Viewer::NoHealthData(user_id),
        }
    }

    pub fn user_id(self) -> i64 {
        match self {
            Viewer::Patient(id) | Viewer::Physician(id) | Viewer::Staff(id, _) | Viewer::NoHealthData(id) => id,
        }
    }

    pub fn side(self) -> Side {
        match self {
            Viewer::Patient(_) => Side::Patient,
            _ => Side::Team,
        }
    }

    /// Care-team members only (triage actions); others are refused (403: they know no thread
    /// ids to probe with, so this reveals nothing).
    pub fn require_team(self) -> Result<i64, NotOnTheCareTeam> {
        match self {
            Viewer::Physician(id) | Viewer::Staff(id, _) => Ok(id),
            _ => Err(NotOnTheCareTeam),
        }
    }

    /// Which threads this viewer reaches.
    pub fn thread_scope(self) -> ThreadScope {
        match self {
            Viewer::Patient(patient_id) => ThreadScope::OwnThreads { patient_id },
            Viewer::Physician(clinician_id) => ThreadScope::AssignedOrInCareOf { clinician_id },
            Viewer::Staff(_, pools) if pools.is_empty() => ThreadScope::Nothing,
            Viewer::Staff(_, pools) => ThreadScope::Pools(pools),
            Viewer::NoHealthData(_) => ThreadScope::Nothing,
        }
    }

    /// Whether a thread of `pool` may be assigned to this person: physicians take any (the
    /// thread then shows for them), staff only those of their pools, nobody else any.
    pub fn may_take_thread_of(self, pool: Pool) -> bool {
        match self {
            Viewer::Physician(_) => true,
            Viewer::Staff(_, pools) => pools.contains(pool),
            Viewer::Patient(_) | Viewer::NoHealthData(_) => false,
        }
    }

    /// Whether this viewer may read or write any health data at all.
    pub fn sees_health_data(self) -> bool {
        self.thread_scope() != ThreadScope::Nothing
    }
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Patient => Side::Team,
            Side::Team => Side::Patient,
        }
    }

    /// Value of `messages.from_patient` for messages written by this side.
    pub fn from_patient_flag(self) -> i64 {
        i64::from(self == Side::Patient)
    }
}

impl Viewer {
    /// Whether this viewer may read the chart linked to the account `chart_owner` (`None`: a
    /// chart linked to no account yet). Today a patient reads their own chart only; the care
    /// team's access (and a stated reason outside it) comes with the care team's record view.
    pub fn reaches_chart(self, chart_owner: Option<i64>) -> bool {
        match self {
            Viewer::Patient(id) => chart_owner == Some(id),
            Viewer::Physician(_) | Viewer::Staff(..) | Viewer::NoHealthData(_) => false,
        }
    }
}

/// Results' release (`domain::records::release`): who sets what.
impl Viewer {
    /// Physicians mark results reviewed (in a chart they reach) and write the patient a note.
    pub fn may_review_results(self) -> bool {
        matches!(self, Viewer::Physician(_))
    }

    /// Administrators set the practice's release rule.
    pub fn may_set_release_rule(self) -> bool {
        matches!(self, Viewer::NoHealthData(_))
    }

    /// Patients choose when they see their own results.
    pub fn may_set_result_preferences(self) -> bool {
        matches!(self, Viewer::Patient(_))
    }
}

/// A triage action asked by someone who is not on a care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("only the care team may do this")]
pub struct NotOnTheCareTeam;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_reaches_what_the_table_says() {
        let none = StaffPools::NONE;
        let front = StaffPools::of([Pool::FrontDesk, Pool::Billing]);
        assert_eq!(
            Viewer::of(1, Role::Patient, front).thread_scope(),
            ThreadScope::OwnThreads { patient_id: 1 }
        );
        assert_eq!(
            Viewer::of(2, Role::Physician, none).thread_scope(),
            ThreadScope::AssignedOrInCareOf { clinician_id: 2 }
        );
        assert_eq!(
            Viewer::of(3, Role::Staff, front).thread_scope(),
            ThreadScope::Pools(front)
        );
        assert_eq!(Viewer::of(3, Role::Staff, none).thread_scope(), ThreadScope::Nothing);
        assert_eq!(Viewer::of(4, Role::Admin, front).thread_scope(), ThreadScope::Nothing);
        assert!(!Viewer::of(4, Role::Admin, none).sees_health_data());
        for role in [Role::Patient, Role::Admin] {
            assert!(Viewer::of(5, role, front).require_team().is_err(), "{role:?}");
        }
        for role in [Role::Physician, Role::Staff] {
            assert_eq!(Viewer::of(5, role, front).require_team().ok(), Some(5), "{role:?}");
        }
        assert!(Viewer::of(6, Role::Physician, none).may_take_thread_of(Pool::Billing));
        assert!(Viewer::of(7, Role::Staff, front).may_take_thread_of(Pool::Billing));
        assert!(!Viewer::of(7, Role::Staff, front).may_take_thread_of(Pool::Clinical));
        assert!(!Viewer::of(8, Role::Patient, none).may_take_thread_of(Pool::Billing));
    }

    #[test]
    fn staff_pools_read_and_write_as_text() {
        let pools = StaffPools::parse(" billing, clinical ").unwrap();
        assert_eq!(pools.pools(), vec![Pool::Clinical, Pool::Billing]);
        assert_eq!(pools.to_text(), "clinical,billing");
        assert_eq!(StaffPools::parse(&pools.to_text()), Ok(pools));
        assert_eq!(StaffPools::parse(""), Ok(StaffPools::NONE));
        assert!(StaffPools::NONE.for_role(Role::Staff).is_err(), "staff need a pool");
        assert!(pools.for_role(Role::Physician).is_err(), "only staff have pools");
        assert_eq!(pools.for_role(Role::Staff), Ok(pools));
        assert!(StaffPools::parse("clinical,nursing")
            .unwrap_err()
            .contains("\"nursing\" is not a pool"));
    }

    #[test]
    fn a_patient_reaches_their_own_chart_only() {
        let front = StaffPools::of([Pool::FrontDesk]);
        assert!(Viewer::of(5, Role::Patient, StaffPools::NONE).reaches_chart(Some(5)));
        assert!(!Viewer::of(5, Role::Patient, StaffPools::NONE).reaches_chart(Some(6)));
        assert!(!Viewer::of(5, Role::Patient, StaffPools::NONE).reaches_chart(None));
        for role in [Role::Physician, Role::Staff, Role::Admin] {
            assert!(!Viewer::of(5, role, front).reaches_chart(Some(5)), "{role:?}");
        }
    }
}
