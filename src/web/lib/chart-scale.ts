// Pure layout of the server-rendered bar chart: how long each bar is, and labels short enough
// for one line of SVG text (the data table beside the chart keeps the full text).

/** One bar as the chart receives it. */
export interface BarInput {
  label: string;
  value: number;
  /** The value as shown (e.g. `3 votes · 60 %`); the number (with the unit) when absent. */
  text?: string;
}

/** One bar laid out: `fraction` of the full length (0–1). */
export interface BarLayout extends BarInput {
  fraction: number;
}

/**
 * The bars against the scale's top: `max` when given (never below the largest value), else the
 * largest value. Negative or non-finite values count as 0; a chart of zeros has empty bars.
 *
 * @example
 * scaleBars([{ label: 'a', value: 2 }, { label: 'b', value: 4 }]);
 * // { max: 4, bars: [{ label: 'a', value: 2, fraction: 0.5 }, { label: 'b', value: 4, fraction: 1 }] }
 */
export function scaleBars(
  bars: readonly BarInput[],
  max?: number
): { max: number; bars: BarLayout[] } {
  const clean = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0);
  const largest = bars.reduce((top, bar) => Math.max(top, clean(bar.value)), 0);
  const top = Math.max(largest, clean(max ?? 0));
  return {
    max: top,
    bars: bars.map((bar) => ({ ...bar, fraction: top === 0 ? 0 : clean(bar.value) / top }))
  };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A label cut to at most `length` characters (… included), at a word when one ends near the cut.
 *
 * @example
 * shortLabel('Kubernetes operators in production', 24); // 'Kubernetes operators…'
 */
export function shortLabel(label: string, length: number): string {
  const chars = Array.from(graphemes.segment(label.trim()), (part) => part.segment);
  if (chars.length <= length) return chars.join('');
  const cut = chars.slice(0, length - 1).join('');
  const space = cut.lastIndexOf(' ');
  const base = space >= length * 0.6 ? cut.slice(0, space) : cut;
  return `${base.trimEnd()}…`;
}

/**
 * A bar's length as an SVG percentage of `room` percent of the width, with a sliver for values
 * above 0 so that they never look like nothing.
 *
 * @example
 * barPercent(0.5, 70); // 35
 */
export function barPercent(fraction: number, room: number): number {
  if (fraction <= 0) return 0;
  return Math.max(Math.round(fraction * room * 10) / 10, 0.5);
}

/**
 * A round top for a value axis (1, 2, 2.5 or 5 times a power of ten, never below `value`), so the
 * grid lines fall on numbers people read at a glance; 1 for a chart of zeros.
 *
 * @example
 * niceMax(37); // 50
 * niceMax(0); // 1
 */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const top = step * power;
    if (top >= value - 1e-9) return top;
  }
  return 10 * power;
}

/** One column of a column chart laid out, in percent of the plot's width and of its height. */
export interface ColumnLayout {
  /** Index of the category (x) and of the series. */
  category: number;
  series: number;
  value: number;
  /** Left edge and width in percent of the plot's width. */
  x: number;
  width: number;
  /** Bottom and top as fractions of the height (0 at the baseline, 1 at the top). */
  from: number;
  to: number;
}

const clean = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Columns of one or more series over `categories` slots: side by side (`grouped`) or on top of
 * each other (`stacked`), against a round top (`niceMax` of the largest column, or `max` when
 * larger). Every value gets a column, zeros and missing values an empty one (from = to = 0).
 *
 * @example
 * layoutColumns([[1, 2]], 'grouped').columns[1]; // { category: 1, series: 0, value: 2, x: 56.25, width: 37.5, from: 0, to: 1 }
 */
export function layoutColumns(
  series: readonly (readonly (number | null)[])[],
  mode: 'grouped' | 'stacked',
  max?: number
): { max: number; columns: ColumnLayout[] } {
  const count = Math.max(0, ...series.map((values) => values.length));
  let largest = 0;
  for (let c = 0; c < count; c++) {
    if (mode === 'stacked') {
      largest = Math.max(
        largest,
        series.reduce((sum, values) => sum + clean(values[c]), 0)
      );
    } else {
      for (const values of series) largest = Math.max(largest, clean(values[c]));
    }
  }
  const top = niceMax(Math.max(largest, clean(max)));
  const slot = count === 0 ? 0 : 100 / count;
  /** Three quarters of each slot hold columns; the rest is space between categories. */
  const inner = slot * 0.75;
  const columns: ColumnLayout[] = [];
  for (let c = 0; c < count; c++) {
    let base = 0;
    series.forEach((values, s) => {
      const value = clean(values[c]);
      const fraction = value / top;
      if (mode === 'stacked') {
        columns.push({
          category: c,
          series: s,
          value,
          x: round2(c * slot + (slot - inner) / 2),
          width: round2(inner),
          from: base,
          to: base + fraction
        });
        base += fraction;
      } else {
        const width = inner / Math.max(1, series.length);
        columns.push({
          category: c,
          series: s,
          value,
          x: round2(c * slot + (slot - inner) / 2 + s * width),
          width: round2(width),
          from: 0,
          to: fraction
        });
      }
    });
  }
  return { max: top, columns };
}

/** One point of a line chart: where it sits, in percent of the width and a fraction of the height. */
export interface PointLayout {
  index: number;
  value: number;
  /** Centre of its slot, in percent of the plot's width. */
  x: number;
  /** 0 at the baseline, 1 at the top. */
  y: number;
}

/**
 * The points of a series over `count` slots (a point in the middle of each slot, as the columns
 * of a column chart), against `max` (a round top of the largest value when absent). Missing values
 * (null) get no point, and the line breaks there.
 *
 * @example
 * layoutPoints([10, null, 20], 40).map((p) => p.x); // [16.67, 83.33]
 */
export function layoutPoints(
  values: readonly (number | null)[],
  max?: number
): { max: number; points: PointLayout[] } {
  const largest = values.reduce<number>((top, value) => Math.max(top, clean(value)), 0);
  const top = max !== undefined && max > 0 ? Math.max(max, largest) : niceMax(largest);
  const slot = values.length === 0 ? 0 : 100 / values.length;
  const points: PointLayout[] = [];
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) return;
    points.push({ index, value, x: round2(index * slot + slot / 2), y: clean(value) / top });
  });
  return { max: top, points };
}

/**
 * The segments between neighbouring points (a gap where a value is missing), for `<line>`s.
 *
 * @example
 * segments([{ index: 0 }, { index: 1 }, { index: 3 }]).length; // 1
 */
export function segments<P extends { index: number }>(points: readonly P[]): [P, P][] {
  const pairs: [P, P][] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b && b.index === a.index + 1) pairs.push([a, b]);
  }
  return pairs;
}

/**
 * Which of `count` axis labels to show so that at most `room` stand side by side: every n-th,
 * counted back from the last (which always shows).
 *
 * @example
 * labelStep(24, 12); // 2
 */
export function labelStep(count: number, room: number): number {
  return count <= room ? 1 : Math.ceil(count / Math.max(1, room));
}
