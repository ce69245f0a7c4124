/**
 * The PRTR filing window. Every calendar date is a Japan date (JST = UTC+9, no DST) written 'YYYY-MM-DD';
 * such strings compare correctly as strings.
 *
 * Fiscal year Y (April Y – March Y+1) is reported in filing year Y+1: the window opens April 1 and closes
 * June 30 of the filing year (the following Monday when June 30 is a Saturday or Sunday). Electronic
 * filings may have a later, configured deadline.
 */

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export type WindowStatus = 'not_open' | 'open' | 'late';

export interface FilingWindow {
  filingYear: number;
  /** 'YYYY-04-01' */
  opens: string;
  /** June 30, or the following Monday when that is a Saturday or Sunday */
  closes: string;
  /** The configured electronic deadline for the filing year (never earlier than closes), else closes */
  electronicDeadline: string;
}

export function filingYearOf(fiscalYear: number): number {
  return fiscalYear + 1;
}

/** The Japan calendar date of an instant. */
export function jstDate(now: Date): string {
  const t = now.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid date');
  return new Date(t + JST_OFFSET_MS).toISOString().slice(0, 10);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Parses "2022:07-31,2023:07-31" (filing year : MM-DD) into {2022: '2022-07-31', 2023: '2023-07-31'}.
 * Whitespace around items is ignored; an empty string gives {}. Throws on a malformed item, an impossible
 * date or a year given twice.
 */
export function parseElectronicDeadlines(spec: string): Record<number, string> {
  const out: Record<number, string> = {};
  const text = (spec ?? '').trim();
  if (!text) return out;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^(\d{4}):(\d{2})-(\d{2})$/.exec(item);
    if (!m) {
      throw new Error(`PRTR electronic deadlines: "${item}" is not of the form YYYY:MM-DD (e.g. 2024:07-31)`);
    }
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (year < 2000 || year > 2999) {
      throw new Error(`PRTR electronic deadlines: "${item}" has an implausible filing year ${m[1]}`);
    }
    if (!isValidDate(year, month, day)) {
      throw new Error(`PRTR electronic deadlines: "${item}" is not a real date (${isoDate(year, month, day)})`);
    }
    if (out[year] !== undefined) {
      throw new Error(`PRTR electronic deadlines: filing year ${year} is given twice`);
    }
    out[year] = isoDate(year, month, day);
  }
  return out;
}

/** June 30 of the filing year, moved to the following Monday when it falls on a Saturday or Sunday. */
function closingDate(filingYear: number): string {
  const june30 = new Date(Date.UTC(filingYear, 5, 30));
  const weekday = june30.getUTCDay(); // 0 = Sunday, 6 = Saturday
  const shift = weekday === 6 ? 2 : weekday === 0 ? 1 : 0;
  const d = new Date(Date.UTC(filingYear, 5, 30 + shift));
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function filingWindow(filingYear: number, electronicDeadlines: Record<number, string> = {}): FilingWindow {
  if (!Number.isInteger(filingYear)) throw new RangeError(`not a filing year: ${filingYear}`);
  const opens = isoDate(filingYear, 4, 1);
  const closes = closingDate(filingYear);
  const configured = electronicDeadlines[filingYear];
  const electronicDeadline = configured && configured > closes ? configured : closes;
  return { filingYear, opens, closes, electronicDeadline };
}

/** not_open before April 1 (JST), late after the electronic deadline (JST), else open. */
export function windowStatus(now: Date, filingYear: number, deadlines: Record<number, string> = {}): WindowStatus {
  const w = filingWindow(filingYear, deadlines);
  const today = jstDate(now);
  if (today < w.opens) return 'not_open';
  if (today > w.electronicDeadline) return 'late';
  return 'open';
}

/** Validates and normalises "MM-DD" (e.g. "11-30"); February 29 is refused as it does not exist every year. */
export function parseMonthDay(spec: string): string {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec((spec ?? '').trim());
  if (!m) throw new Error(`"${spec}" is not a month-day of the form MM-DD (e.g. 11-30)`);
  const [month, day] = [Number(m[1]), Number(m[2])];
  // 2001 is not a leap year: 02-29 is rejected.
  if (!isValidDate(2001, month, day)) throw new Error(`"${spec}" is not a valid month-day for every year`);
  return `${pad2(month)}-${pad2(day)}`;
}

/** The last JST date on which amendments for the filing year are accepted. */
export function amendmentCutoffDate(filingYear: number, monthDay = '11-30'): string {
  return `${String(filingYear).padStart(4, '0')}-${parseMonthDay(monthDay)}`;
}

/** True while the JST date is on or before the amendment cut-off of the filing year. */
export function amendmentsOpen(now: Date, filingYear: number, monthDay = '11-30'): boolean {
  return jstDate(now) <= amendmentCutoffDate(filingYear, monthDay);
}
