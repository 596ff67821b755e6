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
        // The pools are names from a fixed list, never input; the argument is bound but
        // unused, so every scope takes exactly one.
        ThreadScope::Pools(pools) if pools.is_empty() => format!("{placeholder} <> {placeholder}"),
        ThreadScope::Pools(pools) => {
            let names: Vec<String> = pools.pools().iter().map(|p| format!("'{}'", p.as_str())).collect();
            format!("({placeholder} = {placeholder} AND t.pool IN ({}))", names.join(", "))
        }
        ThreadScope::Nothing => format!("{placeholder} <> {placeholder}"),
    }
}

/// The one argument of [`condition`].
pub fn arg(scope: ThreadScope) -> i64 {
    match scope {
        ThreadScope::OwnThreads { patient_id } => patient_id,
        ThreadScope::AssignedOrInCareOf { clinician_id } => clinician_id,
        ThreadScope::Pools(_) | ThreadScope::Nothing => 0,
    }
}
