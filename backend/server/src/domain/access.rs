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
//!
//! Charts ([`Viewer::chart_reach`], over the [`ChartFacts`] the store loads):
//!
//! | role | charts | outside it |
//! |---|---|---|
//! | patient | their own | nothing (404) |
//! | physician | their patients' (care relationships) | a stated reason opens one for 8 hours ("break the glass") |
//! | clinical staff | the patients of any physician of the practice | the same |
//! | front desk, billing staff | none: they find a patient by name, birth date or MRN only (minimum necessary) | nothing (404) |
//! | admin | none | nothing (404) |

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

/// What the store knows about a viewer and one chart, for [`Viewer::chart_reach`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChartFacts {
    /// The account the chart is linked to (its patient's), if any.
    pub owner: Option<i64>,
    /// The viewer is one of the patient's clinicians (a care relationship).
    pub viewer_cares: bool,
    /// An active physician of the practice cares for the patient.
    pub practice_cares: bool,
    /// The viewer broke the glass for this chart and the grant has not run out.
    pub open_grant: bool,
}

/// How far a viewer reaches one chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartReach {
    /// Theirs to read: their own chart, or a patient in their care.
    Open,
    /// Outside their care, open under a break-the-glass grant: each look is flagged.
    UnderGrant,
    /// Outside their care: they may open it once they state a reason (403, saying so).
    ReasonRequired,
    /// Not theirs: answered exactly like a chart that does not exist (404).
    Hidden,
}

impl Viewer {
    /// How far this viewer reaches the chart `facts` describe (the table above).
    pub fn chart_reach(self, facts: ChartFacts) -> ChartReach {
        let cared_for = match self {
            Viewer::Patient(id) => {
                return match facts.owner == Some(id) {
                    true => ChartReach::Open,
                    false => ChartReach::Hidden,
                }
            }
            Viewer::Physician(_) => facts.viewer_cares,
            Viewer::Staff(_, pools) if pools.contains(Pool::Clinical) => facts.practice_cares,
            Viewer::Staff(..) | Viewer::NoHealthData(_) => return ChartReach::Hidden,
        };
        match (cared_for, facts.open_grant) {
            (true, _) => ChartReach::Open,
            (false, true) => ChartReach::UnderGrant,
            (false, false) => ChartReach::ReasonRequired,
        }
    }

    /// Whether this viewer may state a reason to open a chart outside their care: physicians
    /// and clinical staff.
    pub fn may_break_the_glass(self) -> bool {
        match self {
            Viewer::Physician(_) => true,
            Viewer::Staff(_, pools) => pools.contains(Pool::Clinical),
            Viewer::Patient(_) | Viewer::NoHealthData(_) => false,
        }
    }

    /// Whether this viewer may search the practice's patients (name, birth date, MRN): the care
    /// team, front desk and billing included; patients and admins not (403: a search names no
    /// chart, so refusing reveals nothing).
    pub fn may_search_patients(self) -> bool {
        matches!(self, Viewer::Physician(_) | Viewer::Staff(..))
    }

    /// Whether this viewer may read who looked at the chart linked to `chart_owner`: the
    /// patient only (others: 404, like a chart that does not exist).
    pub fn reads_access_log_of(self, chart_owner: Option<i64>) -> bool {
        matches!(self, Viewer::Patient(id) if chart_owner == Some(id))
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
    fn each_role_reaches_the_charts_the_table_says() {
        use ChartReach::*;
        let patient = Viewer::of(5, Role::Patient, StaffPools::NONE);
        let physician = Viewer::of(6, Role::Physician, StaffPools::NONE);
        let nurse = Viewer::of(7, Role::Staff, StaffPools::of([Pool::Clinical]));
        let nurse_at_desk = Viewer::of(7, Role::Staff, StaffPools::of([Pool::Clinical, Pool::FrontDesk]));
        let front_desk = Viewer::of(8, Role::Staff, StaffPools::of([Pool::FrontDesk, Pool::Billing]));
        let admin = Viewer::of(9, Role::Admin, StaffPools::NONE);
        let facts = |owner, viewer_cares, practice_cares, open_grant| ChartFacts {
            owner,
            viewer_cares,
            practice_cares,
            open_grant,
        };
        // (viewer, facts, reach)
        let table = [
            (patient, facts(Some(5), false, false, false), Open),
            (patient, facts(Some(4), false, true, false), Hidden),
            (patient, facts(None, false, false, false), Hidden),
            (patient, facts(Some(4), true, true, true), Hidden),
            (physician, facts(Some(5), true, true, false), Open),
            (physician, facts(Some(5), false, true, false), ReasonRequired),
            (physician, facts(Some(5), false, true, true), UnderGrant),
            (physician, facts(Some(5), true, true, true), Open),
            (physician, facts(None, false, false, false), ReasonRequired),
            (nurse, facts(Some(5), false, true, false), Open),
            (nurse, facts(Some(5), false, false, false), ReasonRequired),
            (nurse, facts(Some(5), false, false, true), UnderGrant),
            (nurse_at_desk, facts(Some(5), false, true, false), Open),
            (front_desk, facts(Some(5), true, true, false), Hidden),
            (front_desk, facts(Some(5), false, false, true), Hidden),
            (admin, facts(Some(5), true, true, true), Hidden),
        ];
        for (viewer, facts, reach) in table {
            assert_eq!(viewer.chart_reach(facts), reach, "{viewer:?} {facts:?}");
        }
        let staff_without_pools = Viewer::of(10, Role::Staff, StaffPools::NONE);
        assert_eq!(
            staff_without_pools.chart_reach(facts(Some(5), true, true, true)),
            Hidden
        );

        for (viewer, breaks, searches) in [
            (patient, false, false),
            (physician, true, true),
            (nurse, true, true),
            (front_desk, false, true),
            (admin, false, false),
        ] {
            assert_eq!(viewer.may_break_the_glass(), breaks, "{viewer:?}");
            assert_eq!(viewer.may_search_patients(), searches, "{viewer:?}");
        }
        assert!(patient.reads_access_log_of(Some(5)));
        for viewer in [physician, nurse, front_desk, admin] {
            assert!(!viewer.reads_access_log_of(Some(5)), "{viewer:?}");
        }
        assert!(!patient.reads_access_log_of(Some(4)) && !patient.reads_access_log_of(None));
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
