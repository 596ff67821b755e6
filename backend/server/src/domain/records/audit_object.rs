//! How a look at a chart is named in the audit log's `object` column, and read back for the
//! patient's access log: `chart:{id}/summary`, `chart:{id}/section/{section}`,
//! `chart:{id}/series/{code}`, `chart:{id}/export`, `chart:{id}/break-the-glass`.

use portal_api::{AccessedPart, RecordSection};

/// The audit object of a look at `part` of chart `chart_id` (parts of a chart only: a
/// conversation is named by its thread).
pub fn object(chart_id: i64, part: &AccessedPart) -> String {
    let rest = match part {
        AccessedPart::Summary => "summary".to_string(),
        AccessedPart::Section { section } => format!("section/{}", section.as_str()),
        AccessedPart::ResultSeries { code } => format!("series/{code}"),
        AccessedPart::Export => "export".to_string(),
        AccessedPart::BreakTheGlass => "break-the-glass".to_string(),
        AccessedPart::Conversations | AccessedPart::Conversation | AccessedPart::Attachment => "other".to_string(),
    };
    format!("chart:{chart_id}/{rest}")
}

/// The chart and part an [`object`] names; `None` for any other object.
pub fn parse(object: &str) -> Option<(i64, AccessedPart)> {
    let rest = object.strip_prefix("chart:")?;
    let (id, part) = rest.split_once('/')?;
    let chart_id = id.parse().ok()?;
    let part = match part.split_once('/') {
        None if part == "summary" => AccessedPart::Summary,
        None if part == "export" => AccessedPart::Export,
        None if part == "break-the-glass" => AccessedPart::BreakTheGlass,
        Some(("section", name)) => AccessedPart::Section {
            section: RecordSection::parse(name)?,
        },
        Some(("series", code)) if !code.is_empty() => AccessedPart::ResultSeries { code: code.to_string() },
        _ => return None,
    };
    Some((chart_id, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_chart_reads_back() {
        let mut parts = vec![
            AccessedPart::Summary,
            AccessedPart::Export,
            AccessedPart::BreakTheGlass,
            AccessedPart::ResultSeries { code: "8480-6".into() },
        ];
        parts.extend(RecordSection::ALL.map(|section| AccessedPart::Section { section }));
        for part in parts {
            assert_eq!(parse(&object(42, &part)), Some((42, part.clone())), "{part:?}");
        }
        assert_eq!(object(7, &AccessedPart::Summary), "chart:7/summary");
    }

    #[test]
    fn other_objects_are_not_chart_looks() {
        for text in [
            "thread:4",
            "chart:x/summary",
            "chart:4/section/nope",
            "chart:4/series/",
            "chart:4",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
