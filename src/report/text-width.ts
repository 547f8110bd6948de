/**
 * How wide a line of text is in a generic sans-serif, without reading a font file. The widths (in
 * em) are those of DejaVu Sans, the widest of the fonts a viewer is likely to substitute for
 * `sans-serif` (Arial, Helvetica and Liberation Sans are narrower almost glyph by glyph), rounded
 * up, so text measured here fits whichever of them draws it.
 */

const WIDTHS: Record<string, number> = Object.create(null);
const set = (chars: string, em: number) => {
  for (const c of chars) WIDTHS[c] = em;
};
set('ijl', 0.28);
set(' ,.;:!|\'', 0.34);
set('ft', 0.4);
set('r()[]{}-/\\', 0.42);
set('"*', 0.5);
set('sczJI', 0.56);
set('kvxy', 0.6);
set('abdeghnopqu0123456789$_?', 0.64);
set('LF', 0.64);
set('PSTYEZ', 0.7);
set('ABCKRVX#~+=<>', 0.84);
set('DGHNOQU&%', 0.8);
set('mwMW@', 1.0);
/** Anything else: accented letters, dashes, symbols; CJK and emoji get a full em. */
const DEFAULT_EM = 0.72;

function charEm(c: string): number {
  const known = WIDTHS[c];
  if (known !== undefined) return known;
  const code = c.codePointAt(0)!;
  if (code >= 0x2e80) return 1.05;
  // Latin letters with diacritics: as wide as their base letter at most; a capital-sized guess.
  return DEFAULT_EM;
}

/** Width in user units of `text` at `fontSize`; bold text is drawn about 8% wider. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * fontSize * (bold ? 1.08 : 1);
}

/**
 * Break `text` into lines no wider than `maxWidth`. A count "(n = 178)" is one word and never
 * breaks; a word wider than a whole line (a long URL) is cut where it must be.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, bold = false): string[] {
  const words = tokens(text);
  const lines: string[] = [];
  let line = '';
  const fits = (s: string) => textWidth(s, fontSize, bold) <= maxWidth;
  for (let word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    while (!fits(word)) {
      let cut = word.length - 1;
      while (cut > 1 && !fits(word.slice(0, cut))) cut--;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    line = word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** Words split on white space, with "(n = 178)" kept whole. */
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /\(n = [^)\s]+\)\S*|\S+/g;
  for (const m of text.matchAll(re)) {
    // A count glued to the word before it ("excluded:(n = 3)") stays glued: it is one token then.
    const prev = out.length ? out[out.length - 1] : undefined;
    if (m[0].startsWith('(n =') && prev !== undefined && m.index! > 0 && !/\s/.test(text[m.index! - 1])) out[out.length - 1] = prev + m[0];
    else out.push(m[0]);
  }
  return out;
}
