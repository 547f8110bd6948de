import { describe, expect, it } from 'vitest';
import { LinkList } from '../../../src/core/dedupe/link-list.js';

describe('LinkList', () => {
  it('gives back every link as pushed, across growth of its columns', () => {
    const links = new LinkList(2);
    const rules = ['doi', 'similar-title', 'title-author-year', 'resolution', 'title-locator', 'main-title-author-year'] as const;
    for (let x = 0; x < 50; x++) expect(links.push(x, x + 1000, rules[x % rules.length], x / 64)).toBe(x);
    expect(links.length).toBe(50);
    for (let x = 0; x < 50; x++) {
      expect([links.a(x), links.b(x), links.rule(x), links.score(x)]).toEqual([x, x + 1000, rules[x % rules.length], x / 64]);
    }
  });

  it('orders DOI links first, then by score (highest first), people last, ties by record numbers then insertion', () => {
    const links = new LinkList();
    links.push(5, 9, 'similar-title', 0.9); // 0
    links.push(1, 2, 'resolution', 1); // 1
    links.push(7, 8, 'doi', 1); // 2
    links.push(3, 4, 'title-author-year', 0.95); // 3
    links.push(0, 6, 'title-locator', 0.9); // 4
    links.push(0, 3, 'title-locator', 0.9); // 5
    links.push(2, 3, 'doi', 1); // 6
    links.push(0, 3, 'similar-title', 0.9); // 7: the same ends as 5, inserted later
    expect(Array.from(links.strongestFirst())).toEqual([6, 2, 3, 5, 7, 4, 0, 1]);
  });

  it('refuses a rule it does not know (a bug, not input)', () => {
    expect(() => new LinkList().push(0, 1, 'nonsense' as never, 1)).toThrow(/unknown dedupe rule/);
  });
});
