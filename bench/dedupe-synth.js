// A large labelled set built from the corpus records for the throughput runs: distinct studies made
// by recombining real titles, authors and journals, and copies of some of them with the perturbations
// databases really introduce (case, punctuation, a dropped subtitle, a missing DOI, initials for
// given names, diacritics, year ±1, "1256-74" pages, abbreviated journals). Deterministic (seeded).

import { seededRandom } from '../dist/core/random.js';

const STOP = new Set(['of', 'the', 'and', 'for', 'in', 'on', 'a', 'an', '&']);

/** "Journal of Parenteral and Enteral Nutrition" → "J Parenter Enteral Nutr"-like: words cut to 3–5 letters, stop words dropped. */
function abbreviateJournal(j, next) {
  return j
    .split(/\s+/)
    .filter((w) => !STOP.has(w.toLowerCase()))
    .map((w) => (w.length > 5 ? w.slice(0, 3 + Math.floor(next() * 3)) : w))
    .join(next() < 0.5 ? ' ' : '. ');
}

const ACCENTS = { a: 'á', e: 'é', o: 'ö', u: 'ü', i: 'í', n: 'ñ', c: 'ç' };

function addDiacritic(s, next) {
  const idx = [];
  for (let i = 0; i < s.length; i++) if (ACCENTS[s[i]]) idx.push(i);
  if (idx.length === 0) return s;
  const i = idx[Math.floor(next() * idx.length)];
  return s.slice(0, i) + ACCENTS[s[i]] + s.slice(i + 1);
}

const stripDiacritics = (s) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');

function initials(given) {
  return given
    .split(/[\s.]+/)
    .filter((w) => w !== '')
    .map((w) => w[0].toUpperCase() + '.')
    .join(' ');
}

/** A copy of `r` as another database might export it. */
function perturb(r, id, next) {
  const c = { ...r, id, rawHash: id, authors: r.authors.map((a) => ({ ...a })) };
  const p = () => next() < 0.3;
  if (p()) c.title = next() < 0.5 ? c.title.toUpperCase() : c.title.toLowerCase();
  if (p()) c.title = c.title.replace(/[-:,]/g, ' ').replace(/\.$/, '') + (next() < 0.5 ? '.' : '');
  if (p() && c.title.includes(':')) c.title = c.title.slice(0, c.title.indexOf(':'));
  if (next() < 0.5) c.doi = undefined;
  if (p()) for (const a of c.authors) a.given = initials(a.given);
  if (p()) for (const a of c.authors) a.family = next() < 0.5 ? stripDiacritics(a.family) : addDiacritic(a.family, next);
  if (next() < 0.15 && c.year !== undefined) c.year += next() < 0.5 ? -1 : 1;
  if (p() && c.startPage && c.endPage && c.endPage.length >= 3 && c.endPage.length === c.startPage.length) {
    const keep = 1 + Math.floor(next() * (c.endPage.length - 1));
    c.endPage = c.endPage.slice(keep);
  }
  if (p() && c.journal) c.journal = abbreviateJournal(c.journal, next);
  if (next() < 0.1) c.abstract = undefined;
  if (next() < 0.05) c.volume = undefined;
  return c;
}

/**
 * `size` records from `pool` (corpus ReviewRecords): distinct studies recombined from pool parts,
 * about a third of them copied 1–3 times. Returns the records (shuffled) and the true groups.
 *
 * `distinct`: the studies are made less alike, as they are in a real database of that size. By
 * default a title opens with half of one of the pool's ~1,400 titles and the authors are one pool
 * record's list, so at 1,000,000 records hundreds of different studies share a title opening and an
 * author list, and the blocks the engine compares within grow with the set. With `distinct`, a
 * title opens with a word drawn from the pool's title vocabulary and the first author comes from
 * another pool record than the co-authors: blocks stay about as full at 1M as at 100k. A second
 * measurement beside the default one, never instead of it (bench/dedupe.js --distinct).
 */
export function buildSyntheticSet(pool, size, seed = 1, { distinct = false } = {}) {
  const next = seededRandom(seed);
  const pick = () => pool[Math.floor(next() * pool.length)];
  const usable = pool.filter((r) => r.title.length > 20 && r.authors.length > 0);
  const pickUsable = () => usable[Math.floor(next() * usable.length)];
  const vocabulary = distinct ? [...new Set(usable.flatMap((r) => r.title.split(' ').filter((w) => /^[A-Za-z]{4,}$/.test(w))))] : [];
  const records = [];
  const truth = [];
  let study = 0;
  while (records.length < size) {
    study++;
    const a = pickUsable();
    const b = pickUsable();
    const aw = a.title.split(' ');
    const bw = b.title.split(' ');
    // Half of one real title and half of another: vocabulary and length stay realistic, the study is new.
    let title = [...aw.slice(0, Math.ceil(aw.length / 2)), ...bw.slice(Math.floor(bw.length / 2))].join(' ');
    if (distinct) title = `${vocabulary[Math.floor(next() * vocabulary.length)]} ${title}`;
    const src = pickUsable();
    const authors = distinct ? [pickUsable().authors[0], ...src.authors.slice(1)] : src.authors;
    const start = 1 + Math.floor(next() * 2000);
    const base = {
      id: `s${study}`,
      databaseKey: 'synthetic',
      database: 'synthetic',
      source: { file: 'synthetic', line: study },
      type: 'journal-article',
      title,
      authors: authors.map((x) => ({ ...x })),
      year: 1980 + Math.floor(next() * 44),
      journal: pick().journal ?? 'Journal of Synthetic Studies',
      volume: String(1 + Math.floor(next() * 300)),
      issue: String(1 + Math.floor(next() * 12)),
      startPage: String(start),
      endPage: String(start + 3 + Math.floor(next() * 15)),
      doi: next() < 0.6 ? `10.${1000 + Math.floor(next() * 9000)}/syn.${study}` : undefined,
      abstract: next() < 0.7 ? (pick().abstract ?? undefined) : undefined,
      keywords: [],
      raw: {},
      rawHash: `s${study}`,
    };
    const group = [base];
    if (next() < 0.33) {
      const copies = 1 + Math.floor(next() * 3);
      for (let k = 1; k <= copies; k++) group.push(perturb(base, `s${study}c${k}`, next));
    }
    for (const r of group) if (records.length < size) records.push(r);
    if (group.length > 1) truth.push(group.map((r) => r.id));
  }
  // Shuffle so copies are not neighbours (Fisher–Yates).
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [records[i], records[j]] = [records[j], records[i]];
  }
  const present = new Set(records.map((r) => r.id));
  return { records, truth: truth.map((g) => g.filter((id) => present.has(id))).filter((g) => g.length > 1) };
}

/**
 * A labelled set of the patterns that broke the engine on a set it had never seen (issue 9), built
 * from corpus records so that titles, authors and journals are real: abstracts of meeting
 * supplements that all carry their supplement's DOI (with true copies among them), Cochrane CENTRAL
 * copies carrying a pseudo-DOI next to the real one, spreadsheet copies with NA in every empty cell,
 * and pairs of different reports sharing one DOI (a database's wrong DOI). Deterministic (seeded).
 * Returns the records and the true groups, like buildSyntheticSet.
 */
export function buildTrapSet(pool, seed = 9) {
  const next = seededRandom(seed);
  const usable = pool.filter((r) => r.title.length > 40 && r.authors.length > 1 && r.year !== undefined);
  const used = new Set();
  const take = () => {
    for (;;) {
      const r = usable[Math.floor(next() * usable.length)];
      const key = r.title.toLowerCase();
      if (!used.has(key)) {
        used.add(key);
        return r;
      }
    }
  };
  const records = [];
  const truth = [];
  let n = 0;
  const make = (base, fields) => {
    n++;
    return { ...base, id: `t${n}`, rawHash: `t${n}`, source: { file: 'traps', line: n }, keywords: [], raw: {}, authors: base.authors.map((a) => ({ ...a })), ...fields };
  };
  // Three abstract supplements of 20 abstracts each; a quarter of the abstracts also come from a second database.
  for (let s = 0; s < 3; s++) {
    const doi = `10.1007/s00125-01${7 + s}-43${50 + s}-z`;
    const year = 2017 + s;
    for (let i = 0; i < 20; i++) {
      const src = take();
      const embase = make(src, {
        type: 'conference', year, doi, journal: `Diabetologia.Conference: ${53 + s}th Annual Meeting of the EASD`, volume: `${60 + s} (Supplement 1)`,
        issue: undefined, startPage: undefined, endPage: undefined,
      });
      records.push(embase);
      if (next() < 0.25) {
        const wos = make(src, {
          type: 'conference', year, doi: next() < 0.5 ? doi : undefined, journal: 'DIABETOLOGIA', volume: String(60 + s), issue: 'S1',
          title: src.title.toUpperCase(), startPage: `S${100 + i}`, endPage: undefined,
        });
        records.push(wos);
        truth.push([embase.id, wos.id]);
      }
    }
  }
  // CENTRAL copies: the real DOI in the journal's record, CENTRAL's own pseudo-DOI in the copy.
  for (let i = 0; i < 20; i++) {
    const src = take();
    const journal = make(src, { doi: `10.5555/trap.${i}` });
    const central = make(src, { doi: `10.1002/central/CN-0${1000000 + i}/full`, journal: src.journal, abstract: undefined });
    records.push(journal, central);
    truth.push([journal.id, central.id]);
  }
  // A spreadsheet's copy with NA in every empty cell (and a journal it did not export).
  for (let i = 0; i < 20; i++) {
    const src = take();
    const full = make(src, { doi: `10.5555/trap.na.${i}` });
    const na = make(src, { journal: 'NA', volume: 'NA', issue: 'NA', startPage: 'NA', endPage: undefined, doi: 'NA', abstract: 'NA' });
    records.push(full, na);
    truth.push([full.id, na.id]);
  }
  // Two different reports given one DOI by a database (too few titles to call the DOI a container).
  for (let i = 0; i < 20; i++) {
    const doi = `10.5555/trap.shared.${i}`;
    records.push(make(take(), { doi }), make(take(), { doi }));
  }
  return { records, truth };
}
