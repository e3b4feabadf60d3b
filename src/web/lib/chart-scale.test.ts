import { describe, expect, it } from 'vitest';
import {
  barPercent,
  labelStep,
  layoutColumns,
  layoutPoints,
  niceMax,
  scaleBars,
  segments,
  shortLabel
} from './chart-scale.ts';

describe('scaleBars', () => {
  it('scales against the largest value', () => {
    const { max, bars } = scaleBars([
      { label: 'a', value: 1 },
      { label: 'b', value: 4 },
      { label: 'c', value: 0 }
    ]);
    expect(max).toBe(4);
    expect(bars.map((b) => b.fraction)).toEqual([0.25, 1, 0]);
  });

  it('uses a given max, but never below the largest value', () => {
    expect(scaleBars([{ label: 'a', value: 5 }], 10).bars[0]?.fraction).toBe(0.5);
    expect(scaleBars([{ label: 'a', value: 5 }], 2)).toMatchObject({ max: 5 });
  });

  it('draws empty bars for no data and treats odd values as 0', () => {
    const { max, bars } = scaleBars([
      { label: 'a', value: 0 },
      { label: 'b', value: -3 },
      { label: 'c', value: Number.NaN }
    ]);
    expect(max).toBe(0);
    expect(bars.map((b) => b.fraction)).toEqual([0, 0, 0]);
    expect(scaleBars([]).bars).toEqual([]);
  });

  it('keeps the label, value and text of each bar', () => {
    expect(scaleBars([{ label: 'Yes', value: 2, text: '2 votes' }]).bars[0]).toEqual({
      label: 'Yes',
      value: 2,
      text: '2 votes',
      fraction: 1
    });
  });
});

describe('shortLabel', () => {
  it('leaves short labels alone', () => {
    expect(shortLabel('  Yes  ', 10)).toBe('Yes');
    expect(shortLabel('exactly10!', 10)).toBe('exactly10!');
  });

  it('cuts at a word when one ends near the cut', () => {
    expect(shortLabel('Kubernetes operators in production', 24)).toBe('Kubernetes operators…');
  });

  it('cuts inside a long word otherwise, counting graphemes, not code units', () => {
    expect(shortLabel('Donaudampfschifffahrt', 10)).toBe('Donaudamp…');
    expect(shortLabel('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
    expect(shortLabel('👩‍💻👩‍💻👩‍💻👩‍💻', 3)).toBe('👩‍💻👩‍💻…');
  });
});

describe('barPercent', () => {
  it('scales to the room left for bars', () => {
    expect(barPercent(1, 70)).toBe(70);
    expect(barPercent(0.5, 70)).toBe(35);
  });

  it('shows a sliver for tiny values and nothing for none', () => {
    expect(barPercent(0.001, 70)).toBe(0.5);
    expect(barPercent(0, 70)).toBe(0);
  });
});

describe('niceMax', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([1, 3, 7, 10, 11, 22, 37, 51, 100, 0.3].map(niceMax)).toEqual([
      1, 5, 10, 10, 20, 25, 50, 100, 100, 0.5
    ]);
  });

  it('gives 1 for zeros and odd values', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(-4)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
  });
});

describe('layoutColumns', () => {
  it('puts grouped columns side by side in each slot', () => {
    const { max, columns } = layoutColumns(
      [
        [2, 4],
        [1, 0]
      ],
      'grouped'
    );
    expect(max).toBe(5);
    expect(columns).toHaveLength(4);
    expect(columns.map((c) => [c.category, c.series, c.x, c.width, c.to])).toEqual([
      [0, 0, 6.25, 18.75, 0.4],
      [0, 1, 25, 18.75, 0.2],
      [1, 0, 56.25, 18.75, 0.8],
      [1, 1, 75, 18.75, 0]
    ]);
  });

  it('stacks columns on each other against the largest sum', () => {
    const { max, columns } = layoutColumns(
      [
        [3, 1],
        [2, null]
      ],
      'stacked'
    );
    expect(max).toBe(5);
    expect(columns.map((c) => [c.from, c.to])).toEqual([
      [0, 0.6],
      [0.6, 1],
      [0, 0.2],
      [0.2, 0.2]
    ]);
    expect(new Set(columns.map((c) => c.width))).toEqual(new Set([37.5]));
  });

  it('keeps a given top and gives every value a column, also without data', () => {
    expect(layoutColumns([[1]], 'grouped', 100).max).toBe(100);
    expect(layoutColumns([[0, 0, 0]], 'grouped').columns).toHaveLength(3);
    expect(layoutColumns([], 'stacked')).toEqual({ max: 1, columns: [] });
  });
});

describe('layoutPoints', () => {
  it('places a point in the middle of each slot and skips missing values', () => {
    const { max, points } = layoutPoints([10, null, 20], 40);
    expect(max).toBe(40);
    expect(points).toEqual([
      { index: 0, value: 10, x: 16.67, y: 0.25 },
      { index: 2, value: 20, x: 83.33, y: 0.5 }
    ]);
  });

  it('scales against a round top without a max, never below the largest value', () => {
    expect(layoutPoints([3, 7]).max).toBe(10);
    expect(layoutPoints([120], 100).max).toBe(120);
    expect(layoutPoints([]).points).toEqual([]);
  });
});

describe('segments', () => {
  it('joins neighbours and breaks at gaps', () => {
    const pairs = segments([{ index: 0 }, { index: 1 }, { index: 3 }, { index: 4 }]);
    expect(pairs.map(([a, b]) => [a.index, b.index])).toEqual([
      [0, 1],
      [3, 4]
    ]);
    expect(segments([{ index: 2 }])).toEqual([]);
  });
});

describe('labelStep', () => {
  it('shows every label while they fit, else every n-th', () => {
    expect(labelStep(12, 12)).toBe(1);
    expect(labelStep(24, 12)).toBe(2);
    expect(labelStep(25, 12)).toBe(3);
  });
});
