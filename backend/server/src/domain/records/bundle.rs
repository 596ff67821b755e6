//! A FHIR R4 Bundle read into a chart: which bundles are taken, each entry's resource parsed
//! into the typed model, references resolved within the bundle, exactly one Patient. A bundle
//! that fails any of it is refused whole, with the entry and field in words.

use std::collections::HashMap;

use fhir_sdk::r4b::types::HumanName;
use serde_json::Value;

use super::canonical::{canonical_json, content_hash};
use super::error::BundleError;
use super::lookups::Lookup;
use super::references::EntryNames;
use super::typed;
use super::view::references::person_name;

/// The kinds of bundle a chart is loaded from (as Synthea and EHR exports write them).
pub const ACCEPTED_TYPES: [&str; 3] = ["transaction", "batch", "collection"];

/// The resource types the record shows (US Core's); others are kept for the export only.
pub const SHOWN_TYPES: [&str; 14] = [
    "Patient",
    "Encounter",
    "Observation",
    "DiagnosticReport",
    "Condition",
    "AllergyIntolerance",
    "MedicationRequest",
    "MedicationStatement",
    "Immunization",
    "Procedure",
    "CarePlan",
    "DocumentReference",
    "Practitioner",
    "Organization",
];

/// A bundle checked and ready to store as one patient's chart.
#[derive(Debug)]
pub struct ChartBundle {
    pub patient: PatientFacts,
    /// Every entry's resource, in the bundle's order (the Patient among them).
    pub resources: Vec<ChartResource>,
}

/// What identifies the chart's patient, kept clear for lookups and the care team's search.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientFacts {
    /// The Patient resource's id.
    pub fhir_id: String,
    /// The medical record number (the identifier of type `MR`), when the Patient has one.
    pub mrn: Option<String>,
    /// `YYYY-MM-DD` (or as much of it as the Patient gives).
    pub birth_date: Option<String>,
    /// The official name as written ([`patient_name`]).
    pub name: Option<String>,
}

impl std::fmt::Debug for PatientFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientFacts")
            .field("fhir_id", &self.fhir_id)
            .finish_non_exhaustive()
    }
}

/// One resource of the chart.
#[derive(Clone)]
pub struct ChartResource {
    pub resource_type: String,
    pub fhir_id: String,
    /// The resource as received, its references to the bundle written `Type/id`, as canonical
    /// JSON (the text that is sealed).
    pub json: String,
    /// SHA-256 of `json`: the same resource imported again changes nothing.
    pub content_hash: String,
    /// Whether the record shows this type ([`SHOWN_TYPES`]).
    pub shown: bool,
    pub lookup: Lookup,
}

impl std::fmt::Debug for ChartResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChartResource")
            .field("resource_type", &self.resource_type)
            .field("fhir_id", &self.fhir_id)
            .finish_non_exhaustive()
    }
}

impl ChartBundle {
    /// Reads `bytes` (a bundle's JSON file).
    pub fn parse(bytes: &[u8]) -> Result<Self, BundleError> {
        let bundle: Value = serde_json::from_slice(bytes).map_err(|e| BundleError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
        Self::from_value(bundle)
    }

    pub fn from_value(mut bundle: Value) -> Result<Self, BundleError> {
        if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
            return Err(BundleError::NotABundle("its resourceType is not \"Bundle\""));
        }
        let kind = bundle
            .get("type")
            .and_then(Value::as_str)
            .ok_or(BundleError::NotABundle("it has no type"))?;
        if !ACCEPTED_TYPES.contains(&kind) {
            let shown = if kind.len() <= 40 && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                kind.to_owned()
            } else {
                "(unreadable)".to_owned()
            };
            return Err(BundleError::BundleType(shown));
        }
        let entries = match bundle.get_mut("entry") {
            None => Vec::new(),
            Some(Value::Array(entries)) => std::mem::take(entries),
            Some(_) => return Err(BundleError::NotABundle("its entry is not a list")),
        };

        let mut names = EntryNames::default();
        let mut read = Vec::with_capacity(entries.len());
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let entry = Entry::read(index, entry)?;
            if let Some(first) = seen.insert((entry.resource_type.clone(), entry.fhir_id.clone()), index) {
                return Err(BundleError::entry(
                    index,
                    Some(&entry.resource_type),
                    "resource.id",
                    format!("the same resource is also entry[{first}]"),
                ));
            }
            names.add(entry.full_url.as_deref(), &entry.resource_type, &entry.fhir_id);
            read.push(entry);
        }

        let patients: Vec<usize> = read
            .iter()
            .filter(|e| e.resource_type == "Patient")
            .map(|e| e.index)
            .collect();
        let patient_index = match patients.as_slice() {
            [] => return Err(BundleError::NoPatient),
            [one] => *one,
            _ => return Err(BundleError::ManyPatients(patients)),
        };

        let patient = read
            .iter()
            .find(|e| e.index == patient_index)
            .map(|e| e.fhir_id.clone())
            .ok_or(BundleError::NoPatient)?;
        let resources = finish_all(&names, read)?;
        let patient = resources
            .iter()
            .find(|r| r.chart_resource.resource_type == "Patient" && r.chart_resource.fhir_id == patient)
            .map(|r| patient_facts(&r.chart_resource.fhir_id, &r.resource))
            .ok_or(BundleError::NoPatient)?;
        Ok(Self {
            patient,
            resources: resources.into_iter().map(|r| r.chart_resource).collect(),
        })
    }

    /// How many resources of each type, by type name.
    pub fn counts(&self) -> std::collections::BTreeMap<&str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for r in &self.resources {
            *counts.entry(r.resource_type.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

/// Entries below this many are finished on the calling thread alone.
const ENTRIES_PER_THREAD: usize = 64;

/// A finished entry, with its resource still at hand for the Patient's facts.
struct Finished {
    resource: Value,
    chart_resource: ChartResource,
}

/// Resolves, checks and writes out every entry, on up to as many threads as there are cores
/// (each entry is independent of the others); the first failure by entry wins, as it would
/// alone.
fn finish_all(names: &EntryNames, read: Vec<Entry>) -> Result<Vec<Finished>, BundleError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(read.len() / ENTRIES_PER_THREAD)
        .max(1);
    if threads == 1 {
        return read.into_iter().map(|entry| finish(names, entry)).collect();
    }
    let per_thread = read.len().div_ceil(threads);
    let mut chunks: Vec<Vec<Entry>> = Vec::with_capacity(threads);
    let mut rest = read.into_iter();
    for _ in 0..threads {
        chunks.push(rest.by_ref().take(per_thread).collect());
    }
    let results: Vec<Result<Vec<Finished>, BundleError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(|entry| finish(names, entry)).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    // Chunks are in entry order: the first chunk's failure is the lowest entry's.
    let mut finished = Vec::new();
    for result in results {
        finished.extend(result?);
    }
    Ok(finished)
}

/// One entry resolved, checked and written out.
fn finish(names: &EntryNames, mut entry: Entry) -> Result<Finished, BundleError> {
    names.resolve_in(entry.index, &entry.resource_type, &mut entry.resource)?;
    typed::check(&entry.resource_type, &entry.resource)
        .map_err(|(field, problem)| BundleError::entry(entry.index, Some(&entry.resource_type), field, problem))?;
    let json = canonical_json(&entry.resource);
    Ok(Finished {
        chart_resource: ChartResource {
            shown: SHOWN_TYPES.contains(&entry.resource_type.as_str()),
            lookup: Lookup::of(&entry.resource),
            content_hash: content_hash(&json),
            json,
            resource_type: entry.resource_type,
            fhir_id: entry.fhir_id,
        },
        resource: entry.resource,
    })
}

/// One entry as read, before its references are resolved.
struct Entry {
    index: usize,
    full_url: Option<String>,
    resource_type: String,
    fhir_id: String,
    resource: Value,
}

impl Entry {
    fn read(index: usize, entry: Value) -> Result<Self, BundleError> {
        let Value::Object(mut entry) = entry else {
            return Err(BundleError::entry(index, None, "entry", "is not an object"));
        };
        let full_url = match entry.get("fullUrl") {
            None => None,
            Some(Value::String(url)) => Some(url.clone()),
            Some(_) => return Err(BundleError::entry(index, None, "fullUrl", "is not a string")),
        };
        let mut resource = match entry.remove("resource") {
            Some(resource @ Value::Object(_)) => resource,
            Some(_) => return Err(BundleError::entry(index, None, "resource", "is not an object")),
            None => {
                return Err(BundleError::entry(
                    index,
                    None,
                    "resource",
                    "missing (a chart is loaded from entries that hold a resource)",
                ))
            }
        };
        let resource_type = match resource.get("resourceType") {
            Some(Value::String(t)) if typed::is_resource_type(t) => t.clone(),
            Some(Value::String(_)) => {
                return Err(BundleError::entry(
                    index,
                    None,
                    "resource.resourceType",
                    "not a FHIR R4 resource type",
                ))
            }
            _ => return Err(BundleError::entry(index, None, "resource.resourceType", "missing")),
        };
        let fhir_id = match resource.get("id") {
            Some(Value::String(id)) if is_fhir_id(id) => id.clone(),
            Some(_) => {
                return Err(BundleError::entry(
                    index,
                    Some(&resource_type),
                    "resource.id",
                    "not a FHIR id (1 to 64 letters, digits, '-' or '.')",
                ))
            }
            // A resource posted in a transaction may have no id yet: its urn:uuid names it.
            None => match full_url.as_deref().and_then(|u| u.strip_prefix("urn:uuid:")) {
                Some(uuid) if is_fhir_id(uuid) => {
                    let id = uuid.to_owned();
                    if let Value::Object(map) = &mut resource {
                        map.insert("id".into(), Value::String(id.clone()));
                    }
                    id
                }
                _ => {
                    return Err(BundleError::entry(
                        index,
                        Some(&resource_type),
                        "resource.id",
                        "missing, and the entry's fullUrl is not a urn:uuid to take it from",
                    ))
                }
            },
        };
        Ok(Self {
            index,
            full_url,
            resource_type,
            fhir_id,
            resource,
        })
    }
}

/// FHIR's `id`: 1 to 64 of `A-Z a-z 0-9 - .`.
fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn patient_facts(fhir_id: &str, patient: &Value) -> PatientFacts {
    let is_mrn = |identifier: &&Value| {
        identifier
            .get("type")
            .and_then(|t| t.get("coding")?.as_array())
            .is_some_and(|codings| {
                codings
                    .iter()
                    .any(|c| c.get("code").and_then(Value::as_str) == Some("MR"))
            })
    };
    let mrn = patient
        .get("identifier")
        .and_then(Value::as_array)
        .and_then(|ids| ids.iter().find(is_mrn))
        .and_then(|id| id.get("value")?.as_str())
        .map(str::to_owned);
    PatientFacts {
        fhir_id: fhir_id.to_owned(),
        mrn,
        birth_date: patient.get("birthDate").and_then(Value::as_str).map(str::to_owned),
        name: patient_name(patient),
    }
}

/// The name a Patient resource (its JSON) is known by: the official name as the record shows
/// it (`view::references::person_name`); `None` when it has none that can be read.
pub fn patient_name(patient: &Value) -> Option<String> {
    let names = patient.get("name")?.clone();
    let names: Vec<Option<HumanName>> = serde_json::from_value(names).ok()?;
    person_name(&names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(kind: &str, entries: Vec<Value>) -> Value {
        json!({"resourceType": "Bundle", "type": kind, "entry": entries})
    }

    fn patient() -> Value {
        json!({"fullUrl": "urn:uuid:p-1", "resource": {
            "resourceType": "Patient", "id": "p-1",
            "name": [{"family": "Núñez", "given": ["Zoë", "Łukasz"]}],
            "birthDate": "1975-10-26",
            "identifier": [
                {"system": "https://example.org", "value": "x"},
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "value": "MRN-42"}
            ]
        }, "request": {"method": "POST", "url": "Patient"}})
    }

    fn observation(id: &str, subject: &str) -> Value {
        json!({"fullUrl": format!("urn:uuid:{id}"), "resource": {
            "resourceType": "Observation", "id": id, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
            "subject": {"reference": subject},
            "effectiveDateTime": "2020-01-02T03:04:05Z",
            "valueQuantity": {"value": 80.5, "unit": "kg"}
        }})
    }

    #[test]
    fn a_transaction_becomes_a_chart_with_references_rewritten() {
        let claim = json!({"fullUrl": "urn:uuid:c-1", "resource": {
            "resourceType": "Goal", "id": "c-1",
            "lifecycleStatus": "active", "description": {"text": "walk"},
            "subject": {"reference": "urn:uuid:p-1"}
        }});
        for kind in ACCEPTED_TYPES {
            let chart = ChartBundle::from_value(bundle(
                kind,
                vec![patient(), observation("o-1", "urn:uuid:p-1"), claim.clone()],
            ))
            .expect("accepted");
            assert_eq!(chart.patient.fhir_id, "p-1");
            assert_eq!(chart.patient.mrn.as_deref(), Some("MRN-42"));
            assert_eq!(chart.patient.birth_date.as_deref(), Some("1975-10-26"));
            assert_eq!(chart.patient.name.as_deref(), Some("Zoë Łukasz Núñez"));
            assert_eq!(chart.resources.len(), 3);
            let obs = &chart.resources[1];
            assert!(obs.json.contains(r#""reference":"Patient/p-1""#), "{}", obs.json);
            assert!(obs.shown);
            assert_eq!(obs.lookup.code.as_deref(), Some("29463-7"));
            assert!(!chart.resources[2].shown, "a Goal is kept, not shown");
            assert!(chart.resources[0].json.contains("Núñez") && chart.resources[0].json.contains("Zoë"));
            assert_eq!(chart.counts().get("Observation"), Some(&1));
        }
    }

    #[test]
    fn the_same_bundle_gives_the_same_hashes_and_a_change_another() {
        let a = ChartBundle::from_value(bundle("batch", vec![patient(), observation("o-1", "Patient/p-1")])).unwrap();
        let b = ChartBundle::from_value(bundle("batch", vec![patient(), observation("o-1", "urn:uuid:p-1")])).unwrap();
        assert_eq!(
            a.resources[1].content_hash, b.resources[1].content_hash,
            "both name Patient/p-1"
        );
        let mut changed = observation("o-1", "Patient/p-1");
        changed["resource"]["valueQuantity"]["value"] = json!(81);
        let c = ChartBundle::from_value(bundle("batch", vec![patient(), changed])).unwrap();
        assert_ne!(a.resources[1].content_hash, c.resources[1].content_hash);
        assert_eq!(a.resources[0].content_hash, c.resources[0].content_hash);
    }

    #[test]
    fn a_bundle_that_fails_names_the_entry_and_field() {
        let refused = |value: Value| ChartBundle::from_value(value).expect_err("refused").to_string();
        assert_eq!(
            ChartBundle::parse(b"{\"resourceType\": ").unwrap_err().to_string(),
            "the file is not JSON (line 1, column 17)"
        );
        assert!(refused(json!({"resourceType": "Patient"})).contains("not a FHIR Bundle"));
        assert!(refused(bundle("searchset", vec![patient()])).contains("\"searchset\" is not accepted"));
        assert_eq!(
            refused(bundle("collection", vec![])),
            BundleError::NoPatient.to_string()
        );
        let mut second = patient();
        second["resource"]["id"] = json!("p-2");
        second["fullUrl"] = json!("urn:uuid:p-2");
        assert!(refused(bundle("collection", vec![patient(), second])).contains("2 Patients (entries 0, 1)"));

        let dangling = refused(bundle(
            "transaction",
            vec![patient(), observation("o-1", "urn:uuid:gone")],
        ));
        assert_eq!(
            dangling,
            "entry[1] (Observation), field resource.subject.reference: refers to an entry that is not in the bundle"
        );
        let mut bad_value = observation("o-1", "urn:uuid:p-1");
        bad_value["resource"]["code"]["coding"][0]["code"] = json!(["eighty"]);
        let text = refused(bundle("transaction", vec![patient(), bad_value]));
        assert!(
            text.starts_with("entry[1] (Observation), field resource.code.coding[0].code:"),
            "{text}"
        );
        assert!(!text.contains("eighty"), "{text}");
        let mut bad_status = observation("o-1", "urn:uuid:p-1");
        bad_status["resource"]["status"] = json!("sort-of");
        let text = refused(bundle("transaction", vec![patient(), bad_status]));
        assert!(
            text.starts_with("entry[1] (Observation), field resource.status"),
            "{text}"
        );
        let mut unknown = observation("o-1", "urn:uuid:p-1");
        unknown["resource"]["resourceType"] = json!("Nonsense");
        assert!(
            refused(bundle("transaction", vec![patient(), unknown])).contains("entry[1], field resource.resourceType")
        );
        let twice = refused(bundle(
            "transaction",
            vec![
                patient(),
                observation("o-1", "urn:uuid:p-1"),
                observation("o-1", "urn:uuid:p-1"),
            ],
        ));
        assert!(
            twice.contains("entry[2] (Observation), field resource.id: the same resource is also entry[1]"),
            "{twice}"
        );
    }

    #[test]
    fn in_a_large_bundle_the_first_failing_entry_is_named() {
        let mut entries = vec![patient()];
        entries.extend((0..300).map(|n| observation(&format!("o-{n}"), "urn:uuid:p-1")));
        let fine = ChartBundle::from_value(bundle("collection", entries.clone())).expect("accepted");
        assert_eq!(fine.resources.len(), 301);
        assert!(
            fine.resources
                .iter()
                .skip(1)
                .enumerate()
                .all(|(n, r)| r.fhir_id == format!("o-{n}")),
            "in order"
        );
        entries[280]["resource"]["status"] = json!("sort-of");
        entries[20]["resource"]["subject"]["reference"] = json!("Patient/nobody");
        let error = ChartBundle::from_value(bundle("collection", entries)).expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("entry[20] (Observation), field resource.subject.reference"),
            "{error}"
        );
    }

    #[test]
    fn a_resource_without_id_takes_it_from_its_urn_uuid() {
        let mut obs = observation("7d9e7c1e-0000-4000-8000-000000000001", "urn:uuid:p-1");
        obs["resource"].as_object_mut().unwrap().remove("id");
        let chart = ChartBundle::from_value(bundle("transaction", vec![patient(), obs])).unwrap();
        assert_eq!(chart.resources[1].fhir_id, "7d9e7c1e-0000-4000-8000-000000000001");
    }
}
