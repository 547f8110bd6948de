import { describe, it, expect, beforeAll } from 'vitest';
import { runReport } from '../../src/commands/report.js';
import { SEED_REVIEW } from '../helpers/cli.js';

describe('litscreen report on the seed review', () => {
  let html: string;
  let verified: boolean;
  beforeAll(async () => {
    ({ html, verified } = await runReport({ review: SEED_REVIEW }));
  });

  it('is one self-contained page: no script, stylesheet, font or image fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|@font-face|url\((?!#)/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain('@media print');
  });

  it('holds the protocol, the diagram, the reasons, the included studies and the verify verdict', () => {
    expect(verified).toBe(true);
    expect(html).toContain('verify passes');
    for (const db of ['PsycINFO', 'Social Care Online', 'Social Services Abstracts']) expect(html).toContain(db);
    expect(html).toContain('2018-01-19');
    expect(html).toContain('exp Social Work Education/');
    expect(html).toContain('<svg');
    expect(html).toContain('Records screened (n = 581)');
    expect(html).toContain('Not empirical research');
    const extraction = html.slice(html.indexOf('<caption>Data extraction</caption>'));
    expect(extraction.slice(0, extraction.indexOf('</table>')).match(/<tr>/g)).toHaveLength(12);
    // The seed review's full texts were screened by two reviewers.
    expect(html).toContain("Cohen's kappa");
    expect(html).toMatch(/<td>full text<\/td><td>[^<]+ &amp; [^<]+<\/td>/);
  });
});
