//! Who is looking, and so which threads exist for them. Every messaging query is scoped by a
//! [`Viewer`]; a thread outside the scope is answered exactly like one that does not exist.
//!
//! - a patient sees their own threads;
//! - a physician sees threads assigned to them and the threads of patients in their care;
//! - staff see every thread of the practice (they run the triage pools);
//! - an administrator sees no health data.

use portal_api::Role;

use crate::error::ApiError;
use crate::store::users::UserRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    Patient(i64),
    Physician(i64),
    Staff(i64),
    Nobody(i64),
}

/// The two sides of a thread: the patient, and the practice's care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Patient,
    Team,
}

impl Viewer {
    pub fn of(user: &UserRecord) -> Self {
        match user.role {
            Role::Patient => Viewer::Patient(user.id),
            Role::Physician => Viewer::Physician(user.id),
            Role::Staff => Viewer::Staff(user.id),
            Role::Admin => Viewer::Nobody(user.id),
        }
    }

    pub fn user_id(self) -> i64 {
        match self {
            Viewer::Patient(id) | Viewer::Physician(id) | Viewer::Staff(id) | Viewer::Nobody(id) => id,
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

    /// The SQL condition on the thread alias `t` for this viewer, with `$first` as the
    /// placeholder of [`scope_arg`](Self::scope_arg).
    pub fn scope_sql(self, placeholder: &str) -> String {
        match self {
            Viewer::Patient(_) => format!("t.patient_id = {placeholder}"),
            Viewer::Physician(_) => format!(
                "(t.assigned_to = {placeholder} OR t.patient_id IN \
                 (SELECT cr.patient_id FROM care_relationships cr WHERE cr.clinician_id = {placeholder}))"
            ),
            // Bound but unused, so every scope takes exactly one argument.
            Viewer::Staff(_) => format!("{placeholder} = {placeholder}"),
            Viewer::Nobody(_) => format!("{placeholder} <> {placeholder}"),
        }
    }

    /// The one argument of [`scope_sql`](Self::scope_sql).
    pub fn scope_arg(self) -> i64 {
        self.user_id()
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
