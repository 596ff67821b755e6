//! Documents the chart holds (notes, imaging reports): DocumentReferences, and the text a
//! DiagnosticReport presents, shown as text when they are text.

use fhir_sdk::r4b::codes::{DiagnosticReportStatus, DocumentReferenceStatus};
use fhir_sdk::r4b::resources::{DiagnosticReport, DiagnosticReportEffective, DocumentReference};
use fhir_sdk::r4b::types::Attachment;
use portal_api::{DocumentContent, DocumentEntry};

use super::chart::{id_of, Chart};
use super::references::non_empty;
use super::{coded, dates};

/// Every document, newest first: each DocumentReference, and each DiagnosticReport that
/// presents a document (its results are in the results section either way).
pub fn documents(chart: &Chart<'_>) -> Vec<DocumentEntry> {
    let mut found: Vec<DocumentEntry> = chart
        .document_references()
        .filter_map(|d| document(chart, d))
        .chain(chart.diagnostic_reports().filter_map(|r| presented_report(chart, r)))
        .collect();
    found.sort_by(|a, b| dates::newest_first(a.date.as_ref(), b.date.as_ref()).then_with(|| a.id.cmp(&b.id)));
    found
}

/// One DocumentReference. None for one entered in error.
fn document(chart: &Chart<'_>, document: &DocumentReference) -> Option<DocumentEntry> {
    if document.status == DocumentReferenceStatus::EnteredInError {
        return None;
    }
    let context_period = document.context.as_ref().and_then(|c| c.period.as_ref());
    Some(DocumentEntry {
        id: id_of(&document.id),
        kind: coded::optional(document.r#type.as_ref()),
        description: non_empty(document.description.as_deref()),
        categories: coded::concepts(&document.category),
        date: document
            .date
            .as_ref()
            .and_then(dates::from_instant)
            .or_else(|| dates::period(context_period).0),
        authors: chart.references.names_of(document.author.iter().flatten()),
        status: document.status.as_ref().to_owned(),
        contents: document
            .content
            .iter()
            .flatten()
            .map(|c| content(&c.attachment))
            .collect(),
    })
}

/// A DiagnosticReport's presented form as a document. None when it presents none or was
/// entered in error.
fn presented_report(chart: &Chart<'_>, report: &DiagnosticReport) -> Option<DocumentEntry> {
    if report.status == DiagnosticReportStatus::EnteredInError
        || report.presented_form.iter().flatten().next().is_none()
    {
        return None;
    }
    let date = match report.effective.as_ref() {
        Some(DiagnosticReportEffective::DateTime(value)) => dates::from_date_time(value),
        Some(DiagnosticReportEffective::Period(period)) => dates::period(Some(period)).0,
        None => None,
    };
    Some(DocumentEntry {
        id: id_of(&report.id),
        kind: coded::concept(&report.code),
        description: non_empty(report.conclusion.as_deref()),
        categories: coded::concepts(&report.category),
        date: date.or_else(|| report.issued.as_ref().and_then(dates::from_instant)),
        authors: chart
            .references
            .names_of(report.performer.iter().chain(&report.results_interpreter).flatten()),
        status: report.status.as_ref().to_owned(),
        contents: report.presented_form.iter().flatten().map(content).collect(),
    })
}

/// An attachment, with its text when the chart holds it as plain text (UTF-8, the default of
/// `text/plain`).
fn content(attachment: &Attachment) -> DocumentContent {
    let content_type = non_empty(attachment.content_type.as_deref());
    let plain = content_type.as_deref().is_some_and(is_plain_text);
    let text = attachment
        .data
        .as_ref()
        .filter(|_| plain)
        .and_then(|data| String::from_utf8(data.0.clone()).ok())
        .and_then(|text| non_empty(Some(&text)));
    DocumentContent {
        title: non_empty(attachment.title.as_deref()),
        content_type,
        text,
    }
}

/// `text/plain`, with no charset or a UTF-8 (or ASCII) one.
fn is_plain_text(content_type: &str) -> bool {
    let mut parts = content_type.split(';').map(str::trim);
    if !parts.next().is_some_and(|kind| kind.eq_ignore_ascii_case("text/plain")) {
        return false;
    }
    parts.all(|parameter| match parameter.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("us-ascii")
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_in_utf8_only() {
        assert!(is_plain_text("text/plain"));
        assert!(is_plain_text("text/plain; charset=UTF-8"));
        assert!(!is_plain_text("text/plain; charset=iso-8859-1"));
        assert!(!is_plain_text("text/html"));
        assert!(!is_plain_text("application/pdf"));
    }
}
