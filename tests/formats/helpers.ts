import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO, CORPUS } from '../helpers/cli.js';

export { CORPUS };
export const FIXTURES = path.join(REPO, 'fixtures/formats');
/** The shared test corpus beside the repository (../shared/corpus); tests skip when it is absent. */
export const HAS_CORPUS = existsSync(CORPUS);

export const fixture = (name: string): Uint8Array => readFileSync(path.join(FIXTURES, name));
export const corpusFile = (rel: string): Uint8Array => readFileSync(path.join(CORPUS, rel));
