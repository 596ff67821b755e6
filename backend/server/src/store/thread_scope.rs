//! A [`ThreadScope`] as a condition on the thread alias `t`, with exactly one argument, so that
//! every scoped query binds the same way.

use crate::domain::access::ThreadScope;

/// The condition, with `placeholder` standing for [`arg`]'s value.
pub fn condition(scope: ThreadScope, placeholder: &str) -> String {
    match scope {
        ThreadScope::OwnThreads { .. } => format!("t.patient_id = {placeholder}"),
        ThreadScope::AssignedOrInCareOf { .. } => format!(
            "(t.assigned_to = {placeholder} OR t.patient_id IN \
             (SELECT cr.patient_id FROM care_relationships cr WHERE cr.clinician_id = {placeholder}))"
        ),
        // Bound but unused, so every scope takes exactly one argument.
        ThreadScope::WholePractice => format!("{placeholder} = {placeholder}"),
        ThreadScope::Nothing => format!("{placeholder} <> {placeholder}"),
    }
}

/// The one argument of [`condition`].
pub fn arg(scope: ThreadScope) -> i64 {
    match scope {
        ThreadScope::OwnThreads { patient_id } => patient_id,
        ThreadScope::AssignedOrInCareOf { clinician_id } => clinician_id,
        ThreadScope::WholePractice | ThreadScope::Nothing => 0,
    }
}
