//! Why a bundle was refused, in words: the entry (as `entry[N]`, counted from 0 like the
//! bundle's JSON) and the field that failed. Never a value from the bundle: a name, a code or a
//! note is health data, so the words say what is wrong with a field, not what it held.

/// A bundle refused whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("the file is not JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error("the file is not a FHIR Bundle: {0}")]
    NotABundle(&'static str),
    #[error("a bundle of type {0:?} is not accepted (transaction, batch or collection are)")]
    BundleType(String),
    #[error("entry[{index}]{}, field {field}: {problem}", resource_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Entry {
        index: usize,
        resource_type: Option<String>,
        field: String,
        problem: String,
    },
    #[error("the bundle has no Patient: a chart is one patient's")]
    NoPatient,
    #[error("the bundle has {} Patients (entries {}): a chart is one patient's", .0.len(), list(.0))]
    ManyPatients(Vec<usize>),
}

fn list(indexes: &[usize]) -> String {
    indexes.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
}

impl BundleError {
    pub(super) fn entry(
        index: usize,
        resource_type: Option<&str>,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        Self::Entry {
            index,
            resource_type: resource_type.map(str::to_owned),
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// A serde message with no value of the input in it: serde quotes what it met
/// (`invalid type: string "Blair", expected …`), so only what it expected is kept.
pub(super) fn problem_in_words(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    for kept in ["missing field", "unknown field", "duplicate field"] {
        if message.starts_with(kept) {
            // Field names are the model's, not the patient's.
            return match message.find(", expected") {
                Some(cut) => message[..cut].to_owned(),
                None => message.to_owned(),
            };
        }
    }
    if message.starts_with("unknown variant") {
        return "not one of the codes this field allows".to_owned();
    }
    match message.find("expected ") {
        Some(at) if !message[at..].contains('"') => format!("not valid here, {}", &message[at..]),
        _ => "not valid here".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_entry_and_field_and_never_the_value() {
        let e = BundleError::entry(
            12,
            Some("Observation"),
            "resource.valueQuantity.value",
            "not valid here",
        );
        assert_eq!(
            e.to_string(),
            "entry[12] (Observation), field resource.valueQuantity.value: not valid here"
        );
        assert_eq!(
            problem_in_words("invalid type: string \"Blair\", expected f64 at line 1 column 9"),
            "not valid here, expected f64"
        );
        assert_eq!(problem_in_words("missing field `status`"), "missing field `status`");
        assert_eq!(
            problem_in_words("unknown variant `Zzz`, expected one of `final`, `amended`"),
            "not one of the codes this field allows"
        );
        assert_eq!(problem_in_words("input contained \"Conroy\""), "not valid here");
        assert_eq!(
            BundleError::ManyPatients(vec![0, 4]).to_string(),
            "the bundle has 2 Patients (entries 0, 4): a chart is one patient's"
        );
    }
}
