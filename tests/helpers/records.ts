import { RawFields, type Author, type ReviewRecord } from '../../src/model/record.js';

/** "Webber, M.; Robinson, K." → authors. */
export function authors(list: string): Author[] {
  if (list === '') return [];
  return list.split(';').map((a) => {
    const [family, given = ''] = a.split(',').map((s) => s.trim());
    return { family, given };
  });
}

export interface RecordParts extends Partial<Omit<ReviewRecord, 'authors'>> {
  id: string;
  /** Authors as one string, "Family, Given; Family, Given". */
  authors?: string;
}

/**
 * A review record from only the parts a test case cares about. The database is the id's prefix
 * before ':' ("psycinfo:123" → psycinfo), or "db".
 */
export function rec({ id, authors: names = '', ...rest }: RecordParts): ReviewRecord {
  const databaseKey = id.includes(':') ? id.slice(0, id.indexOf(':')) : 'db';
  return {
    id,
    databaseKey,
    database: databaseKey,
    source: { file: `${databaseKey}.ris`, line: 1 },
    type: 'journal-article',
    title: '',
    authors: authors(names),
    keywords: [],
    raw: RawFields.EMPTY,
    rawHash: id,
    ...rest,
  };
}
