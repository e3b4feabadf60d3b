import { describe, expect, it } from 'vitest';
import { changeItem, itemProblem, moveItem, removeItem } from './agenda-edit.ts';

const items = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('moveItem', () => {
  it('moves an item one place up or down', () => {
    expect(moveItem(items, 'b', 'up')?.map((i) => i.id)).toEqual(['b', 'a', 'c']);
    expect(moveItem(items, 'b', 'down')?.map((i) => i.id)).toEqual(['a', 'c', 'b']);
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses to move past either end or an item that is gone', () => {
    expect(moveItem(items, 'a', 'up')).toBeNull();
    expect(moveItem(items, 'c', 'down')).toBeNull();
    expect(moveItem(items, 'x', 'up')).toBeNull();
  });
});

describe('removeItem and changeItem', () => {
  it('removes or changes only the item asked for', () => {
    expect(removeItem(items, 'b')?.map((i) => i.id)).toEqual(['a', 'c']);
    expect(removeItem(items, 'x')).toBeNull();
    const kinds = [
      { id: 'a', title: 'Intro' },
      { id: 'b', title: 'Talk' }
    ];
    expect(changeItem(kinds, 'b', { title: 'Keynote' })).toEqual([
      { id: 'a', title: 'Intro' },
      { id: 'b', title: 'Keynote' }
    ]);
    expect(changeItem(kinds, 'x', { title: 'Keynote' })).toBeNull();
  });
});

describe('itemProblem', () => {
  it('renames the errors of one item to its inputs and keeps the others', () => {
    const problem = itemProblem(
      {
        type: 'about:blank',
        title: 'Invalid',
        status: 400,
        errors: [
          { field: 'items.2.title', message: 'Required.' },
          { field: 'items.1.durationMinutes', message: 'Too long.' },
          { field: 'items.20.title', message: 'Other.' }
        ]
      },
      2
    );
    expect(problem.errors).toEqual([
      { field: 'title', message: 'Required.' },
      { field: 'items.1.durationMinutes', message: 'Too long.' },
      { field: 'items.20.title', message: 'Other.' }
    ]);
  });
});
