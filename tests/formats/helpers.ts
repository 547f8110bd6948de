import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../fixtures/formats');
/** The shared test corpus beside the repository (../shared/corpus); tests skip when it is absent. */
export const CORPUS = path.resolve(here, '../../../shared/corpus');
export const HAS_CORPUS = existsSync(CORPUS);

export const fixture = (name: string): Uint8Array => readFileSync(path.join(FIXTURES, name));
export const corpusFile = (rel: string): Uint8Array => readFileSync(path.join(CORPUS, rel));
