// The per-record keys share what records repeat (author names, first-author keys) and pack the
// title's letter counts into one string. Sharing must never change an answer, only memory.
import { describe, expect, it } from 'vitest';
import { matchKeys, titlesAlike } from '../../../src/core/dedupe/pair-assessment.js';
import { rec } from '../../helpers/records.js';

const settings = { yearTolerance: 1, matchMainTitle: true };

describe('keys shared between records', () => {
  it('one name object per surname + initial, whatever the given name was spelt as', () => {
    const a = matchKeys(rec({ id: 'a', title: 'Social work and mental health services', authors: 'Webber, M.; Robinson, K.' }), 0);
    const b = matchKeys(rec({ id: 'b', title: 'Another title about social work practice', authors: 'Webber, Martin; Robinson, Kim' }), 1);
    const c = matchKeys(rec({ id: 'c', title: 'A third title about social work practice', authors: 'Webber, Anne' }), 2);
    expect(a.authors[0]).toBe(b.authors[0]);
    expect(a.authors[1]).toBe(b.authors[1]);
    expect(a.authors[0]).not.toBe(c.authors[0]);
    expect(c.authors[0]).toEqual({ family: 'webber', initial: 'a' });
    // Shared objects are read, never written: a second record does not change the first one's names.
    expect(a.authors.map((n) => `${n.family} ${n.initial}`)).toEqual(['webber m', 'robinson k']);
  });

  it('one first-author key per name, and none for a missing one', () => {
    const a = matchKeys(rec({ id: 'a', title: 'x', authors: 'van Doorn, J.' }), 0);
    const b = matchKeys(rec({ id: 'b', title: 'y', authors: 'van Doorn, Jan' }), 1);
    const none = matchKeys(rec({ id: 'n', title: 'z', authors: 'NA, ' }), 2);
    expect(a.author).toBe(b.author);
    expect(a.author).toEqual({ full: 'vandoorn', last: 'doorn' });
    expect(none.author).toBeUndefined();
    expect(matchKeys(rec({ id: 'n2', title: 'z', authors: 'NA, ' }), 3).author).toBeUndefined();
  });
});

describe('title letter counts in one string', () => {
  it('holds 36 counts of 4 bits in 9 code units, capped at 15', () => {
    const k = matchKeys(rec({ id: 'a', title: 'aaaaaaaaaaaaaaaaaaaa b 9' }), 0);
    expect(typeof k.titleHistogram).toBe('string');
    expect(k.titleHistogram.length).toBe(9);
    // a is bin 0 (capped at 15), b bin 1; digits start at bin 26: 9 is bin 35, the last 4 bits of the last unit.
    expect(k.titleHistogram.charCodeAt(0)).toBe(15 | (1 << 4));
    expect(k.titleHistogram.charCodeAt(8)).toBe(1 << 12);
  });

  it('still lets titles a few edits apart agree and tells different titles apart', () => {
    const title = 'Amantadine hydrochloride for treatment of symptoms of the posttraumatic confusional state';
    const a = matchKeys(rec({ id: 'a', title }), 0);
    const typo = matchKeys(rec({ id: 'b', title: title.replace('symptoms', 'symptons') }), 1);
    const other = matchKeys(rec({ id: 'c', title: 'Methylphenidate for attention after traumatic brain injury in adults' }), 2);
    expect(titlesAlike(a, typo, settings)).toBe(true);
    expect(titlesAlike(a, other, settings)).toBe(false);
  });
});
