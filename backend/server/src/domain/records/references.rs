//! References between the bundle's resources. Each entry is known by its `fullUrl`
//! (`urn:uuid:…` or an absolute URL) and by `Type/id`. A reference to one of them is written
//! as `Type/id`, as a FHIR server does when it takes a transaction, so the stored chart refers
//! to itself however the file named its resources. A reference inside a resource (`#id`) must
//! name one of its contained resources; an absolute URL to no entry is another server's and is
//! kept; anything else that names no entry refuses the bundle.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::error::BundleError;

/// A reference that does not resolve: where (innermost first) and why.
struct Failure {
    path: Vec<Segment>,
    problem: &'static str,
}

enum Segment {
    Key(String),
    Index(usize),
}

/// How the bundle's entries are named, to resolve references.
#[derive(Debug, Default)]
pub struct EntryNames {
    /// `fullUrl` → `Type/id`.
    full_urls: HashMap<String, String>,
    /// Every `Type/id` in the bundle.
    local: HashSet<String>,
}

impl EntryNames {
    pub fn add(&mut self, full_url: Option<&str>, resource_type: &str, id: &str) {
        let local = format!("{resource_type}/{id}");
        if let Some(url) = full_url {
            self.full_urls.insert(url.to_owned(), local.clone());
        }
        self.local.insert(local);
    }

    /// Resolves every reference in `resource` (entry `index`), rewriting those to the bundle's
    /// resources as `Type/id`.
    pub fn resolve_in(&self, index: usize, resource_type: &str, resource: &mut Value) -> Result<(), BundleError> {
        let contained: HashSet<String> = resource
            .get("contained")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        self.walk(resource, &contained).map_err(|failure| {
            let mut field = String::from("resource");
            for segment in failure.path.iter().rev() {
                match segment {
                    Segment::Key(key) => {
                        field.push('.');
                        field.push_str(key);
                    }
                    Segment::Index(n) => field.push_str(&format!("[{n}]")),
                }
            }
            BundleError::entry(index, Some(resource_type), field, failure.problem)
        })
    }

    /// Walks `value`; a failure's path is gathered on the way out (innermost first), so a
    /// bundle that resolves builds no paths.
    fn walk(&self, value: &mut Value, contained: &HashSet<String>) -> Result<(), Failure> {
        match value {
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    let result = match item {
                        Value::String(reference) if key == "reference" => match self.resolve(reference, contained) {
                            Ok(Some(rewritten)) => {
                                *reference = rewritten;
                                Ok(())
                            }
                            Ok(None) => Ok(()),
                            Err(problem) => Err(Failure {
                                path: Vec::new(),
                                problem,
                            }),
                        },
                        Value::Object(_) | Value::Array(_) => self.walk(item, contained),
                        _ => Ok(()),
                    };
                    result.map_err(|mut f| {
                        f.path.push(Segment::Key(key.clone()));
                        f
                    })?;
                }
            }
            Value::Array(items) => {
                for (n, item) in items.iter_mut().enumerate() {
                    if matches!(item, Value::Object(_) | Value::Array(_)) {
                        self.walk(item, contained).map_err(|mut f| {
                            f.path.push(Segment::Index(n));
                            f
                        })?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `Ok(Some(rewritten))`, `Ok(None)` to keep it as it is, or why it does not resolve.
    fn resolve(&self, reference: &str, contained: &HashSet<String>) -> Result<Option<String>, &'static str> {
        if let Some(local) = reference.strip_prefix('#') {
            return if local.is_empty() || contained.contains(local) {
                Ok(None)
            } else {
                Err("refers to a contained resource the resource does not hold")
            };
        }
        if let Some(target) = self.full_urls.get(reference) {
            return Ok((target != reference).then(|| target.clone()));
        }
        if reference.starts_with("urn:") {
            return Err("refers to an entry that is not in the bundle");
        }
        if reference.contains('?') {
            return Err("a conditional reference (Type?search) cannot be resolved in a bundle");
        }
        if reference.starts_with("http://") || reference.starts_with("https://") {
            // Another server's resource.
            return Ok(None);
        }
        let without_version = match reference.find("/_history/") {
            Some(at) => &reference[..at],
            None => reference,
        };
        let mut parts = without_version.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(kind), Some(id), None) if !kind.is_empty() && !id.is_empty() => {
                if self.local.contains(without_version) {
                    Ok(None)
                } else {
                    Err("refers to a resource that is not in the bundle")
                }
            }
            _ => Err("is not a reference FHIR understands (Type/id, urn:uuid:… or a URL)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> EntryNames {
        let mut names = EntryNames::default();
        names.add(Some("urn:uuid:p1"), "Patient", "p1");
        names.add(Some("https://ehr.example/fhir/Practitioner/d1"), "Practitioner", "d1");
        names.add(None, "Encounter", "e1");
        names
    }

    #[test]
    fn bundle_references_become_type_slash_id() {
        let mut obs = json!({
            "resourceType": "Observation",
            "subject": {"reference": "urn:uuid:p1"},
            "performer": [{"reference": "https://ehr.example/fhir/Practitioner/d1"}, {"reference": "https://other.example/Organization/9"}],
            "encounter": {"reference": "Encounter/e1/_history/2"},
            "contained": [{"resourceType": "Specimen", "id": "s"}],
            "specimen": {"reference": "#s"}
        });
        names().resolve_in(3, "Observation", &mut obs).expect("resolves");
        assert_eq!(obs["subject"]["reference"], "Patient/p1");
        assert_eq!(obs["performer"][0]["reference"], "Practitioner/d1");
        assert_eq!(
            obs["performer"][1]["reference"], "https://other.example/Organization/9",
            "another server's, kept"
        );
        assert_eq!(obs["encounter"]["reference"], "Encounter/e1/_history/2");
    }

    #[test]
    fn a_dangling_reference_names_the_entry_and_field() {
        for (reference, problem) in [
            ("urn:uuid:gone", "not in the bundle"),
            ("Encounter/e2", "not in the bundle"),
            ("Patient?identifier=x", "conditional"),
            ("#nope", "contained"),
            ("just words", "not a reference"),
        ] {
            let mut obs = json!({"resourceType": "Observation", "hasMember": [{"reference": "Encounter/e1"}, {"reference": reference}]});
            let error = names().resolve_in(7, "Observation", &mut obs).expect_err(reference);
            let text = error.to_string();
            assert!(
                text.starts_with("entry[7] (Observation), field resource.hasMember[1].reference: "),
                "{text}"
            );
            assert!(text.contains(problem), "{text}");
            assert!(!text.contains(reference), "the value is not quoted: {text}");
        }
    }
}
