// Types for scripts/fuzz-cases.mjs, so the test suite's sample (tests/formats/fuzz-sample.test.ts) type-checks.
export interface FuzzApi {
  READERS: { name: string }[];
  decodeAndParse(bytes: Uint8Array, file: string, format?: string): { records: unknown[]; warnings: { file: string; line: number; message: string }[] };
  decodeText(bytes: Uint8Array): { text: string };
  LitscreenError: abstract new (...args: never[]) => { file?: string; line?: number; format(): string };
}
export interface FuzzCase {
  seed: number;
  k: number;
  reader: string;
  mutation: string;
  file: string;
  what: string;
  bytes: Uint8Array;
}
export interface FuzzOutcome {
  k: number;
  reader: string;
  mutation: string;
  ms: number;
  outcome: 'records' | 'refused';
  exception?: string;
  mismatch?: string;
  parsed?: number;
  expected?: number;
}
export const MUTATION_NAMES: string[];
export function collectBaseFiles(repo: string, corpus?: string): string[];
export function poolsByReader(files: string[], api: FuzzApi): Map<string, string[]>;
export function makeCase(seed: number, k: number, pools: Map<string, string[]>, api: FuzzApi): FuzzCase;
export function runCase(c: FuzzCase, api: FuzzApi): FuzzOutcome;
