import { describe, it, expect } from 'vitest';
import { parseText } from '../../src/formats/registry.js';

/**
 * A field that splits into more values than a function call takes arguments (~120,000 in V8)
 * must not crash a reader: `list.push(...values)` threw "Maximum call stack size exceeded", an
 * internal error (exit 70), on a hostile keyword field.
 */
const many = Array.from({ length: 300_000 }, (_, i) => `k${i}`).join('; ');

describe('fields with 300,000 values', () => {
  it('Web of Science DE keywords', () => {
    const text = `FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A title\nDE ${many}\nPY 2020\nER\n\nEF\n`;
    const result = parseText(text, 'wos.txt');
    expect(result.format).toBe('wos');
    expect(result.records).toHaveLength(1);
    expect(result.records[0].keywords.length).toBe(300_000);
  });

  it('EndNote tagged (refer) %K keywords', () => {
    const text = `%0 Journal Article\n%A Smith, J\n%T A title\n%D 2020\n%K ${many}\n\n`;
    const result = parseText(text, 'refer.enw');
    expect(result.records).toHaveLength(1);
    expect(result.records[0].keywords.length).toBeGreaterThan(100_000);
  });
});
