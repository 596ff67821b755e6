//! Who may reach which patient's data: the one place that decides it. Every query for health
//! data is scoped by the [`Viewer`]'s [`ThreadScope`] (the store translates a scope into its
//! query; nothing here knows SQL); a thread outside the scope is answered exactly like one that
//! does not exist.
//!
//! | role | threads and their attachments | triage actions |
//! |---|---|---|
//! | patient | their own | no |
//! | physician | assigned to them, and those of patients in their care | yes |
//! | staff | every thread of the practice (they run the triage pools) | yes |
//! | admin | none (no health data) | no |

use portal_api::Role;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    Patient(i64),
    Physician(i64),
    Staff(i64),
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
    /// Every thread of the practice.
    WholePractice,
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
    pub fn of(user_id: i64, role: Role) -> Self {
        match role {
            Role::Patient => Viewer::Patient(user_id),
            Role::Physician => Viewer::Physician(user_id),
            Role::Staff => Viewer::Staff(user_id),
            Role::Admin => Viewer::NoHealthData(user_id),
        }
    }

    pub fn user_id(self) -> i64 {
        match self {
            Viewer::Patient(id) | Viewer::Physician(id) | Viewer::Staff(id) | Viewer::NoHealthData(id) => id,
        }
    }

    pub fn side(self) -> Side {
        match self {
            Viewer::Patient(_) => Side::Patient,
            _ => Side::Team,
        }
    }

    /// Care-team members only (triage actions); others get 403 (they know no thread ids to
    /// probe with, so this reveals nothing).
    pub fn require_team(self) -> Result<i64, ApiError> {
        match self {
            Viewer::Physician(id) | Viewer::Staff(id) => Ok(id),
            _ => Err(ApiError::Forbidden),
        }
    }

    /// Which threads this viewer reaches.
    pub fn thread_scope(self) -> ThreadScope {
        match self {
            Viewer::Patient(patient_id) => ThreadScope::OwnThreads { patient_id },
            Viewer::Physician(clinician_id) => ThreadScope::AssignedOrInCareOf { clinician_id },
            Viewer::Staff(_) => ThreadScope::WholePractice,
            Viewer::NoHealthData(_) => ThreadScope::Nothing,
        }
    }

    /// Whether this viewer may read or write any health data at all.
    pub fn sees_health_data(self) -> bool {
        self.thread_scope() != ThreadScope::Nothing
    }
}

impl Side {
    /// The `threads` column counting what this side has not read.
    pub fn unread_column(self) -> &'static str {
        match self {
            Side::Patient => "unread_by_patient",
            Side::Team => "unread_by_team",
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_reaches_what_the_table_says() {
        assert_eq!(
            Viewer::of(1, Role::Patient).thread_scope(),
            ThreadScope::OwnThreads { patient_id: 1 }
        );
        assert_eq!(
            Viewer::of(2, Role::Physician).thread_scope(),
            ThreadScope::AssignedOrInCareOf { clinician_id: 2 }
        );
        assert_eq!(Viewer::of(3, Role::Staff).thread_scope(), ThreadScope::WholePractice);
        assert_eq!(Viewer::of(4, Role::Admin).thread_scope(), ThreadScope::Nothing);
        assert!(!Viewer::of(4, Role::Admin).sees_health_data());
        for role in [Role::Patient, Role::Admin] {
            assert!(Viewer::of(5, role).require_team().is_err(), "{role:?}");
        }
        for role in [Role::Physician, Role::Staff] {
            assert_eq!(Viewer::of(5, role).require_team().ok(), Some(5), "{role:?}");
        }
    }
}
