import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { IsStrictDate, isStrictDate, isStrictDateTime } from './dates';

describe('strict dates', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2026-12-31', '2026-04-30'])('accepts the date %s', (v) => {
    expect(isStrictDate(v)).toBe(true);
  });

  it.each([
    '2026-02-30', '2026-02-29', '1900-02-29', '2100-02-29', '0000-01-01', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00',
    '2026-W01', '2026', '2026-12', '20261201', '2026-1-01', ' 2026-12-01', '2026-12-01 ', '+02026-12-01', '2026-12-01T00:00:00Z', '', '２０２６-12-01',
  ])('refuses the date %j', (v) => {
    expect(isStrictDate(v)).toBe(false);
  });

  it('refuses what is not a string', () => {
    for (const v of [20261201, null, undefined, ['2026-12-01'], { y: 2026 }, new Date('2026-12-01')]) expect(isStrictDate(v)).toBe(false);
  });

  it.each([
    '2026-12-01T10:00Z', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00.5Z', '2026-12-01T10:00:00.123456+09:00', '2026-12-01T23:59:59-05:30',
    '2024-02-29T00:00:00Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59.999999-14:00',
  ])('accepts the date-time %s', (v) => {
    expect(isStrictDateTime(v)).toBe(true);
  });

  it.each([
    '2026-02-29T00:00:00Z', '2026-02-30T10:00:00+09:00', '2026-12-01T10', '2026-12-01T10:00:00,5Z', '2026-12-01T10:00:00', '2026-12-01T24:00:00Z',
    '2026-12-01T10:60:00Z', '2026-12-01T10:00:60Z', '2026-12-01T10:00:00.1234567Z', '2026-12-01T10:00:00+0900', '2026-12-01T10:00:00+09',
    '2026-12-01T10:00:00+14:01', '2026-12-01T10:00:00+16:00', '2026-12-01T10:00:00+09:60', '2026-12-01 10:00:00Z', '2026-12-01t10:00:00z',
    '0000-12-31T23:00:00Z', '2026-12-01T10:00:00.Z', '2026-12-01T10:00.5Z', '2026-12-01',
  ])('refuses the date-time %j', (v) => {
    expect(isStrictDateTime(v)).toBe(false);
  });

  class Q {
    @IsOptional() @IsStrictDate() day?: string;
    @IsOptional() @IsStrictDate({ dateTime: true }) at?: string;
  }
  const problems = (plain: object) => validateSync(plainToInstance(Q, plain)).map((e) => [e.property, Object.values(e.constraints ?? {})]);

  it('as a decorator: dates only by default, dates or date-times with dateTime, bilingual messages naming the field', () => {
    expect(problems({ day: '2024-02-29', at: '2026-12-01' })).toEqual([]);
    expect(problems({ at: '2026-12-01T10:00:00+09:00' })).toEqual([]);
    const [[field, [message]]] = problems({ day: '2026-12-01T10:00:00Z' });
    expect(field).toBe('day');
    expect(message).toMatch(/^day は実在する日付を.*\(a real calendar date, YYYY-MM-DD\)$/);
    const [[atField, [atMessage]]] = problems({ at: '2026-W01' });
    expect(atField).toBe('at');
    expect(atMessage).toMatch(/^at は実在する日付.*\(a real date YYYY-MM-DD, or a date-time/);
  });
});
