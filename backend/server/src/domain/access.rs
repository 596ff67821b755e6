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
//! | an authorized person acting for a patient | the patient's, with a grant to read messages (to write: one to write them) | no |
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
//! | an authorized person acting for a patient | the patient's, with a grant to see the record (its results: one to see results) | nothing (404) |
//!
//! An authorized person ([`Viewer::ForPatient`]) acts within a grant that is active at this
//! request (`domain::grants` says when it is); what they do is theirs in the audit log, for
//! the patient. A grant never passes on: acting for a patient, nobody gives, ends or answers
//! grants, changes the patient's account or choices, or reads who looked at the chart.

use portal_api::{AccessedPart, Pool, RecordSection, Role};

use super::grants::{Scope, Scopes};

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
    /// Someone a patient authorized, acting for them within an active grant.
    ForPatient(Proxy),
}

/// An authorized person acting for a patient, and what the grant lets them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Proxy {
    /// The person acting (the author of what they write, the actor in the audit log).
    pub user_id: i64,
    /// The patient's chart.
    pub chart_id: i64,
    /// The patient's account, if the chart has one (conversations need it; a grant the
    /// practice sets up gives the chart one it keeps: `domain::managed_accounts`).
    pub patient_id: Option<i64>,
    /// What the grant allows.
    pub scopes: Scopes,
}

impl Proxy {
    fn may(self, scope: Scope) -> bool {
        self.scopes.contains(scope)
    }
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

    /// The person acting: the author of what they write, the actor in the audit log.
    pub fn user_id(self) -> i64 {
        match self {
            Viewer::Patient(id) | Viewer::Physician(id) | Viewer::Staff(id, _) | Viewer::NoHealthData(id) => id,
            Viewer::ForPatient(proxy) => proxy.user_id,
        }
    }

    /// The patient whose data this viewer reaches as the patient's side (themselves, or the
    /// patient they act for); `None` for the care team and admins.
    pub fn patient_id(self) -> Option<i64> {
        match self {
            Viewer::Patient(id) => Some(id),
            Viewer::ForPatient(proxy) => proxy.patient_id,
            _ => None,
        }
    }

    pub fn side(self) -> Side {
        match self {
            Viewer::Patient(_) | Viewer::ForPatient(_) => Side::Patient,
            _ => Side::Team,
        }
    }

    /// Whether this viewer may write messages (start a thread as the patient, or reply in
    /// one it reaches): patients and the care team; an authorized person with a grant to write
    /// them (for a patient who has an account); admins never.
    pub fn may_write_messages(self) -> bool {
        match self {
            Viewer::Patient(_) | Viewer::Physician(_) => true,
            Viewer::Staff(_, pools) => !pools.is_empty(),
            Viewer::ForPatient(proxy) => proxy.may(Scope::WriteMessages) && proxy.patient_id.is_some(),
            Viewer::NoHealthData(_) => false,
        }
    }

    /// Whether this viewer may start a thread: the patient's side only.
    pub fn may_start_threads(self) -> bool {
        self.side() == Side::Patient && self.may_write_messages()
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
            Viewer::ForPatient(proxy) => match (proxy.may(Scope::ReadMessages), proxy.patient_id) {
                (true, Some(patient_id)) => ThreadScope::OwnThreads { patient_id },
                _ => ThreadScope::Nothing,
            },
        }
    }

    /// Whether a thread of `pool` may be assigned to this person: physicians take any (the
    /// thread then shows for them), staff only those of their pools, nobody else any.
    pub fn may_take_thread_of(self, pool: Pool) -> bool {
        match self {
            Viewer::Physician(_) => true,
            Viewer::Staff(_, pools) => pools.contains(pool),
            Viewer::Patient(_) | Viewer::NoHealthData(_) | Viewer::ForPatient(_) => false,
        }
    }

    /// Whether this viewer may list threads: everyone (a list within their scope, perhaps
    /// empty), but an authorized person whose grant does not cover messages (403: they know
    /// the patient, and the grant says no).
    pub fn may_list_threads(self) -> bool {
        !matches!(self, Viewer::ForPatient(_)) || self.thread_scope() != ThreadScope::Nothing
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
    /// The chart.
    pub chart_id: i64,
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
            Viewer::ForPatient(proxy) => {
                let reaches =
                    facts.chart_id == proxy.chart_id && (proxy.may(Scope::Record) || proxy.may(Scope::Results));
                return match reaches {
                    true => ChartReach::Open,
                    false => ChartReach::Hidden,
                };
            }
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
            Viewer::Patient(_) | Viewer::NoHealthData(_) | Viewer::ForPatient(_) => false,
        }
    }

    /// Whether this viewer may look at `part` of a chart it reaches: an authorized person
    /// sees results (the section, a result's series) only with a grant to see results, the
    /// rest of the record (its summary, its other sections) only with one to see the record,
    /// and downloads the whole record only with both; everyone else, every part.
    pub fn reads_part(self, part: &AccessedPart) -> bool {
        let Viewer::ForPatient(proxy) = self else {
            return true;
        };
        match part {
            AccessedPart::Section {
                section: RecordSection::Results,
            }
            | AccessedPart::ResultSeries { .. } => proxy.may(Scope::Results),
            AccessedPart::Summary | AccessedPart::Section { .. } => proxy.may(Scope::Record),
            AccessedPart::Export => proxy.may(Scope::Record) && proxy.may(Scope::Results),
            AccessedPart::Conversations | AccessedPart::Conversation | AccessedPart::Attachment => {
                proxy.may(Scope::ReadMessages)
            }
            AccessedPart::BreakTheGlass => false,
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

/// What the practice's `POST /patients/{id}/grants/by-practice` answers whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeGiving {
    /// Staff working the front desk (who check the document) set one up.
    Allowed,
    /// Other members of the practice: 403.
    Forbidden,
    /// Patients, and anyone acting for one: 404, as for any chart route they do not reach.
    Hidden,
}

impl Viewer {
    /// Whether this viewer may set up a grant for a patient who cannot (issue 12): the front
    /// desk, who see the document.
    pub fn practice_giving(self) -> PracticeGiving {
        match self {
            Viewer::Staff(_, pools) if pools.contains(Pool::FrontDesk) => PracticeGiving::Allowed,
            Viewer::Staff(..) | Viewer::Physician(_) | Viewer::NoHealthData(_) => PracticeGiving::Forbidden,
            Viewer::Patient(_) | Viewer::ForPatient(_) => PracticeGiving::Hidden,
        }
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
            chart_id: 50,
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
    fn an_authorized_person_reaches_only_what_the_grant_allows() {
        use ChartReach::*;
        let proxy = |scopes: &[Scope], patient_id: Option<i64>| {
            Viewer::ForPatient(Proxy {
                user_id: 20,
                chart_id: 50,
                patient_id,
                scopes: Scopes::of(scopes.iter().copied()),
            })
        };
        let chart = |chart_id| ChartFacts {
            chart_id,
            owner: Some(5),
            ..ChartFacts::default()
        };
        let read = proxy(&[Scope::ReadMessages], Some(5));
        let write = proxy(&[Scope::WriteMessages], Some(5));
        let record = proxy(&[Scope::Record], Some(5));
        let results = proxy(&[Scope::Results], Some(5));
        let no_account = proxy(&[Scope::WriteMessages, Scope::Record], None);

        assert_eq!(read.thread_scope(), ThreadScope::OwnThreads { patient_id: 5 });
        assert_eq!(write.thread_scope(), ThreadScope::OwnThreads { patient_id: 5 });
        assert_eq!(record.thread_scope(), ThreadScope::Nothing);
        assert_eq!(no_account.thread_scope(), ThreadScope::Nothing);
        assert_eq!(
            (read.user_id(), read.patient_id(), read.side()),
            (20, Some(5), Side::Patient)
        );
        assert!(!read.may_write_messages() && !read.may_start_threads());
        assert!(read.may_list_threads() && !record.may_list_threads());
        assert!(write.may_write_messages() && write.may_start_threads());
        assert!(
            !no_account.may_write_messages(),
            "conversations need the patient's account"
        );
        assert!(read.require_team().is_err());

        assert_eq!(read.chart_reach(chart(50)), Hidden);
        assert_eq!(record.chart_reach(chart(50)), Open);
        assert_eq!(results.chart_reach(chart(50)), Open);
        assert_eq!(record.chart_reach(chart(51)), Hidden, "another patient's chart");
        let summary = AccessedPart::Summary;
        let results_section = AccessedPart::Section {
            section: RecordSection::Results,
        };
        let allergies = AccessedPart::Section {
            section: RecordSection::Allergies,
        };
        assert!(record.reads_part(&summary) && record.reads_part(&allergies));
        assert!(!record.reads_part(&results_section) && !record.reads_part(&AccessedPart::Export));
        assert!(results.reads_part(&results_section) && !results.reads_part(&allergies));
        assert!(proxy(&[Scope::Record, Scope::Results], Some(5)).reads_part(&AccessedPart::Export));

        for viewer in [read, write, record, results] {
            assert!(
                !viewer.may_break_the_glass() && !viewer.may_search_patients(),
                "{viewer:?}"
            );
            assert!(!viewer.reads_access_log_of(Some(5)), "the patient's own to read");
            assert!(!viewer.may_set_result_preferences(), "the patient's own choice");
            assert!(!viewer.may_take_thread_of(Pool::Clinical));
        }
    }

    #[test]
    fn only_the_front_desk_sets_up_a_grant_for_a_patient() {
        let front = StaffPools::of([Pool::FrontDesk]);
        let clinical = StaffPools::of([Pool::Clinical, Pool::Billing]);
        let desk_nurse = StaffPools::of([Pool::Clinical, Pool::FrontDesk]);
        assert_eq!(Viewer::Staff(1, desk_nurse).practice_giving(), PracticeGiving::Allowed);
        assert_eq!(Viewer::Staff(1, front).practice_giving(), PracticeGiving::Allowed);
        assert_eq!(Viewer::Staff(1, clinical).practice_giving(), PracticeGiving::Forbidden);
        assert_eq!(Viewer::Physician(2).practice_giving(), PracticeGiving::Forbidden);
        assert_eq!(Viewer::NoHealthData(3).practice_giving(), PracticeGiving::Forbidden);
        assert_eq!(Viewer::Patient(4).practice_giving(), PracticeGiving::Hidden);
        let proxy = Proxy {
            user_id: 5,
            chart_id: 6,
            patient_id: Some(4),
            scopes: Scopes::of(Scope::ALL),
        };
        assert_eq!(Viewer::ForPatient(proxy).practice_giving(), PracticeGiving::Hidden);
    }
}
