//! The lookup that resolves a chart's references (`Type/id`, `urn:uuid:…`) to its resources,
//! and the names of the people and places they point to.

use std::collections::HashMap;

use fhir_sdk::r4b::codes::NameUse;
use fhir_sdk::r4b::resources::Resource;
use fhir_sdk::r4b::types::{HumanName, Reference};

/// Resources by the references that point to them. The caller fills it with what it loaded
/// (the chart's resources, and the practitioners and organizations they name); a reference
/// it cannot resolve falls back to the reference's own `display`.
#[derive(Debug, Default)]
pub struct References<'a> {
    by_reference: HashMap<String, &'a Resource>,
}

impl<'a> References<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every resource under its relative reference `Type/id`.
    pub fn of(resources: impl IntoIterator<Item = &'a Resource>) -> Self {
        let mut references = Self::new();
        for resource in resources {
            references.add(resource);
        }
        references
    }

    /// Adds a resource under its relative reference `Type/id` (none without an id).
    pub fn add(&mut self, resource: &'a Resource) {
        if let Some(id) = resource.as_base_resource().id() {
            let key = format!("{}/{id}", resource.resource_type().as_str());
            self.by_reference.insert(key, resource);
        }
    }

    /// Adds a resource under another reference too: the `fullUrl` a bundle gave it
    /// (`urn:uuid:…`).
    pub fn add_as(&mut self, reference: impl Into<String>, resource: &'a Resource) {
        self.by_reference.insert(reference.into(), resource);
    }

    /// The resource a reference points to, when known.
    pub fn resolve(&self, reference: &Reference) -> Option<&'a Resource> {
        self.by_reference.get(reference.reference.as_deref()?).copied()
    }

    /// The id of the resource of type `resource_type` that a reference points to: resolved,
    /// else read from a relative reference (`Encounter/123`).
    pub fn id_of(&self, reference: &Reference, resource_type: &str) -> Option<String> {
        if let Some(resource) = self.resolve(reference) {
            return (resource.resource_type().as_str() == resource_type)
                .then(|| resource.as_base_resource().id().clone())
                .flatten();
        }
        let (kind, id) = reference.reference.as_deref()?.split_once('/')?;
        (kind == resource_type && !id.is_empty() && !id.contains('/')).then(|| id.to_owned())
    }

    /// The name of whom or what a reference points to: a practitioner's, a patient's or a
    /// related person's name, an organization's or a location's name, else the reference's
    /// `display`.
    pub fn name_of(&self, reference: &Reference) -> Option<String> {
        let named = self.resolve(reference).and_then(|resource| match resource {
            Resource::Practitioner(p) => person_name(&p.name),
            Resource::Patient(p) => person_name(&p.name),
            Resource::RelatedPerson(p) => person_name(&p.name),
            Resource::Organization(o) => non_empty(o.name.as_deref()),
            Resource::Location(l) => non_empty(l.name.as_deref()),
            Resource::PractitionerRole(role) => role.practitioner.as_ref().and_then(|p| self.name_of(p)),
            _ => None,
        });
        named.or_else(|| non_empty(reference.display.as_deref()))
    }

    /// The names of several references, in order, without the unknown ones and repeats.
    pub fn names_of<'r>(&self, references: impl IntoIterator<Item = &'r Reference>) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in references.into_iter().filter_map(|r| self.name_of(r)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// A person's name as written: the official name (else the usual, else the first), its text
/// when it has one, else prefixes, given names, family name and suffixes.
pub fn person_name(names: &[Option<HumanName>]) -> Option<String> {
    let names: Vec<&HumanName> = names.iter().flatten().collect();
    let chosen = [NameUse::Official, NameUse::Usual]
        .iter()
        .find_map(|wanted| names.iter().find(|n| n.r#use.as_ref() == Some(wanted)))
        .or_else(|| names.first())?;
    if let Some(text) = non_empty(chosen.text.as_deref()) {
        return Some(text);
    }
    let parts: Vec<&str> = chosen
        .prefix
        .iter()
        .chain(&chosen.given)
        .flatten()
        .map(String::as_str)
        .chain(chosen.family.as_deref())
        .chain(chosen.suffix.iter().flatten().map(String::as_str))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The text, trimmed, when there is any.
pub fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}
