import { describe, expect, it } from 'vitest';
import { parseSubject } from './report-types.ts';

describe('parseSubject', () => {
  it('reads a post, a comment and a profile', () => {
    expect(parseSubject('post:abc-1')).toEqual({ type: 'post', id: 'abc-1' });
    expect(parseSubject('comment:c1')).toEqual({ type: 'comment', id: 'c1' });
    expect(parseSubject('profile:ada')).toEqual({ type: 'profile', id: 'ada' });
  });

  it('refuses anything else', () => {
    for (const value of [null, '', 'post', 'post:', 'event:1', ':1', `post:${'x'.repeat(101)}`]) {
      expect(parseSubject(value), String(value)).toBeNull();
    }
  });
});
