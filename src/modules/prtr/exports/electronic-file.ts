import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LONE_SURROGATE } from '../../../core/database/json-param';
import { flattenValidationErrors } from '../../../core/http/validation.pipe';
import { DomainError } from '../../../core/errors/domain-error';
import { LANDFILL_TYPES, type FilingContent, type FilingMainForm, type FilingSheet, type LandfillType } from '../content';
import { FilingContentDto } from '../dto/prtr.dto';
import { parseAmount } from '../rules/rounding';
import { PrtrExportErrors } from './export-errors';
import type { FilingRecord, FilingRecordStatus } from './record';
import { STATUS_LABELS } from './record';

/**
 * 電子届出ファイル: one filing as a documented JSON file (docs/prtr-electronic-file.md). Exported from
 * any version; imported to start a draft or an amendment. The parser checks the structure, then the
 * content against the same input rules as PUT /prtr/filings/{id} (FilingContentDto: sizes, ranges,
 * lengths); the filing validation checks the rest (codes, thresholds, rounding, JIS characters).
 */

export const ELECTRONIC_FILE_FORMAT = 'jp.go.prtr.filing';
export const ELECTRONIC_FILE_FORMAT_VERSION = 1;

export const ELECTRONIC_FILE_LIMITS = {
  /** Size of the file in bytes (UTF-8, BOM included). */
  maxBytes: 2 * 1024 * 1024,
  maxSheets: 600,
  /** Code points per string; the sheets' name fields are limited further by their columns. */
  maxStringLength: 500,
  sheetNameLength: 200,
  maxSecondaryIndustryCodes: 50,
  /** The error lists at most this many problems (details.truncated tells that more were found). */
  maxProblems: 100,
} as const;

export interface ElectronicFileSheet {
  sheetNumber: number;
  substanceNumber: number;
  substanceName: string | null;
  unit: string | null;
  releases: {
    air: string;
    water: string;
    waterBodyName: string | null;
    soil: string;
    landfill: string;
    landfillType: LandfillType | null;
  };
  transfers: {
    sewer: string;
    sewagePlantName: string | null;
    offsite: string;
    offsiteTreatmentMethod: string | null;
    offsiteWasteType: string | null;
  };
}

/** The JSON document as written by toElectronicFile. */
export interface ElectronicFile {
  format: typeof ELECTRONIC_FILE_FORMAT;
  formatVersion: typeof ELECTRONIC_FILE_FORMAT_VERSION;
  exportedAt: string;
  referenceNumber: string | null;
  amendsReferenceNumber: string | null;
  fiscalYear: number;
  version: number;
  facilityId: string;
  prefectureCode: string;
  ministerCode: string;
  status: FilingRecordStatus;
  filedAt: string | null;
  mainForm: {
    filerName: string;
    filerAddress: string;
    representativeName: string | null;
    businessName: string;
    facilityName: string;
    facilityAddress: string;
    employees: number;
    mainIndustryCode: string;
    secondaryIndustryCodes: string[];
    ministerCode: string | null;
    confidentialityClaim: boolean;
    contact: { department: string | null; name: string; phone: string; email: string | null };
  };
  sheets: ElectronicFileSheet[];
}

export interface ParsedElectronicFile {
  fiscalYear: number;
  facilityId: string | null;
  referenceNumber: string | null;
  /** The filing's recipient minister as exported (informational; mainForm.ministerCode is the filer's choice). */
  ministerCode: string | null;
  content: FilingContent;
}

export interface FileProblem {
  /** e.g. '$' for the whole file, 'sheets[2].releases.water' */
  path: string;
  problem: string;
}

// ---------------------------------------------------------------------------------------------------
// Export

export function toElectronicFile(record: FilingRecord, options: { exportedAt?: Date } = {}): Buffer {
  const mf = record.content.mainForm;
  const doc: ElectronicFile = {
    format: ELECTRONIC_FILE_FORMAT,
    formatVersion: ELECTRONIC_FILE_FORMAT_VERSION,
    exportedAt: (options.exportedAt ?? new Date()).toISOString(),
    referenceNumber: record.referenceNumber,
    amendsReferenceNumber: record.amendsReferenceNumber,
    fiscalYear: record.fiscalYear,
    version: record.version,
    facilityId: record.facilityId,
    prefectureCode: record.prefecture.code,
    ministerCode: record.minister.code,
    status: record.status,
    filedAt: record.filedAt ? record.filedAt.toISOString() : null,
    mainForm: {
      filerName: mf.filerName,
      filerAddress: mf.filerAddress,
      representativeName: mf.representativeName ?? null,
      businessName: mf.businessName,
      facilityName: mf.facilityName,
      facilityAddress: mf.facilityAddress,
      employees: mf.employees,
      mainIndustryCode: mf.mainIndustryCode,
      secondaryIndustryCodes: [...mf.secondaryIndustryCodes],
      ministerCode: mf.ministerCode ?? null,
      confidentialityClaim: mf.confidentialityClaim,
      contact: {
        department: mf.contact.department ?? null,
        name: mf.contact.name,
        phone: mf.contact.phone,
        email: mf.contact.email ?? null,
      },
    },
    sheets: record.content.sheets.map((s, i) => {
      const ref = record.substances.get(s.substanceNumber);
      return {
        sheetNumber: i + 1,
        substanceNumber: s.substanceNumber,
        substanceName: ref?.name ?? null,
        unit: ref?.unit ?? null,
        releases: {
          air: s.releases.air,
          water: s.releases.water,
          waterBodyName: s.releases.waterBodyName ?? null,
          soil: s.releases.soil,
          landfill: s.releases.landfill,
          landfillType: s.releases.landfillType ?? null,
        },
        transfers: {
          sewer: s.transfers.sewer,
          sewagePlantName: s.transfers.sewagePlantName ?? null,
          offsite: s.transfers.offsite,
          offsiteTreatmentMethod: s.transfers.offsiteTreatmentMethod ?? null,
          offsiteWasteType: s.transfers.offsiteWasteType ?? null,
        },
      };
    }),
  };
  return Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8');
}

/** The file name offered for download, e.g. PRTR_2023_13-2024-000123_v2.json (draft: the filing id). */
export function electronicFileName(record: FilingRecord): string {
  const key = (record.referenceNumber ?? `draft-${record.id}`).replace(/[^0-9A-Za-z_-]/g, '_');
  return `PRTR_${record.fiscalYear}_${key}_v${record.version}.json`;
}

// ---------------------------------------------------------------------------------------------------
// Import: a small hand-written structural checker

class Problems {
  readonly list: FileProblem[] = [];
  truncated = false;
  add(path: string, problem: string): void {
    if (this.list.length < ELECTRONIC_FILE_LIMITS.maxProblems) this.list.push({ path, problem });
    else this.truncated = true;
  }
  get any(): boolean {
    return this.list.length > 0;
  }
}

/** Returned by a check when the value is wrong (the problem has been recorded). */
const BAD = Symbol('bad');
type Checked<T> = T | typeof BAD;
type Check<T> = (value: unknown, path: string, p: Problems) => Checked<T>;

const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT4_MAX = 2_147_483_647;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function str(max: number = ELECTRONIC_FILE_LIMITS.maxStringLength): Check<string> {
  return (v, path, p) => {
    if (typeof v !== 'string') {
      p.add(path, `expected a string, got ${typeName(v)}`);
      return BAD;
    }
    if (LONE_SURROGATE.test(v)) {
      p.add(path, 'contains an invalid character (lone surrogate)');
      return BAD;
    }
    const length = [...v].length;
    if (length > max) {
      p.add(path, `longer than ${max} characters (${length})`);
      return BAD;
    }
    if (CONTROL_RE.test(v)) {
      p.add(path, 'contains a control character (tab, line break, NUL, ...)');
      return BAD;
    }
    return v;
  };
}

function int(min: number, max: number): Check<number> {
  return (v, path, p) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      p.add(path, `expected an integer, got ${typeof v === 'number' ? String(v) : typeName(v)}`);
      return BAD;
    }
    if (v < min || v > max) {
      p.add(path, `expected an integer from ${min} to ${max}, got ${v}`);
      return BAD;
    }
    return v;
  };
}

function bool(): Check<boolean> {
  return (v, path, p) => {
    if (typeof v !== 'boolean') {
      p.add(path, `expected true or false, got ${typeName(v)}`);
      return BAD;
    }
    return v;
  };
}

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, path, p) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      p.add(path, `expected one of ${values.join(', ')}, got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeName(v)}`);
      return BAD;
    }
    return v as T;
  };
}

/** A decimal amount as a string ("0.0", "1200", "0.05"); a JSON number is refused. */
function amount(): Check<string> {
  const s = str(32);
  return (v, path, p) => {
    const r = s(v, path, p);
    if (r === BAD) return BAD;
    if (parseAmount(r) === null) {
      p.add(path, `expected a non-negative decimal string such as "0.0" or "1200", got ${JSON.stringify(r)}`);
      return BAD;
    }
    return r;
  };
}

function uuid(): Check<string> {
  const s = str(36);
  return (v, path, p) => {
    const r = s(v, path, p);
    if (r === BAD) return BAD;
    if (!UUID_RE.test(r)) {
      p.add(path, 'expected a UUID');
      return BAD;
    }
    return r;
  };
}

function arrayOf<T>(item: Check<T>, max: number): Check<T[]> {
  return (v, path, p) => {
    if (!Array.isArray(v)) {
      p.add(path, `expected an array, got ${typeName(v)}`);
      return BAD;
    }
    if (v.length > max) {
      p.add(path, `more than ${max} items (${v.length})`);
      return BAD;
    }
    const out: T[] = [];
    let bad = false;
    v.forEach((x, i) => {
      const r = item(x, `${path}[${i}]`, p);
      if (r === BAD) bad = true;
      else out.push(r);
    });
    return bad ? BAD : out;
  };
}

type Field = { check: Check<unknown>; presence: 'required' | 'nullable' };
const required = (check: Check<unknown>): Field => ({ check, presence: 'required' });
/** May be absent or null; read as null. */
const nullable = (check: Check<unknown>): Field => ({ check, presence: 'nullable' });

type Shape = Record<string, Field>;

function object(shape: Shape): Check<Record<string, unknown>> {
  return (v, path, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      p.add(path, `expected an object, got ${typeName(v)}`);
      return BAD;
    }
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let bad = false;
    const at = (key: string) => (path === '$' ? key : `${path}.${key}`);
    for (const [key, field] of Object.entries(shape)) {
      const present = Object.prototype.hasOwnProperty.call(input, key);
      const value = present ? input[key] : undefined;
      if (!present || value === null) {
        if (field.presence === 'required') {
          p.add(at(key), present ? 'must not be null' : 'missing');
          bad = true;
        } else {
          out[key] = null;
        }
        continue;
      }
      const r = field.check(value, at(key), p);
      if (r === BAD) bad = true;
      else out[key] = r;
    }
    for (const key of Object.keys(input)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) {
        p.add(at(key.length > 60 ? `${key.slice(0, 60)}…` : key), 'unknown key');
        bad = true;
      }
    }
    return bad ? BAD : out;
  };
}

const L = ELECTRONIC_FILE_LIMITS;

const CONTACT = object({
  department: nullable(str()),
  name: required(str()),
  phone: required(str()),
  email: nullable(str()),
});

const MAIN_FORM = object({
  filerName: required(str()),
  filerAddress: required(str()),
  representativeName: nullable(str()),
  businessName: required(str()),
  facilityName: required(str()),
  facilityAddress: required(str()),
  employees: required(int(0, INT4_MAX)),
  mainIndustryCode: required(str()),
  secondaryIndustryCodes: required(arrayOf(str(), L.maxSecondaryIndustryCodes)),
  ministerCode: nullable(str()),
  confidentialityClaim: required(bool()),
  contact: required(CONTACT),
});

const SHEET = object({
  // informational: type-checked, not used
  sheetNumber: nullable(int(1, INT4_MAX)),
  substanceNumber: required(int(1, INT4_MAX)),
  // informational: type-checked, not used
  substanceName: nullable(str()),
  unit: nullable(str()),
  releases: required(
    object({
      air: required(amount()),
      water: required(amount()),
      waterBodyName: nullable(str(L.sheetNameLength)),
      soil: required(amount()),
      landfill: required(amount()),
      landfillType: nullable(oneOf(LANDFILL_TYPES)),
    }),
  ),
  transfers: required(
    object({
      sewer: required(amount()),
      sewagePlantName: nullable(str(L.sheetNameLength)),
      offsite: required(amount()),
      offsiteTreatmentMethod: nullable(str(L.sheetNameLength)),
      offsiteWasteType: nullable(str(L.sheetNameLength)),
    }),
  ),
});

const DOCUMENT = object({
  format: required(str()),
  formatVersion: required(int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
  exportedAt: nullable(str()),
  referenceNumber: nullable(str()),
  amendsReferenceNumber: nullable(str()),
  fiscalYear: required(int(2000, 2100)),
  version: nullable(int(1, INT4_MAX)),
  facilityId: nullable(uuid()),
  prefectureCode: nullable(str()),
  ministerCode: nullable(str()),
  status: nullable(oneOf(Object.keys(STATUS_LABELS) as FilingRecordStatus[])),
  filedAt: nullable(str()),
  mainForm: required(MAIN_FORM),
  sheets: required(arrayOf(SHEET, L.maxSheets)),
});

/**
 * The imported content against the same class-validator rules as the API's FilingContentDto (sizes,
 * ranges, lengths, unique secondary industry codes), so a file cannot carry what PUT would refuse.
 * Each violated constraint becomes a problem at its path, e.g. 'mainForm.employees'.
 */
function checkContentLikeTheApi(content: FilingContent, p: Problems): void {
  const errors = validateSync(plainToInstance(FilingContentDto, content), {
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  for (const { field, problems } of flattenValidationErrors(errors)) {
    for (const problem of problems) p.add(field.replace(/\.(\d+)(?=\.|$)/g, '[$1]'), problem);
  }
}

function refuse(p: Problems): never {
  throw new DomainError(PrtrExportErrors.PRTR_FILE_INVALID, p.truncated ? { problems: p.list, truncated: true } : { problems: p.list });
}

function decode(input: Buffer | string, p: Problems): string | null {
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > L.maxBytes) {
      p.add('$', `larger than ${L.maxBytes} bytes`);
      return null;
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (!(input instanceof Uint8Array)) {
    p.add('$', 'no file content');
    return null;
  }
  if (input.byteLength > L.maxBytes) {
    p.add('$', `larger than ${L.maxBytes} bytes (${input.byteLength})`);
    return null;
  }
  try {
    // fatal: invalid UTF-8 is refused; a leading BOM is dropped (ignoreBOM: false).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    p.add('$', 'not UTF-8 text');
    return null;
  }
}

/**
 * Reads an electronic filing file. Structure only: any problem throws PRTR_FILE_INVALID with
 * details.problems = [{ path, problem }]. sheetNumber, substanceName and unit are not trusted: the
 * content keeps the sheets in file order and identifies substances by substanceNumber alone.
 */
export function parseElectronicFile(input: Buffer | string): ParsedElectronicFile {
  const p = new Problems();
  const text = decode(input, p);
  if (text === null) refuse(p);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    p.add('$', 'not JSON');
    refuse(p);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    p.add('$', `expected a JSON object, got ${typeName(json)}`);
    refuse(p);
  }

  // A file of another format or version: say so, and do not list every difference.
  const head = json as Record<string, unknown>;
  if (head.format !== ELECTRONIC_FILE_FORMAT) {
    p.add('format', `expected "${ELECTRONIC_FILE_FORMAT}"`);
  } else if (head.formatVersion !== ELECTRONIC_FILE_FORMAT_VERSION) {
    p.add('formatVersion', `expected ${ELECTRONIC_FILE_FORMAT_VERSION} (this system reads version ${ELECTRONIC_FILE_FORMAT_VERSION} only)`);
  }
  if (p.any) refuse(p);

  const doc = DOCUMENT(json, '$', p);
  if (doc === BAD || p.any) refuse(p);

  const mf = doc.mainForm as Record<string, unknown> & { contact: Record<string, unknown> };
  const mainForm: FilingMainForm = {
    filerName: mf.filerName as string,
    filerAddress: mf.filerAddress as string,
    representativeName: mf.representativeName as string | null,
    businessName: mf.businessName as string,
    facilityName: mf.facilityName as string,
    facilityAddress: mf.facilityAddress as string,
    employees: mf.employees as number,
    mainIndustryCode: mf.mainIndustryCode as string,
    secondaryIndustryCodes: mf.secondaryIndustryCodes as string[],
    ministerCode: mf.ministerCode as string | null,
    confidentialityClaim: mf.confidentialityClaim as boolean,
    contact: {
      department: mf.contact.department as string | null,
      name: mf.contact.name as string,
      phone: mf.contact.phone as string,
      email: mf.contact.email as string | null,
    },
  };
  const sheets: FilingSheet[] = (doc.sheets as Array<Record<string, Record<string, unknown>>>).map((s) => ({
    substanceNumber: s.substanceNumber as unknown as number,
    releases: {
      air: s.releases.air as string,
      water: s.releases.water as string,
      waterBodyName: s.releases.waterBodyName as string | null,
      soil: s.releases.soil as string,
      landfill: s.releases.landfill as string,
      landfillType: s.releases.landfillType as LandfillType | null,
    },
    transfers: {
      sewer: s.transfers.sewer as string,
      sewagePlantName: s.transfers.sewagePlantName as string | null,
      offsite: s.transfers.offsite as string,
      offsiteTreatmentMethod: s.transfers.offsiteTreatmentMethod as string | null,
      offsiteWasteType: s.transfers.offsiteWasteType as string | null,
    },
  }));

  // The content must also meet every limit of PUT /prtr/filings/{id}: one rule set, the DTO's.
  checkContentLikeTheApi({ mainForm, sheets }, p);
  if (p.any) refuse(p);

  return {
    fiscalYear: doc.fiscalYear as number,
    facilityId: doc.facilityId as string | null,
    referenceNumber: doc.referenceNumber as string | null,
    ministerCode: doc.ministerCode as string | null,
    content: { mainForm, sheets },
  };
}
