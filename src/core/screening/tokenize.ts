import { foldText, splitFolded } from '../criteria/fold-text.js';

/**
 * The words the relevance model sees in a record: the same folding as the criteria and the
 * duplicate detection (criteria/fold-text.ts: lower case, accents and markup removed, β → beta),
 * split on anything not a-z0-9, and, as scikit-learn's default token pattern does (`\w\w+`),
 * one-character words dropped. Stop words, when a configuration leaves them out, are dropped
 * later (tfidf.ts `stopWords`).
 */
export function modelWords(text: string): string[] {
  const out: string[] = [];
  for (const w of splitFolded(foldText(text))) if (w.length > 1) out.push(w);
  return out;
}

/** The text a record is ranked on: its title, then its abstract (as ASReview joins them). */
export function recordText(title: string | undefined, abstract: string | undefined): string {
  return `${title ?? ''} ${abstract ?? ''}`;
}
