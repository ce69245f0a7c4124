import type { DataSource, EntityManager } from 'typeorm';

/**
 * Imports the PRTR master data from files in the formats of shared/data (see SOURCES.md there):
 *   substances: {"source", "classI": [{number, name, specified}], "classII": [{number, name}]}
 *   industries: {"ministers": [{code, name}], "industries": [{code, name, seireiNo, ministers, defaultMinister, unconfirmed?}]}
 * A substance list is versioned by the fiscal year it is in force from; importing the same year again
 * replaces that list. Everything is checked before anything is written, and written in one transaction.
 */
export interface SubstanceFile {
  source?: string;
  classI: { number: number; name: string; specified: boolean }[];
  classII?: { number: number; name: string }[];
}

export interface IndustryFile {
  ministers: { code: string; name: string }[];
  industries: {
    code: string;
    name: string;
    seireiNo?: number | null;
    ministers: string[];
    defaultMinister: string | null;
    unconfirmed?: boolean;
  }[];
}

export class MasterDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`the master data file is not valid:\n  - ${problems.slice(0, 20).join('\n  - ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
    this.name = 'MasterDataError';
  }
}

/** Dioxins are reported in mg-TEQ; every other substance in kg. */
export const unitOf = (name: string): 'kg' | 'mg-TEQ' => (name.includes('ダイオキシン類') ? 'mg-TEQ' : 'kg');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

export function checkSubstanceFile(data: unknown): SubstanceFile {
  const problems: string[] = [];
  if (!isObject(data) || !Array.isArray(data.classI)) throw new MasterDataError(['expected {"classI": [...], "classII": [...]}']);
  const lists: [string, unknown[], boolean][] = [['classI', data.classI, true]];
  if (data.classII !== undefined) {
    if (!Array.isArray(data.classII)) problems.push('classII must be an array');
    else lists.push(['classII', data.classII, false]);
  }
  for (const [label, list, classI] of lists) {
    const seen = new Set<number>();
    list.forEach((s, i) => {
      const at = `${label}[${i}]`;
      if (!isObject(s)) return void problems.push(`${at}: not an object`);
      if (!Number.isInteger(s.number) || (s.number as number) < 1) problems.push(`${at}.number: a positive integer expected`);
      else if (seen.has(s.number as number)) problems.push(`${at}.number: ${s.number} appears twice`);
      else seen.add(s.number as number);
      if (!isName(s.name, 2000)) problems.push(`${at}.name: a non-empty name of at most 2000 characters expected`);
      if (classI && typeof s.specified !== 'boolean') problems.push(`${at}.specified: true or false expected`);
    });
  }
  if (data.classI.length === 0) problems.push('classI is empty');
  if (data.source !== undefined && typeof data.source !== 'string') problems.push('source must be a string');
  if (problems.length) throw new MasterDataError(problems);
  return data as unknown as SubstanceFile;
}

export function checkIndustryFile(data: unknown): IndustryFile {
  const problems: string[] = [];
  if (!isObject(data) || !Array.isArray(data.ministers) || !Array.isArray(data.industries)) {
    throw new MasterDataError(['expected {"ministers": [...], "industries": [...]}']);
  }
  const ministers = new Set<string>();
  data.ministers.forEach((m, i) => {
    if (!isObject(m) || typeof m.code !== 'string' || !/^[A-Z]{2,8}$/.test(m.code) || !isName(m.name, 100)) {
      problems.push(`ministers[${i}]: {code: 2-8 capital letters, name} expected`);
    } else ministers.add(m.code);
  });
  const codes = new Set<string>();
  data.industries.forEach((row, i) => {
    const at = `industries[${i}]`;
    if (!isObject(row)) return void problems.push(`${at}: not an object`);
    if (typeof row.code !== 'string' || !/^[0-9]{4}$/.test(row.code)) problems.push(`${at}.code: four digits expected`);
    else if (codes.has(row.code)) problems.push(`${at}.code: ${row.code} appears twice`);
    else codes.add(row.code);
    if (!isName(row.name, 200)) problems.push(`${at}.name: a non-empty name expected`);
    if (!Array.isArray(row.ministers) || row.ministers.length === 0) problems.push(`${at}.ministers: at least one minister expected`);
    else for (const m of row.ministers) if (!ministers.has(m as string)) problems.push(`${at}.ministers: unknown minister ${String(m)}`);
    if (row.defaultMinister !== null && row.defaultMinister !== undefined) {
      if (!Array.isArray(row.ministers) || !row.ministers.includes(row.defaultMinister)) {
        problems.push(`${at}.defaultMinister: must be one of its ministers`);
      }
    }
    if (row.seireiNo !== undefined && row.seireiNo !== null && !Number.isInteger(row.seireiNo)) problems.push(`${at}.seireiNo: an integer expected`);
  });
  if (problems.length) throw new MasterDataError(problems);
  return data as unknown as IndustryFile;
}

/** The fiscal year a list is in force from: given, or read off its `source` ("… effective FY2023"). */
export function effectiveYearOf(file: SubstanceFile, given?: number): number {
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 2000 || given > 2100) throw new MasterDataError([`--effective-from ${given}: a fiscal year 2000..2100 expected`]);
    return given;
  }
  const m = /FY\s*(\d{4})/.exec(file.source ?? '');
  if (!m) throw new MasterDataError(['the file does not say from which fiscal year it is in force: pass --effective-from <year>']);
  return Number(m[1]);
}

export interface ImportSummary {
  substances?: { effectiveFromFy: number; classI: number; specified: number; classII: number };
  industries?: { ministers: number; industries: number };
}

export async function importMasterData(
  db: DataSource,
  input: { substances?: unknown; industries?: unknown; effectiveFromFy?: number },
): Promise<ImportSummary> {
  const substances = input.substances === undefined ? undefined : checkSubstanceFile(input.substances);
  const industries = input.industries === undefined ? undefined : checkIndustryFile(input.industries);
  const year = substances ? effectiveYearOf(substances, input.effectiveFromFy) : undefined;
  return db.transaction(async (m) => {
    const summary: ImportSummary = {};
    if (industries) summary.industries = await writeIndustries(m, industries);
    if (substances) summary.substances = await writeSubstances(m, substances, year!);
    return summary;
  });
}

async function writeIndustries(m: EntityManager, file: IndustryFile) {
  for (const minister of file.ministers) {
    await m.query(
      `INSERT INTO prtr_ministers (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
      [minister.code, minister.name],
    );
  }
  for (const row of file.industries) {
    await m.query(
      `INSERT INTO prtr_industries (code, name, seirei_no, ministers, default_minister, unconfirmed)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, seirei_no = EXCLUDED.seirei_no, ministers = EXCLUDED.ministers,
         default_minister = EXCLUDED.default_minister, unconfirmed = EXCLUDED.unconfirmed`,
      [row.code, row.name, row.seireiNo ?? null, row.ministers, row.defaultMinister ?? null, row.unconfirmed === true],
    );
  }
  return { ministers: file.ministers.length, industries: file.industries.length };
}

async function writeSubstances(m: EntityManager, file: SubstanceFile, year: number) {
  const classII = file.classII ?? [];
  const specified = file.classI.filter((s) => s.specified).length;
  await m.query(`DELETE FROM prtr_substance_lists WHERE effective_from_fy = $1`, [year]); // cascades to its substances
  await m.query(
    `INSERT INTO prtr_substance_lists (effective_from_fy, source, class1_count, specified_count, class2_count) VALUES ($1, $2, $3, $4, $5)`,
    [year, (file.source ?? 'imported').slice(0, 1000), file.classI.length, specified, classII.length],
  );
  const rows = [
    ...file.classI.map((s) => ({ cls: 'I', number: s.number, name: s.name, specified: s.specified })),
    ...classII.map((s) => ({ cls: 'II', number: s.number, name: s.name, specified: false })),
  ];
  // one statement per chunk of rows (unnest), not one per row
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await m.query(
      `INSERT INTO prtr_substances (list_fy, class, number, name, specified, unit)
       SELECT $1, * FROM unnest($2::varchar[], $3::int[], $4::varchar[], $5::boolean[], $6::varchar[])`,
      [year, chunk.map((r) => r.cls), chunk.map((r) => r.number), chunk.map((r) => r.name), chunk.map((r) => r.specified), chunk.map((r) => unitOf(r.name))],
    );
  }
  return { effectiveFromFy: year, classI: file.classI.length, specified, classII: classII.length };
}
