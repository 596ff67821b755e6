// Unit tests of the record's words (record-words.ts, record-entries.ts) and the trend chart's
// geometry (trend.ts), in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accessedPartInWords,
  chartDateInWords,
  daysAgoInWords,
  describeAllergy,
  describeVisit,
  flagInWords,
  isFlagged,
  layout,
  niceStep,
  rangeInWords,
  releaseInWords,
  statusInWords,
  valueInWords,
  CHART_BOX,
  chartBoxFor,
} from "./.harness/units/units.js";

const day = (date, at = null) => ({ date, precision: "day", at });

test("dates are shown as precisely as the chart gives them", () => {
  assert.equal(chartDateInWords({ date: "2019-01-01", precision: "year", at: null }), "2019");
  assert.equal(chartDateInWords({ date: "2019-05-01", precision: "month", at: null }), "May 2019");
  assert.equal(chartDateInWords(day("2019-05-19")), "May 19, 2019");
  // A calendar date is never moved to the day before by the time zone.
  assert.equal(chartDateInWords(day("2019-01-01")), "January 1, 2019");
  assert.equal(chartDateInWords(null), null);
});

test("FHIR statuses are in words, each kind its own, unknown codes readable", () => {
  assert.equal(statusInWords("visit", "finished"), "Completed");
  assert.equal(statusInWords("medication", "active"), "Taking now");
  assert.equal(statusInWords("medication", "stopped"), "Stopped");
  assert.equal(statusInWords("problem", "recurrence"), "Came back");
  assert.equal(statusInWords("immunization", "not-done"), "Not given");
  assert.equal(statusInWords("care-plan", "revoked"), "Stopped");
  assert.equal(statusInWords("result", "final"), "Final");
  assert.equal(statusInWords("procedure", "some-new-code"), "Some new code");
  assert.equal(statusInWords("allergy", null), null);
});

test("values, ranges and flags are written out", () => {
  assert.equal(valueInWords({ kind: "number", value: 85.7871086537278, unit: "kg", comparator: null }), "85.79 kg");
  assert.equal(valueInWords({ kind: "number", value: 5, unit: "mg/dL", comparator: "<" }), "< 5 mg/dL");
  assert.equal(valueInWords({ kind: "number", value: 120, unit: "mm[Hg]", comparator: null }), "120 mmHg");
  assert.equal(valueInWords({ kind: "number", value: 3, unit: "{score}", comparator: null }), "3");
  assert.equal(valueInWords({ kind: "coded", value: { text: "Never smoker", system: null, code: null } }), "Never smoker");
  assert.equal(valueInWords({ kind: "boolean", value: false }), "No");
  assert.equal(valueInWords(null), "No value");
  assert.equal(rangeInWords({ low: 3.5, high: 5, unit: "g/dL", text: null }), "3.5–5 g/dL");
  assert.equal(rangeInWords({ low: null, high: 200, unit: "mg/dL", text: null }), "up to 200 mg/dL");
  assert.equal(rangeInWords({ low: 40, high: null, unit: "mg/dL", text: null }), "at least 40 mg/dL");
  assert.equal(rangeInWords({ low: null, high: null, unit: null, text: "negative" }), "negative");
  assert.equal(flagInWords("critically_high"), "Critically high");
  assert.equal(isFlagged("normal"), false);
  assert.equal(isFlagged(null), false);
  assert.equal(isFlagged("low"), true);
});

test("a result's release and what someone looked at are in words", () => {
  const now = Date.parse("2026-11-30T15:00:00Z");
  assert.equal(releaseInWords({ state: "released", at: "2026-11-27T15:00:00Z" }, now), "Released 3 days ago");
  assert.equal(releaseInWords({ state: "released", at: "2026-11-30T09:00:00Z" }, now), "Released today");
  assert.equal(
    releaseInWords({ state: "waiting", until: null, reviewer: "Dr. Adaeze Okafor" }, now),
    "Waiting for Dr. Adaeze Okafor's review",
  );
  assert.match(releaseInWords({ state: "waiting", until: "2026-12-03T15:00:00Z", reviewer: null }, now), /^Will be released on December 3, 2026$/);
  assert.equal(releaseInWords({ state: "waiting", until: null, reviewer: null }, now), "Waiting for your physician's review");
  assert.equal(daysAgoInWords("2026-11-29T15:00:00Z", now), "yesterday");
  assert.equal(accessedPartInWords({ kind: "section", section: "care-plans" }), "Your care plans");
  assert.equal(accessedPartInWords({ kind: "summary" }), "The summary of your record");
  assert.equal(accessedPartInWords({ kind: "result_series", code: "29463-7" }), "The trend of one of your results");
});

test("entries are described with what the chart says, nothing empty", () => {
  const allergy = describeAllergy({
    id: "a1",
    substance: { text: "Peanut", system: null, code: null },
    clinical_status: "active",
    active: true,
    kind: "allergy",
    categories: ["food"],
    criticality: "high",
    reactions: [{ manifestations: [{ text: "Hives", system: null, code: null }], severity: "severe", description: null, substance: null }],
    severity: "severe",
    onset: { date: "2010-01-01", precision: "year", at: null },
    recorded: null,
  });
  assert.equal(allergy.title, "Peanut");
  assert.equal(allergy.status, "Active");
  assert.equal(allergy.when, "2010");
  assert.deepEqual(
    allergy.details.map((d) => `${d.label}: ${d.value}`),
    ["Reactions: Hives (severe)", "Severity: Severe", "Risk: High risk of a serious reaction", "Kind: Allergy", "To: Food"],
  );
  const visit = describeVisit({
    id: "v1",
    start: day("2020-04-26"),
    end: null,
    status: "finished",
    class: "AMB",
    kinds: [{ text: "General examination of patient (procedure)", system: null, code: null }],
    clinicians: ["Dr. Jon Smith"],
    provider: null,
    reasons: [],
    diagnoses: [],
    procedures: [],
    immunizations: [],
    medications: [],
    results: [],
  });
  assert.equal(visit.status, "Completed");
  assert.deepEqual(
    visit.details.map((d) => d.label),
    ["Type", "With"],
  );
});

test("the trend chart places points in time and the range as a band", () => {
  assert.equal(niceStep(10), 2.5);
  assert.equal(niceStep(100, 4), 25);
  const line = (points, range = null) => ({
    code: "2093-3",
    name: { text: "Total Cholesterol", system: null, code: "2093-3" },
    unit: "mg/dL",
    reference_range: range,
    points: points.map(([date, value], i) => ({ observation_id: `o${i}`, date: day(date), value, flag: null })),
  });
  const series = {
    code: "2093-3",
    name: null,
    lines: [line([["2015-01-01", 180], ["2017-01-01", 190], ["2019-01-01", 230]], { low: null, high: 200, unit: "mg/dL", text: null })],
  };
  const g = layout(series);
  assert.equal(g.points.length, 3);
  const [a, b, c] = [...g.points].sort((p, q) => p.time - q.time);
  assert.equal(a.x, CHART_BOX.left, "the oldest at the left");
  assert.equal(c.x, CHART_BOX.width - CHART_BOX.right, "the newest at the right");
  assert.ok(Math.abs(b.x - (a.x + c.x) / 2) < 1, "two years each side");
  assert.ok(c.y < a.y, "higher values are higher up");
  assert.equal(g.bands.length, 1);
  const band = g.bands[0];
  assert.ok(band.y > c.y, "230 is above the top of the band (200)");
  assert.equal(band.y + band.height, CHART_BOX.height - CHART_BOX.bottom, "a range with no low reaches the axis");
  assert.ok(g.yTicks.length >= 3);
  assert.ok(g.xTicks.length >= 2);
  assert.match(g.paths[0], /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);

  const single = layout({ code: "x", name: null, lines: [line([["2020-04-26", 85.79]])] });
  assert.equal(single.points[0].x, CHART_BOX.left + (CHART_BOX.width - CHART_BOX.left - CHART_BOX.right) / 2, "one value is centred");
  assert.ok(Number.isFinite(single.points[0].y));
});

test("a trend chart's labels are as large as the text around it: one unit is the text's scale in pixels", () => {
  assert.equal(chartBoxFor(600, 1).width, 600, "usual text: one unit, one pixel");
  assert.equal(chartBoxFor(556, 2).width, 278, "text at 200%: half as many units, so everything drawn twice as large");
  assert.equal(chartBoxFor(600, 2).height, CHART_BOX.height, "and the chart twice as tall");
  assert.deepEqual(chartBoxFor(0, 2), CHART_BOX, "not measured yet: the usual box");
  assert.deepEqual(chartBoxFor(600, Number.NaN), CHART_BOX);
  assert.equal(chartBoxFor(100, 4).width, 200, "never narrower than a chart can be");
  // A narrow chart has fewer date labels, so they do not overlap.
  const day = (d) => ({ date: d, precision: "day" });
  const series = {
    code: "x",
    name: null,
    lines: [
      {
        name: { text: "Weight", code: "x" },
        unit: "kg",
        reference_range: null,
        points: ["2012-05-01", "2015-01-01", "2017-08-01", "2020-04-01"].map((d, i) => ({ observation_id: `o${i}`, date: day(d), value: 70 + i, flag: null })),
      },
    ],
  };
  assert.equal(layout(series, CHART_BOX).xTicks.length, 4);
  assert.equal(layout(series, chartBoxFor(556, 2)).xTicks.length, 2);
});
