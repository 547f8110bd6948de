/**
 * RawFields (model/record.ts): a record's tags or columns as exported, stored as names, one string
 * of values and where each ends. Whatever the storage, it must give back every value exactly, in
 * file order, and show as `{ name: values }` in JSON and after the review cache's v8 round trip.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { RawFields } from '../../src/model/record.js';

const flat = ['TY', 'JOUR', 'AU', 'Smith, J', 'TI', 'A title', 'AU', 'Doe, A', 'KW', '', 'ZZ', 'last'];

describe('RawFields', () => {
  it('gives back every value by position and by name, in file order', () => {
    const raw = RawFields.fromFlat(flat);
    expect(raw.size).toBe(6);
    expect(Array.from({ length: raw.size }, (_, i) => raw.valueAt(i))).toEqual(['JOUR', 'Smith, J', 'A title', 'Doe, A', '', 'last']);
    expect(raw.values('AU')).toEqual(['Smith, J', 'Doe, A']);
    expect(raw.values('XX')).toEqual([]);
    expect(raw.first('AU')).toBe('Smith, J');
    expect(raw.first('KW')).toBe('');
    expect(raw.first('XX')).toBeUndefined();
    expect(raw.has('KW')).toBe(true);
    expect(raw.has('XX')).toBe(false);
    expect(raw.fieldNames()).toEqual(['TY', 'AU', 'TI', 'KW', 'ZZ']);
  });

  it('shows in JSON as names in the order they first appear, each with its values', () => {
    const raw = RawFields.fromFlat(flat);
    expect(JSON.stringify({ raw })).toBe('{"raw":{"TY":["JOUR"],"AU":["Smith, J","Doe, A"],"TI":["A title"],"KW":[""],"ZZ":["last"]}}');
    expect(RawFields.fromObject(raw.toObject()).toJSON()).toEqual(raw.toJSON());
  });

  it('keeps names a column may have that an object would not (__proto__, constructor)', () => {
    const raw = RawFields.fromFlat(['__proto__', 'x', 'constructor', 'y', '__proto__', 'z']);
    expect(raw.values('__proto__')).toEqual(['x', 'z']);
    expect(Object.getPrototypeOf(raw.toObject())).toBeNull();
    expect(JSON.parse(JSON.stringify(raw))).toEqual(JSON.parse('{"__proto__":["x","z"],"constructor":["y"]}'));
  });

  it('values with a character above U+00FF, empty values, control characters and lone surrogates come back as they were', () => {
    const odd = ['AB', 'curly \u2019quote\u2019 and \u03b1', 'TI', 'plain', 'N1', '', 'X1', 'nul\u0000 tab\t cr\r', 'X2', '\ud800 lone', 'X3', 'caf\u00e9'];
    const raw = RawFields.fromFlat(odd);
    expect(Array.from({ length: raw.size }, (_, i) => raw.valueAt(i))).toEqual(odd.filter((_, i) => i % 2 === 1));
  });

  it('a record whose values hold more than 65,535 characters in all', () => {
    const big = 'x'.repeat(70_000);
    const raw = RawFields.fromFlat(['AB', big, 'TI', 'after', 'M1', 'y'.repeat(1000)]);
    expect(raw.valueAt(0)).toBe(big);
    expect(raw.valueAt(1)).toBe('after');
    expect(raw.first('M1')).toBe('y'.repeat(1000));
  });

  it('comes back whole from the review cache (v8 serialize keeps no prototype; revive makes the object again)', () => {
    for (const fields of [flat, ['AB', '\u2013 wide', 'TI', 't'], ['AB', 'z'.repeat(70_000), 'TI', 't'], []]) {
      const raw = RawFields.fromFlat(fields);
      const back = RawFields.revive(deserialize(serialize(raw)));
      expect(back).toBeInstanceOf(RawFields);
      expect(back.toJSON()).toEqual(raw.toJSON());
      expect(Array.from({ length: back.size }, (_, i) => back.valueAt(i))).toEqual(fields.filter((_, i) => i % 2 === 1));
    }
  });
});
