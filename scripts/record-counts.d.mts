// Types for scripts/record-counts.mjs, so tests that check the independent counters type-check.
export const INDEPENDENT_COUNT: Record<string, (text: string, delimiter?: string) => number | undefined>;
export function csvRows(text: string, delimiter: string): number | undefined;
export function csvDelimiter(text: string): ',' | ';';
