import type { Protocol } from '../../model/protocol.js';
import type { Study } from '../review/derive.js';
import { compileCriteria } from '../review/derive.js';
import { foldText } from '../criteria/fold-text.js';
import { matchQuery, prepareRecord, type QueryNode, type WordPattern } from '../criteria/query.js';
import {
  currentStudy,
  excludingCriterion,
  isBlindNow,
  openSample,
  outcomeOf,
  ownDecision,
  progressOf,
  sampleProgressText,
  stoppingOf,
  type ScreenState,
  type SessionContext,
} from './screen-session.js';

/**
 * What the screen of `litscreen screen` shows, as lines of text: pure, so that tests and the
 * bench see exactly what a reviewer sees. Colour comes in as a `Paint` (chalk in the terminal,
 * nothing in tests).
 *
 * Record text comes from database exports and is hostile: control characters (which could move
 * the cursor or recolour the terminal) and bidirectional overrides (which could reorder what is
 * shown) are replaced by spaces before anything is measured or printed. Highlighting scans the
 * text once per criterion term, with no regular expression over record text.
 */

export interface Paint {
  heading(s: string): string;
  dim(s: string): string;
  id(s: string): string;
  good(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  /** A criterion term in the abstract, title or keywords. */
  term(s: string): string;
}

const same = (s: string) => s;
export const PLAIN: Paint = { heading: same, dim: same, id: same, good: same, bad: same, warn: same, term: same };

export interface RenderOptions {
  /** Terminal columns. */
  width: number;
  /** Terminal rows: the abstract is cut to fit them, and scrolled with `scroll`. */
  height?: number;
  /** First abstract line shown. */
  scroll?: number;
  paint?: Paint;
}

export interface RenderedScreen {
  lines: string[];
  /** The largest useful `scroll` (0 when the abstract fits). */
  maxScroll: number;
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** Record text made safe for a terminal: control and bidi characters gone, spaces collapsed. */
export function cleanText(text: string | undefined): string {
  if (!text) return '';
  return text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Criterion terms

/** The words of every term and phrase in the criteria's queries (the things a reviewer looks for). */
export function criterionTerms(protocol: Pick<Protocol, 'titleAbstract'>): WordPattern[][] {
  const terms: WordPattern[][] = [];
  const seen = new Set<string>();
  const walk = (node: QueryNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.children.forEach(walk);
        return;
      case 'not':
        walk(node.child);
        return;
      case 'field':
        walk(node.child);
        return;
      case 'text': {
        const key = node.words.map((w) => w.word + (w.truncated ? '*' : '')).join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          terms.push(node.words);
        }
        return;
      }
      default:
        return;
    }
  };
  try {
    for (const c of compileCriteria(protocol as Protocol)) walk(c.query);
  } catch {
    // A query that does not parse is the protocol's error, reported where it is loaded.
  }
  return terms;
}

/** Character ranges [start, end) of `text` where a term matches, sorted and merged. */
export function termSpans(text: string, terms: readonly WordPattern[][]): [number, number][] {
  if (terms.length === 0 || text === '') return [];
  const words: { start: number; end: number; folded: string }[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const folded = foldText(m[0]).replace(/[^a-z0-9]/g, '');
    if (folded !== '') words.push({ start: m.index!, end: m.index! + m[0].length, folded });
  }
  const spans: [number, number][] = [];
  for (let i = 0; i < words.length; i++) {
    let longest = 0;
    for (const term of terms) {
      if (term.length <= longest || i + term.length > words.length) continue;
      let ok = true;
      for (let j = 0; j < term.length && ok; j++) {
        const w = term[j];
        const word = words[i + j].folded;
        ok = w.truncated ? word.startsWith(w.word) : word === w.word;
      }
      if (ok) longest = term.length;
    }
    if (longest > 0) {
      const start = words[i].start;
      const end = words[i + longest - 1].end;
      const last = spans[spans.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else spans.push([start, end]);
    }
  }
  return spans;
}

const termCache = new WeakMap<SessionContext, WordPattern[][]>();
function termsOf(ctx: SessionContext): WordPattern[][] {
  let terms = termCache.get(ctx);
  if (!terms) termCache.set(ctx, (terms = criterionTerms(ctx.protocol)));
  return terms;
}

// ---------------------------------------------------------------------------------------------
// Wrapping

/** Cleaned text onto lines of at most `width` characters, as [start, end) ranges; a longer word is cut. */
export function wrapRanges(text: string, width: number): [number, number][] {
  const room = Math.max(10, width);
  const lines: [number, number][] = [];
  let lineStart = -1;
  let lineEnd = -1;
  for (const m of text.matchAll(/\S+/g)) {
    let start = m.index!;
    const end = start + m[0].length;
    if (lineStart >= 0 && end - lineStart <= room) {
      lineEnd = end;
      continue;
    }
    if (lineStart >= 0) lines.push([lineStart, lineEnd]);
    while (end - start > room) {
      lines.push([start, start + room]);
      start += room;
    }
    lineStart = start;
    lineEnd = end;
  }
  if (lineStart >= 0) lines.push([lineStart, lineEnd]);
  return lines;
}

/** Wrapped lines of cleaned `text`, each after `indent`, with the spans painted. */
function paintedLines(text: string, width: number, indent: string, spans: readonly [number, number][], paint: (s: string) => string): string[] {
  const out: string[] = [];
  let k = 0;
  for (const [start, end] of wrapRanges(text, width - indent.length)) {
    let line = '';
    let at = start;
    while (k < spans.length && spans[k][1] <= start) k++;
    for (let j = k; j < spans.length && spans[j][0] < end; j++) {
      const s = Math.max(spans[j][0], start);
      const e = Math.min(spans[j][1], end);
      line += text.slice(at, s) + paint(text.slice(s, e));
      at = e;
    }
    out.push(indent + line + text.slice(at, end));
  }
  return out;
}

/** Any text onto lines; cleaned first, since protocol and log text may hold control characters too. */
function wrapPlain(text: string, width: number, indent = ''): string[] {
  return paintedLines(text.replace(UNPRINTABLE, ' '), width, indent, [], same);
}

// ---------------------------------------------------------------------------------------------
// The screen

const STAGE_NAMES = { 'title-abstract': 'title/abstract', 'full-text': 'full text' } as const;
const MAX_AUTHORS = 12;

export function renderScreen(state: ScreenState, options: RenderOptions): RenderedScreen {
  const paint = options.paint ?? PLAIN;
  const width = Math.max(40, options.width);
  const { ctx, mode } = state;
  const study = currentStudy(state);
  const top: string[] = [];
  const bottom: string[] = [];
  let abstract: string[] = [];

  const sample = openSample(state);
  const shownBy = sample ? ` · random sample (seed ${sample.draw.seed})` : ctx.order.name === 'file' ? '' : ` · ${ctx.order.name} order`;
  const heading = `litscreen screen · ${STAGE_NAMES[ctx.stage]} · ${cleanText(ctx.reviewer)}${shownBy}`;
  top.push(paint.dim(truncate(heading, width)));

  if (mode.kind === 'help') {
    top.push('', ...helpLines(state, width, paint));
    return { lines: top, maxScroll: 0 };
  }
  if (!study) {
    top.push('', paint.heading('Nothing left in your queue at this stage.'));
    top.push(...wrapPlain(`${state.counts.screened} record(s) screened by you. ${ctx.keys.byAction.undo} undoes your last decision, ${ctx.keys.byAction.search} finds a record, ${ctx.keys.byAction.quit} quits.`, width));
  } else {
    const terms = termsOf(ctx);
    const record = study.record;
    const short = `#${ctx.shortNumber.get(study.id)}`;
    top.push(`${paint.heading(short)}  ${paint.id(truncate(cleanText(study.id), width - short.length - 2))}`);
    const title = cleanText(record.title) || '(no title)';
    top.push(...paintedLines(title, width, '', termSpans(title, terms), (s) => paint.heading(paint.term(s))).map((l) => paint.heading(l)));
    const names = record.authors.slice(0, MAX_AUTHORS).map((a) => cleanText(a.given ? `${a.family}, ${a.given}` : a.family));
    if (record.authors.length > MAX_AUTHORS) names.push(`… (${record.authors.length} authors)`);
    if (names.length > 0) top.push(...wrapPlain(names.join('; '), width));
    const where = [record.year === undefined ? '' : String(record.year), cleanText(citationOf(study)), databasesOf(ctx, study)].filter((p) => p !== '');
    top.push(...wrapPlain(where.join(' · '), width).map(paint.dim));
    if (ctx.stage === 'full-text') top.push(...fullTextLink(study, width, paint));
    top.push('');

    const text = cleanText(record.abstract);
    if (text === '') abstract = [paint.dim('(no abstract)')];
    else abstract = paintedLines(text, width, '', termSpans(text, terms), paint.term);

    bottom.push('');
    const keywords = cleanText(record.keywords.join('; '));
    if (keywords !== '') bottom.push(...paintedLines(`Keywords: ${keywords}`, width, '', termSpans(`Keywords: ${keywords}`, terms), paint.term));
    bottom.push(...wrapPlain(criteriaLine(state, study), width));
    bottom.push(...decisionLines(state, study, width, paint));
  }
  bottom.push('');
  bottom.push(...wrapPlain(stoppingLine(state) ?? '', width).map(paint.heading));
  bottom.push(progressLine(state));
  if (state.message) bottom.push(...wrapPlain(cleanText(state.message), width).map(paint.warn));
  bottom.push(...promptLines(state, width, paint));

  // Fit the terminal: the abstract gives way, and scrolls.
  let maxScroll = 0;
  if (options.height !== undefined && study) {
    const room = Math.max(3, options.height - top.length - bottom.length - 1);
    if (abstract.length > room) {
      maxScroll = abstract.length - room + 1;
      const scroll = Math.min(Math.max(0, options.scroll ?? 0), maxScroll);
      const shown = abstract.slice(scroll, scroll + room - 1);
      const above = scroll;
      const below = abstract.length - scroll - shown.length;
      const marker = paint.dim(`  … ${above > 0 ? `${above} line(s) above` : ''}${above > 0 && below > 0 ? ', ' : ''}${below > 0 ? `${below} more line(s)` : ''} (space/↓ and ↑ scroll)`);
      abstract = [...shown, marker];
    }
  }
  return { lines: [...top, ...abstract, ...bottom], maxScroll };
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…';
}

function citationOf(study: Study): string {
  const r = study.record;
  let text = r.journal ?? '';
  if (r.volume) text += ` ${r.volume}${r.issue ? `(${r.issue})` : ''}`;
  if (r.startPage) text += `${r.volume ? ':' : ' '}${r.startPage}${r.endPage ? `–${r.endPage}` : ''}`;
  return text.trim();
}

/** The databases the study was found in (its copies'), in the review's order, once each. */
function databasesOf(ctx: SessionContext, study: Study): string {
  const names: string[] = [];
  for (const id of study.memberIds) {
    const database = ctx.state.recordById.get(id)?.database;
    if (database && !names.includes(database)) names.push(database);
  }
  return cleanText(names.join(', '));
}

/** DOI and a link to the full text: the DOI's resolver, else the record's URL (http/https only). */
function fullTextLink(study: Study, width: number, paint: Paint): string[] {
  const doi = cleanText(study.record.doi);
  const url = cleanText(study.record.url);
  const parts: string[] = [];
  if (doi) parts.push(`DOI ${doi}`, `https://doi.org/${encodeURI(doi).replace(/#/g, '%23')}`);
  else if (/^https?:\/\//i.test(url)) parts.push(url);
  if (parts.length === 0) return [paint.dim('No DOI or link: find the full text by its title.')];
  return wrapPlain(parts.join('  '), width).map(paint.id);
}

function criteriaLine(state: ScreenState, study: Study): string {
  const criteria = state.ctx.protocol.titleAbstract.criteria;
  if (criteria.length === 0) return 'Criteria: none in the protocol';
  const excluding = excludingCriterion(state, study);
  if (!excluding && !study.failedCriterion) return `Criteria passed: ${criteria.map((c) => c.id).join(', ')}`;
  // Excluded or overridden: say which passed and which did not, one by one.
  const prepared = prepareRecord(study.record);
  const compiled = compileCriteria(state.ctx.protocol);
  const passed = compiled.filter((c) => matchQuery(c.query, prepared)).map((c) => c.criterion.id);
  const failed = compiled.filter((c) => !matchQuery(c.query, prepared)).map((c) => c.criterion.id);
  const head = excluding
    ? `Excluded by criterion "${excluding.id}" (${excluding.reason}); ${state.ctx.keys.byAction.override} overrides it.`
    : `Criterion "${study.failedCriterion!.id}" overridden by you.`;
  return `${head} Passed: ${passed.join(', ') || 'none'}. Not passed: ${failed.join(', ')}.`;
}

function decisionLines(state: ScreenState, study: Study, width: number, paint: Paint): string[] {
  const lines: string[] = [];
  const mine = ownDecision(state, study);
  if (mine) lines.push(...wrapPlain(`Your decision: ${mine.decision}${mine.reason ? ` (${cleanText(mine.reason)})` : ''}${mine.note ? ` · note: ${cleanText(mine.note)}` : ''}`, width).map(paint.good));
  const note = state.notes.get(study.id);
  if (note) lines.push(...wrapPlain(`Note (written with your decision): ${cleanText(note)}`, width).map(paint.warn));
  const { ctx } = state;
  if (isBlindNow(state)) {
    lines.push(paint.dim("Blind: other reviewers' decisions stay hidden until every record has its votes."));
    return lines;
  }
  const outcome = outcomeOf(state, study);
  const others = [...outcome.latestByReviewer.values()].filter((r) => r.reviewer !== ctx.reviewer);
  if (others.length > 0) {
    const text = others.map((r) => `${r.reviewer}: ${r.decision}${r.reason ? ` (${r.reason})` : ''}`).join('; ');
    lines.push(...wrapPlain(`Other reviewers: ${cleanText(text)}`, width));
  }
  if (outcome.adjudication) lines.push(...wrapPlain(`Adjudicated by ${cleanText(outcome.adjudication.reviewer)}: ${outcome.adjudication.decision}`, width));
  return lines;
}

/** `123/286 · 12 included · 40 excluded · 3 maybe · 2 conflicts` (no conflicts while blind). */
export function progressLine(state: ScreenState): string {
  const { position, total } = progressOf(state);
  const c = state.counts;
  const parts = [`${position}/${total}`, `${c.included} included`, `${c.excluded} excluded`, `${c.maybe} maybe`];
  parts.push(isBlindNow(state) ? 'blind' : `${c.conflicts} conflict${c.conflicts === 1 ? '' : 's'}`);
  const sample = openSample(state);
  if (sample) parts.push(`random sample ${sampleProgressText(sample)}`);
  return parts.join(' · ');
}

/**
 * Where the protocol's stopping rule stands for this reviewer (title/abstract, rule adopted):
 * the streak towards N, the sample, or the stop. Blind or not, only the reviewer's own decisions.
 */
export function stoppingLine(state: ScreenState): string | undefined {
  const view = stoppingOf(state);
  if (!view) return undefined;
  const { rule, streak, sample, stopped } = view;
  const k = state.ctx.keys.byAction;
  if (stopped) return `Stopping rule: you stopped screening under it at ${stopped.time} (${stopped.note}).`;
  if (sample.kind === 'open') return `Stopping rule: you are screening its random sample (seed ${sample.draw.seed}); an include ends it, all ${sample.drawn.length} excluded meets the rule.`;
  if (sample.kind === 'complete') return `Stopping rule met: ${streak} irrelevant in a row, the last ${sample.drawn.length} a random sample (seed ${sample.draw.seed}) with no includes. ${k.stop} stops screening (it asks first).`;
  if (streak >= rule.consecutiveIrrelevant) return `Stopping rule: ${streak} irrelevant in a row (the rule's ${rule.consecutiveIrrelevant} reached). ${k.stop} draws its random sample of ${rule.randomSample}.`;
  return `Stopping rule: ${streak} of ${rule.consecutiveIrrelevant} irrelevant in a row, then a random sample of ${rule.randomSample}.`;
}

function promptLines(state: ScreenState, width: number, paint: Paint): string[] {
  const { ctx, mode } = state;
  const k = ctx.keys.byAction;
  const study = currentStudy(state);
  switch (mode.kind) {
    case 'reason': {
      const lines = [paint.heading(ctx.stage === 'full-text' ? 'Exclude: why? (a reason is required)' : 'Exclude: why? (optional)')];
      for (const c of ctx.reasons) lines.push(...wrapPlain(`${c.key}  ${cleanText(c.label)}`, width, '  '));
      lines.push(paint.dim('  Esc  back, not excluded'));
      return lines;
    }
    case 'confirm': {
      const view = stoppingOf(state)!;
      if (mode.purpose === 'draw') {
        return [
          ...wrapPlain(`Draw the stopping rule's random sample: ${view.rule.randomSample} records at random from those you have not screened (the seed goes into your order log, so the draw can be checked)? The screen then shows only the sample until an include ends it or all are excluded.`, width).map(paint.heading),
          paint.dim('y draws · any other key goes on screening'),
        ];
      }
      return [
        ...wrapPlain(`Stop title/abstract screening under the rule (${view.rule.consecutiveIrrelevant} irrelevant in a row, then a random sample of ${view.rule.randomSample} with no includes)? One stop row goes into your log; once every required reviewer has stopped, the records nobody screened count as excluded by automation tools. The session then ends.`, width).map(paint.heading),
        ...wrapPlain("y stops · any other key goes on screening · a stop is taken back with: litscreen retract REVIEW '*' --stage title-abstract", width).map(paint.dim),
      ];
    }
    case 'text': {
      const label = { note: 'Note', search: 'Search (id, title, abstract or #number)', 'other-reason': 'Reason', 'override-reason': 'Why include it despite the criterion' }[mode.purpose];
      const hint = mode.purpose === 'search' && state.lastSearch ? ` Enter alone repeats "${cleanText(state.lastSearch)}".` : '';
      return [...wrapPlain(`${label}: ${cleanText(mode.text)}_`, width), paint.dim(`Enter to confirm, Esc to cancel.${hint}`)];
    }
    default: {
      const parts = study && excludingCriterion(state, study)
        ? [`${k.override} override`, `${k.skip} back`, `${k.note} note`]
        : study
          ? [`${k.include} include`, `${k.exclude} exclude`, `${k.maybe} maybe`, `${k.skip} skip`, `${k.undo} undo`, `${k.note} note`]
          : [`${k.undo} undo`];
      if (ctx.rule) parts.push(`${k.stop} stop rule`);
      parts.push(`${k.search} search`, `${k.help} help`, `${k.quit} quit`);
      return wrapPlain(parts.join(' · '), width).map(paint.dim);
    }
  }
}

function helpLines(state: ScreenState, width: number, paint: Paint): string[] {
  const { ctx } = state;
  const k = ctx.keys.byAction;
  const reasons = ctx.stage === 'full-text' ? 'a reason is required' : 'a reason is optional';
  const rows: [string, string][] = [
    [k.include, 'include'],
    [k.exclude, `exclude, then the number of a reason (${reasons})`],
    [k.maybe, 'maybe: not sure yet (the record stays pending until you decide)'],
    [k.skip, 'skip: the record comes back after the rest, and first next time'],
    [k.undo, 'undo your last decision of this session (a retract row; nothing is rewritten)'],
    [k.note, 'note: written with your decision on this record'],
    [k.search, 'search the id, title or abstract (or #number); Enter alone repeats the last search'],
  ];
  if (ctx.stage === 'title-abstract') rows.push([k.override, 'override: include a record a criterion excluded (find it with search; a reason is required)']);
  if (ctx.stage === 'title-abstract') {
    rows.push([
      k.stop,
      ctx.rule
        ? `stopping rule: after ${ctx.rule.consecutiveIrrelevant} irrelevant in a row, draw a random sample of ${ctx.rule.randomSample} from the records you have not screened; when all are excluded, stop screening (each asks first)`
        : 'stopping rule: the protocol adopts none, so every record is screened',
    ]);
  }
  rows.push([k.help, 'this help'], [k.quit, 'quit (Ctrl-C too): every decision is already saved']);
  const lines = [paint.heading('Keys (one key each, no Enter)')];
  for (const [key, what] of rows) lines.push(...wrapPlain(`${key}  ${what}`, width - 3, '  ').map((l, i) => (i === 0 ? l : '   ' + l)));
  lines.push('', ...wrapPlain('Each decision is appended to your own log and synced to disk before the next record appears. The next session starts at your first undecided record.', width));
  lines.push('', paint.dim('Any key goes back.'));
  return lines;
}
