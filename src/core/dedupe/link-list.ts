/**
 * The links the engine may accept between two records (a rule matched, or a person said
 * "duplicate"), kept as parallel typed arrays rather than one object per link: a million records
 * yield hundreds of thousands of links, and an object with a boxed score costs about 70 bytes where
 * these columns cost 17, with nothing for the garbage collector to trace. Pure.
 */
import type { DedupeRule } from './pair-assessment.js';

/** Rules by code; the code is the index. */
const RULES: readonly DedupeRule[] = ['doi', 'resolution', 'title-author-year', 'main-title-author-year', 'similar-title', 'title-locator'];
const RULE_CODE = new Map<DedupeRule, number>(RULES.map((r, i) => [r, i]));

/**
 * The order links are tried in: a DOI first, the rules' links next, people's decisions last (they
 * join the clusters as the engine built them). See findDuplicates.
 */
const EVIDENCE_RANK: readonly number[] = RULES.map((r) => (r === 'doi' ? 0 : r === 'resolution' ? 2 : 1));

export class LinkList {
  #a: Int32Array;
  #b: Int32Array;
  #rule: Uint8Array;
  #score: Float64Array;
  #length = 0;

  constructor(capacity = 1024) {
    const c = Math.max(1, capacity);
    this.#a = new Int32Array(c);
    this.#b = new Int32Array(c);
    this.#rule = new Uint8Array(c);
    this.#score = new Float64Array(c);
  }

  get length(): number {
    return this.#length;
  }

  /** Adds the link between records a and b (record numbers), and returns its number. */
  push(a: number, b: number, rule: DedupeRule, score: number): number {
    const code = RULE_CODE.get(rule);
    if (code === undefined) throw new Error(`internal: unknown dedupe rule ${rule}`);
    if (this.#length === this.#a.length) this.#grow();
    const x = this.#length++;
    this.#a[x] = a;
    this.#b[x] = b;
    this.#rule[x] = code;
    this.#score[x] = score;
    return x;
  }

  a(x: number): number {
    return this.#a[x];
  }

  b(x: number): number {
    return this.#b[x];
  }

  rule(x: number): DedupeRule {
    return RULES[this.#rule[x]];
  }

  score(x: number): number {
    return this.#score[x];
  }

  /**
   * Link numbers, strongest evidence first: DOI links, then the rules' links by score (highest first),
   * people's 'duplicate' decisions last; ties by the lower record number, then the higher. Stable
   * across runs: the order depends only on the links.
   */
  strongestFirst(): Int32Array {
    const order = new Int32Array(this.#length);
    for (let x = 0; x < order.length; x++) order[x] = x;
    const rule = this.#rule;
    const score = this.#score;
    const a = this.#a;
    const b = this.#b;
    return order.sort(
      (p, q) => EVIDENCE_RANK[rule[p]] - EVIDENCE_RANK[rule[q]] || score[q] - score[p] || a[p] - a[q] || b[p] - b[q] || p - q,
    );
  }

  #grow(): void {
    const c = this.#a.length * 2;
    const grown = <T extends Int32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(c);
      next.set(old);
      return next;
    };
    this.#a = grown(this.#a, (n) => new Int32Array(n));
    this.#b = grown(this.#b, (n) => new Int32Array(n));
    this.#rule = grown(this.#rule, (n) => new Uint8Array(n));
    this.#score = grown(this.#score, (n) => new Float64Array(n));
  }
}
