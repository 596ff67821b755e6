//! Importing a FHIR bundle as a patient's chart: the bundle is read and checked whole
//! (`domain::records`), then stored in one transaction (`store::charts`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::error::RecordsError;
use crate::domain::records::ChartBundle;
use crate::sealed_text::TextSealer;
use crate::store::charts::{self, ImportOutcome};
use crate::store::Db;

/// What one bundle's import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub outcome: ImportOutcome,
    /// The Patient resource's FHIR id.
    pub patient_fhir_id: String,
    /// How many resources of each type the bundle held.
    pub counts: BTreeMap<String, usize>,
    /// From reading the bundle to the commit.
    pub took: Duration,
}

/// Imports the bundle in `bytes` (a file's contents). A bundle that fails a check is refused
/// whole and nothing of it is stored.
pub async fn import_bundle(
    db: &Db,
    sealer: &TextSealer,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<ImportReport, RecordsError> {
    let started = Instant::now();
    let bundle = ChartBundle::parse(bytes)?;
    let outcome = charts::import(db, sealer, &bundle, now).await?;
    Ok(ImportReport {
        outcome,
        patient_fhir_id: bundle.patient.fhir_id.clone(),
        counts: bundle.counts().into_iter().map(|(t, n)| (t.to_owned(), n)).collect(),
        took: started.elapsed(),
    })
}

impl std::fmt::Display for ImportReport {
    /// `chart 3, Patient 8de4…: 143 resources (AllergyIntolerance 4, …); 143 stored, 0 unchanged,
    /// 0 replaced in 41 ms`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: usize = self.counts.values().sum();
        let counts = self
            .counts
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let o = &self.outcome;
        write!(
            f,
            "chart {}{}, Patient {}: {total} resources ({counts}); {} stored, {} unchanged, {} replaced in {} ms",
            o.chart_id,
            if o.new_chart { " (new)" } else { "" },
            self.patient_fhir_id,
            o.stored,
            o.unchanged,
            o.replaced,
            self.took.as_millis()
        )
    }
}
