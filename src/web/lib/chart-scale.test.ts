import { describe, expect, it } from 'vitest';
import { barPercent, scaleBars, shortLabel } from './chart-scale.ts';

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
