import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Strict calendar dates and date-times for the API's edge. `Date.parse` and class-validator's
 * `@IsISO8601()` accept values PostgreSQL cannot read ("2026-02-30", "0000-01-01", "2026-W01",
 * "2026-12-01T10", a comma fraction): those reached the database and came back as 500s. Accepted:
 *   - a date `YYYY-MM-DD`
 *   - (where date-times are allowed) `YYYY-MM-DDTHH:MM[:SS[.f{1,6}]]` then `Z` or `±HH:MM`
 * with year 0001–9999, a real calendar day (Feb 29 in leap years only), hours 00–23,
 * minutes/seconds 00–59 and an offset of at most 14:00 (the widest in use).
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDay(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]);
}

/** A real calendar date written `YYYY-MM-DD`, year 0001–9999. */
export function isStrictDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  return !!m && realDay(m[1], m[2], m[3]);
}

/** A real date-time `YYYY-MM-DDTHH:MM[:SS[.ffffff]]` with `Z` or `±HH:MM`. */
export function isStrictDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m || !realDay(m[1], m[2], m[3])) return false;
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
  if (hh > 23 || mm > 59 || ss > 59) return false;
  if (m[7]) {
    const [oh, om] = [Number(m[8]), Number(m[9])];
    if (om > 59 || oh * 60 + om > 14 * 60) return false;
  }
  return true;
}

export const DATE_PROBLEM = '$property は実在する日付を YYYY-MM-DD 形式で指定してください (a real calendar date, YYYY-MM-DD)';
export const DATE_OR_DATE_TIME_PROBLEM =
  '$property は実在する日付（YYYY-MM-DD）または日時（YYYY-MM-DDTHH:MM[:SS[.ffffff]] に Z か ±HH:MM）で指定してください ' +
  '(a real date YYYY-MM-DD, or a date-time YYYY-MM-DDTHH:MM[:SS[.ffffff]] followed by Z or ±HH:MM)';

/**
 * The property is a strict calendar date (`dateTime: false`, the default), or either a strict
 * date or a strict date-time with an offset (`dateTime: true`). Combine with `@IsOptional()`.
 */
export function IsStrictDate(options: { dateTime?: boolean } = {}, validationOptions?: ValidationOptions) {
  const dateTime = options.dateTime ?? false;
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: dateTime ? 'isStrictDateOrDateTime' : 'isStrictDate',
      target: object.constructor,
      propertyName,
      options: { message: dateTime ? DATE_OR_DATE_TIME_PROBLEM : DATE_PROBLEM, ...validationOptions },
      validator: {
        validate: (value: unknown) => isStrictDate(value) || (dateTime && isStrictDateTime(value)),
      },
    });
}
