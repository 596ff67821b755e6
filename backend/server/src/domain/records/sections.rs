//! A section of the record as a page: the view makes the section whole (newest first), and
//! [`paging`] cuts the page out of it.

use portal_api::{RecordPage, RecordSection, SectionEntries};

use super::paging::{self, PageRequest};
use super::view::Chart;
use super::view::{
    allergies, care_plans, documents, immunizations, medications, problems, procedures, results, visits,
};

/// The whole of `section`, newest first, as the view makes it.
pub fn entries(chart: &Chart<'_>, section: RecordSection) -> SectionEntries {
    match section {
        RecordSection::Visits => SectionEntries::Visits(visits::visits(chart)),
        RecordSection::Results => SectionEntries::Results(results::results(chart)),
        RecordSection::Medications => SectionEntries::Medications(medications::medications(chart)),
        RecordSection::Allergies => SectionEntries::Allergies(allergies::allergies(chart)),
        RecordSection::Problems => SectionEntries::Problems(problems::problems(chart)),
        RecordSection::Immunizations => SectionEntries::Immunizations(immunizations::immunizations(chart)),
        RecordSection::Procedures => SectionEntries::Procedures(procedures::procedures(chart)),
        RecordSection::CarePlans => SectionEntries::CarePlans(care_plans::care_plans(chart)),
        RecordSection::Documents => SectionEntries::Documents(documents::documents(chart)),
    }
}

/// How many entries `entries` holds.
pub fn count(entries: &SectionEntries) -> usize {
    macro_rules! len {
        ($($variant:ident),*) => {
            match entries {
                $(SectionEntries::$variant(items) => items.len(),)*
            }
        };
    }
    len!(
        Visits,
        Results,
        Medications,
        Allergies,
        Problems,
        Immunizations,
        Procedures,
        CarePlans,
        Documents
    )
}

/// The page `request` asks of `section`.
pub fn page(chart: &Chart<'_>, section: RecordSection, request: PageRequest) -> RecordPage {
    macro_rules! paged {
        ($($variant:ident),*) => {
            match entries(chart, section) {
                $(SectionEntries::$variant(items) => {
                    let page = paging::page(items, |entry| entry.id.as_str(), request);
                    (SectionEntries::$variant(page.items), page.total, page.next)
                })*
            }
        };
    }
    let (entries, total, next_cursor) = paged!(
        Visits,
        Results,
        Medications,
        Allergies,
        Problems,
        Immunizations,
        Procedures,
        CarePlans,
        Documents
    );
    RecordPage {
        entries,
        total,
        next_cursor,
    }
}
