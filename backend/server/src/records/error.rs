//! What went wrong with an operator's records command, in words with no health data in them.

use crate::domain::records::BundleError;
use crate::store::charts::LinkError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("the bundle was refused, nothing of it was stored: {0}")]
    Bundle(#[from] BundleError),
    #[error("no chart answers to that id (give the chart id the import printed, the Patient's FHIR id or the MRN)")]
    NoChart,
    #[error("several charts answer to that id (charts {}): give the chart id", list(.0))]
    Ambiguous(Vec<i64>),
    #[error("there is no account with that email address")]
    NoAccount,
    #[error("only a patient's account can be linked to a chart")]
    NotAPatient,
    #[error("{0}")]
    Link(#[from] LinkError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}
