// The geometry of a trend chart, as plain functions (the component only draws): where each
// point goes, the expected range as a band, and the axes' ticks.
import type { ResultFlag, ResultSeries } from "./ipc";
import { chartDateTime } from "./record-words";
import { activeLocale } from "./i18n/core";

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const CHART_BOX: ChartBox = { width: 640, height: 270, left: 56, right: 20, top: 28, bottom: 36 };

/**
 * The chart's box when it is drawn `widthPx` CSS pixels wide with text `scale` times the
 * usual size (1 at 16px, 2 when the person doubled the text): one unit of the chart is `scale`
 * pixels, so its labels are as large as the text around them, and a chart with larger text is
 * taller (WCAG 1.4.4). Unknown sizes give the usual box.
 */
export function chartBoxFor(widthPx: number, scale: number): ChartBox {
  if (!(widthPx > 0) || !(scale > 0)) return CHART_BOX;
  const width = Math.round(widthPx / Math.min(Math.max(scale, 0.5), 4));
  return { ...CHART_BOX, width: Math.min(Math.max(width, 200), 1600) };
}

/** A date label takes about this much of the chart's width: fewer labels on a narrow chart. */
const X_LABEL_ROOM = 110;

export interface PlacedPoint {
  /** Which line (its index in the series). */
  line: number;
  /** The point's index in its line. */
  index: number;
  x: number;
  y: number;
  time: number;
  value: number;
  flag: ResultFlag | null;
}

export interface Band {
  line: number;
  y: number;
  height: number;
}

export interface Tick {
  at: number;
  label: string;
}

export interface TrendLayout {
  points: PlacedPoint[];
  /** Each line's points, oldest first, as SVG path data. */
  paths: string[];
  bands: Band[];
  yTicks: Tick[];
  xTicks: Tick[];
}

/** Round steps: 1, 2, 2.5, 5 × 10ⁿ, about `count` of them over `span`. */
export function niceStep(span: number, count = 4): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

// In the language chosen's locale (en-US without the UI).
const tickNumber = { format: (n: number) => new Intl.NumberFormat(activeLocale(), { maximumFractionDigits: 2 }).format(n) };
const monthYear = {
  format: (d: Date) => new Intl.DateTimeFormat(activeLocale(), { month: "short", year: "numeric", timeZone: "UTC" }).format(d),
};
const dayMonthYear = {
  format: (d: Date) => new Intl.DateTimeFormat(activeLocale(), { dateStyle: "medium", timeZone: "UTC" }).format(d),
};

/** Where every point, line, band and tick goes in `box`. */
export function layout(series: ResultSeries, box: ChartBox = CHART_BOX): TrendLayout {
  const raw = series.lines.flatMap((line, l) =>
    line.points.map((p, index) => ({ line: l, index, time: chartDateTime(p.date), value: p.value, flag: p.flag })),
  );
  const values = raw.map((p) => p.value);
  for (const line of series.lines) {
    const range = line.reference_range;
    if (range?.low !== null && range?.low !== undefined) values.push(range.low);
    if (range?.high !== null && range?.high !== undefined) values.push(range.high);
  }
  let low = values.length > 0 ? Math.min(...values) : 0;
  let high = values.length > 0 ? Math.max(...values) : 1;
  if (high === low) {
    const pad = Math.abs(high) * 0.1 || 1;
    low -= pad;
    high += pad;
  }
  const step = niceStep(high - low);
  low = Math.floor((low - (high - low) * 0.05) / step) * step;
  high = Math.ceil((high + (high - low) * 0.05) / step) * step;

  const times = raw.map((p) => p.time);
  const first = times.length > 0 ? Math.min(...times) : 0;
  const last = times.length > 0 ? Math.max(...times) : 1;
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const x = (time: number) => (last === first ? box.left + plotWidth / 2 : box.left + ((time - first) / (last - first)) * plotWidth);
  const y = (value: number) => box.top + ((high - value) / (high - low)) * plotHeight;

  const points: PlacedPoint[] = raw.map((p) => ({ ...p, x: x(p.time), y: y(p.value) }));
  const paths = series.lines.map((_, l) =>
    points
      .filter((p) => p.line === l)
      .sort((a, b) => a.time - b.time)
      .map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
      .join(" "),
  );
  const bands: Band[] = [];
  series.lines.forEach((line, l) => {
    const range = line.reference_range;
    if (!range || (range.low === null && range.high === null)) return;
    const top = y(range.high ?? high);
    const bottom = y(range.low ?? low);
    bands.push({ line: l, y: top, height: Math.max(bottom - top, 1) });
  });

  const yTicks: Tick[] = [];
  for (let v = low; v <= high + step / 2; v += step) {
    yTicks.push({ at: y(v), label: tickNumber.format(Number(v.toFixed(6))) });
  }

  const xTicks: Tick[] = [];
  if (times.length > 0) {
    const spanDays = (last - first) / 86_400_000;
    const format = spanDays > 400 ? monthYear : dayMonthYear;
    const room = Math.max(2, Math.floor(plotWidth / X_LABEL_ROOM));
    const count = last === first ? 1 : Math.min(4, room, new Set(times).size);
    for (let i = 0; i < count; i += 1) {
      const time = count === 1 ? first : first + ((last - first) * i) / (count - 1);
      xTicks.push({ at: x(time), label: format.format(new Date(time)) });
    }
  }
  return { points, paths, bands, yTicks, xTicks };
}
