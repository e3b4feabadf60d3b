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
