//! A result's series for a trend chart: every number recorded under one code, as lines of one
//! part and unit each, oldest first.

use std::collections::BTreeMap;

use portal_api::{
    ChartDate, Coded, ObservedValue, ReferenceRange, ResultFlag, ResultSeries, ResultValue, SeriesLine, SeriesPoint,
};

use super::dates;

/// Which parts of a result carry the code a series is for: the result's own code, and each of
/// its components' (the caller compares every coding, which [`ResultValue`] no longer holds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeMatch {
    pub result: bool,
    /// One per component of the result, in order.
    pub components: Vec<bool>,
}

/// One number on a series' chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    observation_id: String,
    date: ChartDate,
    /// The concept that carries the series' code (the result's or a component's).
    series_name: Coded,
    line_code: String,
    line_name: Coded,
    unit: Option<String>,
    value: f64,
    flag: Option<ResultFlag>,
    range: Option<ReferenceRange>,
}

/// The numbers of one result that belong on the series of `code`: its value when its own code
/// matches (or, when it is measured in parts, one per part, on that part's line); a component's
/// value when the component's code matches. An undated result has no place on a chart.
pub fn samples(code: &str, result: &ResultValue, matched: &CodeMatch) -> Vec<Sample> {
    let Some(date) = result.date else {
        return Vec::new();
    };
    let sample = |series_name: &Coded,
                  line_code: &str,
                  line_name: &Coded,
                  value: &Option<ObservedValue>,
                  flag,
                  range: &Option<ReferenceRange>| {
        let Some(ObservedValue::Number { value, unit, .. }) = value else {
            return None;
        };
        Some(Sample {
            observation_id: result.id.clone(),
            date,
            series_name: series_name.clone(),
            line_code: line_code.to_owned(),
            line_name: line_name.clone(),
            unit: unit.clone(),
            value: *value,
            flag,
            range: range.clone(),
        })
    };
    let mut found = Vec::new();
    if matched.result {
        found.extend(sample(
            &result.name,
            code,
            &result.name,
            &result.value,
            result.flag,
            &result.reference_range,
        ));
        for component in &result.components {
            let line_code = component.name.code.as_deref().unwrap_or(&component.name.text);
            found.extend(sample(
                &result.name,
                line_code,
                &component.name,
                &component.value,
                component.flag,
                &component.reference_range,
            ));
        }
    } else {
        for (component, _) in result
            .components
            .iter()
            .zip(&matched.components)
            .filter(|(_, matched)| **matched)
        {
            found.extend(sample(
                &component.name,
                code,
                &component.name,
                &component.value,
                component.flag,
                &component.reference_range,
            ));
        }
    }
    found
}

/// The series of `code` from its samples: one line per part and unit (the lines with the most
/// points first), each oldest first with the newest reference range it has.
pub fn build(code: &str, mut samples: Vec<Sample>) -> ResultSeries {
    samples.sort_by(|a, b| {
        dates::instant(&a.date)
            .cmp(&dates::instant(&b.date))
            .then_with(|| a.observation_id.cmp(&b.observation_id))
    });
    let name = samples.last().map(|newest| newest.series_name.clone());
    let mut lines: BTreeMap<(String, Option<String>), SeriesLine> = BTreeMap::new();
    for sample in samples {
        let line = lines
            .entry((sample.line_code.clone(), sample.unit.clone()))
            .or_insert_with(|| SeriesLine {
                code: sample.line_code.clone(),
                name: sample.line_name.clone(),
                unit: sample.unit.clone(),
                reference_range: None,
                points: Vec::new(),
            });
        // Oldest first, so the last name and range seen are the newest.
        line.name = sample.line_name;
        if sample.range.is_some() {
            line.reference_range = sample.range;
        }
        line.points.push(SeriesPoint {
            observation_id: sample.observation_id,
            date: sample.date,
            value: sample.value,
            flag: sample.flag,
        });
    }
    let mut lines: Vec<SeriesLine> = lines.into_values().collect();
    lines.sort_by_key(|line| std::cmp::Reverse(line.points.len()));
    ResultSeries {
        code: code.to_owned(),
        name,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use portal_api::ResultComponent;

    use super::*;

    fn coded(code: &str, text: &str) -> Coded {
        Coded {
            text: text.into(),
            system: Some("http://loinc.org".into()),
            code: Some(code.into()),
        }
    }

    fn number(value: f64, unit: &str) -> Option<ObservedValue> {
        Some(ObservedValue::Number {
            value,
            unit: Some(unit.into()),
            comparator: None,
        })
    }

    fn result(
        id: &str,
        date: &str,
        name: Coded,
        value: Option<ObservedValue>,
        components: Vec<ResultComponent>,
    ) -> ResultValue {
        ResultValue {
            id: id.into(),
            name,
            date: dates::parse(date),
            status: "final".into(),
            value,
            reference_range: None,
            flag: None,
            flag_source: None,
            components,
            notes: Vec::new(),
        }
    }

    fn component(name: Coded, value: Option<ObservedValue>) -> ResultComponent {
        ResultComponent {
            name,
            value,
            reference_range: None,
            flag: None,
            flag_source: None,
        }
    }

    fn blood_pressure(id: &str, date: &str, systolic: f64, diastolic: f64) -> ResultValue {
        result(
            id,
            date,
            coded("55284-4", "Blood Pressure"),
            None,
            vec![
                component(coded("8462-4", "Diastolic Blood Pressure"), number(diastolic, "mm[Hg]")),
                component(coded("8480-6", "Systolic Blood Pressure"), number(systolic, "mm[Hg]")),
            ],
        )
    }

    #[test]
    fn values_of_a_code_oldest_first_with_the_newest_range() {
        let weight = coded("29463-7", "Body Weight");
        let mut newer = result("b", "2020-01-01", weight.clone(), number(80.0, "kg"), Vec::new());
        newer.reference_range = Some(ReferenceRange {
            low: Some(60.0),
            high: Some(90.0),
            unit: Some("kg".into()),
            text: None,
        });
        let older = result("a", "2019-01-01", weight.clone(), number(82.0, "kg"), Vec::new());
        let undated = result("c", "", weight.clone(), number(81.0, "kg"), Vec::new());
        let matched = CodeMatch {
            result: true,
            components: Vec::new(),
        };
        let samples = [newer, older, undated]
            .iter()
            .flat_map(|r| samples("29463-7", r, &matched))
            .collect();
        let series = build("29463-7", samples);
        assert_eq!(series.name, Some(weight));
        assert_eq!(series.lines.len(), 1);
        let line = &series.lines[0];
        assert_eq!(
            line.points.iter().map(|p| p.value).collect::<Vec<_>>(),
            vec![82.0, 80.0]
        );
        assert_eq!(line.reference_range.as_ref().and_then(|r| r.high), Some(90.0));
        assert_eq!(line.unit.as_deref(), Some("kg"));
    }

    #[test]
    fn a_panel_code_gives_a_line_per_part() {
        let matched = CodeMatch {
            result: true,
            components: vec![false, false],
        };
        let samples = [
            blood_pressure("a", "2019-01-01", 120.0, 80.0),
            blood_pressure("b", "2020-01-01", 130.0, 85.0),
        ]
        .iter()
        .flat_map(|r| samples("55284-4", r, &matched))
        .collect();
        let series = build("55284-4", samples);
        let codes: Vec<_> = series.lines.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["8462-4", "8480-6"]);
        assert_eq!(
            series.lines[1].points.iter().map(|p| p.value).collect::<Vec<_>>(),
            vec![120.0, 130.0]
        );
        assert_eq!(series.name.unwrap().text, "Blood Pressure");
    }

    #[test]
    fn a_part_code_takes_that_part_of_each_panel() {
        let matched = CodeMatch {
            result: false,
            components: vec![false, true],
        };
        let samples = samples("8480-6", &blood_pressure("a", "2019-01-01", 120.0, 80.0), &matched);
        let series = build("8480-6", samples);
        assert_eq!(series.lines.len(), 1);
        assert_eq!(series.lines[0].code, "8480-6");
        assert_eq!(series.lines[0].points[0].value, 120.0);
        assert_eq!(series.name.unwrap().text, "Systolic Blood Pressure");
    }

    #[test]
    fn another_unit_is_another_line_and_text_values_are_left_out() {
        let weight = coded("29463-7", "Body Weight");
        let matched = CodeMatch {
            result: true,
            components: Vec::new(),
        };
        let results = [
            result("a", "2019-01-01", weight.clone(), number(180.0, "[lb_av]"), Vec::new()),
            result("b", "2019-02-01", weight.clone(), number(80.0, "kg"), Vec::new()),
            result("c", "2019-03-01", weight.clone(), number(81.0, "kg"), Vec::new()),
            result(
                "d",
                "2019-04-01",
                weight,
                Some(ObservedValue::Text {
                    value: "not weighed".into(),
                }),
                Vec::new(),
            ),
        ];
        let series = build(
            "29463-7",
            results.iter().flat_map(|r| samples("29463-7", r, &matched)).collect(),
        );
        let lines: Vec<_> = series
            .lines
            .iter()
            .map(|l| (l.unit.as_deref(), l.points.len()))
            .collect();
        assert_eq!(lines, [(Some("kg"), 2), (Some("[lb_av]"), 1)]);
    }

    #[test]
    fn no_sample_is_an_empty_series() {
        let series = build("29463-7", Vec::new());
        assert_eq!(
            series,
            ResultSeries {
                code: "29463-7".into(),
                name: None,
                lines: Vec::new()
            }
        );
    }
}
