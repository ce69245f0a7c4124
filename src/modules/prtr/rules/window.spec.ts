import {
  amendmentCutoffDate,
  amendmentsOpen,
  filingWindow,
  filingYearOf,
  jstDate,
  parseElectronicDeadlines,
  parseMonthDay,
  windowStatus,
} from './window';

describe('filingYearOf', () => {
  it('files fiscal year Y in Y+1', () => {
    expect(filingYearOf(2025)).toBe(2026);
  });
});

describe('jstDate', () => {
  it('is the Japan calendar date around JST midnight', () => {
    expect(jstDate(new Date('2026-06-30T14:59:59.999Z'))).toBe('2026-06-30');
    expect(jstDate(new Date('2026-06-30T15:00:00Z'))).toBe('2026-07-01');
    expect(jstDate(new Date('2026-03-31T15:00:00Z'))).toBe('2026-04-01');
    expect(jstDate(new Date('2025-12-31T15:00:00Z'))).toBe('2026-01-01');
  });
  it('rejects an invalid date', () => {
    expect(() => jstDate(new Date('nope'))).toThrow();
  });
});

describe('parseElectronicDeadlines', () => {
  it('parses filing year : MM-DD items', () => {
    expect(parseElectronicDeadlines('2022:07-31,2023:07-31,2024:07-31')).toEqual({
      2022: '2022-07-31',
      2023: '2023-07-31',
      2024: '2024-07-31',
    });
    expect(parseElectronicDeadlines(' 2024:07-31 , 2028:02-29 ')).toEqual({ 2024: '2024-07-31', 2028: '2028-02-29' });
  });
  it('gives {} for an empty string', () => {
    expect(parseElectronicDeadlines('')).toEqual({});
    expect(parseElectronicDeadlines('  ')).toEqual({});
  });
  it.each([
    ['24:07-31', /YYYY:MM-DD/],
    ['2024-07-31', /YYYY:MM-DD/],
    ['2024:7-31', /YYYY:MM-DD/],
    ['2024:07-31,', /YYYY:MM-DD/],
    ['abcd:07-31', /YYYY:MM-DD/],
    ['1999:07-31', /implausible filing year/],
    ['2024:02-30', /not a real date/],
    ['2023:02-29', /not a real date/],
    ['2024:13-01', /not a real date/],
    ['2024:07-00', /not a real date/],
    ['2024:07-31,2024:08-31', /given twice/],
  ])('rejects %p', (spec, message) => {
    expect(() => parseElectronicDeadlines(spec)).toThrow(message);
  });
});

describe('filingWindow', () => {
  it('weekday June 30 (2026 is a Tuesday) closes on June 30', () => {
    expect(filingWindow(2026, {})).toEqual({
      filingYear: 2026,
      opens: '2026-04-01',
      closes: '2026-06-30',
      electronicDeadline: '2026-06-30',
    });
  });
  it('Saturday June 30 (2029) moves to Monday July 2', () => {
    expect(filingWindow(2029, {})).toMatchObject({ closes: '2029-07-02', electronicDeadline: '2029-07-02' });
  });
  it('Sunday June 30 (2024) moves to Monday July 1', () => {
    expect(filingWindow(2024, {})).toMatchObject({ opens: '2024-04-01', closes: '2024-07-01' });
  });
  it('Friday June 30 (2028) stays', () => {
    expect(filingWindow(2028).closes).toBe('2028-06-30');
  });
  it('uses the configured electronic deadline of that filing year only', () => {
    const deadlines = parseElectronicDeadlines('2024:07-31,2026:07-31');
    expect(filingWindow(2026, deadlines)).toMatchObject({ closes: '2026-06-30', electronicDeadline: '2026-07-31' });
    expect(filingWindow(2024, deadlines)).toMatchObject({ closes: '2024-07-01', electronicDeadline: '2024-07-31' });
    expect(filingWindow(2027, deadlines).electronicDeadline).toBe('2027-06-30');
  });
  it('never lets the electronic deadline be earlier than the closing date', () => {
    expect(filingWindow(2029, { 2029: '2029-06-15' }).electronicDeadline).toBe('2029-07-02');
  });
});

describe('windowStatus', () => {
  const none = {};
  const jul31 = { 2026: '2026-07-31' };
  it.each([
    ['2026-03-31T14:59:59Z', none, 'not_open'], // Mar 31 23:59:59 JST
    ['2026-03-31T15:00:00Z', none, 'open'], // Apr 1 00:00 JST
    ['2026-06-30T14:59:59Z', none, 'open'], // Jun 30 23:59:59 JST
    ['2026-06-30T15:00:00Z', none, 'late'], // Jul 1 00:00 JST
    ['2026-06-30T15:00:00Z', jul31, 'open'],
    ['2026-07-31T14:59:59Z', jul31, 'open'],
    ['2026-07-31T15:00:00Z', jul31, 'late'],
    ['2025-12-01T00:00:00Z', jul31, 'not_open'],
  ] as const)('%s → %s', (iso, deadlines, expected) => {
    expect(windowStatus(new Date(iso), 2026, deadlines)).toBe(expected);
  });
  it('a moved closing date (2029-07-02) is still open that day', () => {
    expect(windowStatus(new Date('2029-07-02T14:59:59Z'), 2029, {})).toBe('open');
    expect(windowStatus(new Date('2029-07-02T15:00:00Z'), 2029, {})).toBe('late');
  });
});

describe('amendments', () => {
  it('parses month-days', () => {
    expect(parseMonthDay('11-30')).toBe('11-30');
    expect(parseMonthDay('3-1')).toBe('03-01');
    expect(() => parseMonthDay('11/30')).toThrow();
    expect(() => parseMonthDay('11-31')).toThrow();
    expect(() => parseMonthDay('02-29')).toThrow();
    expect(() => parseMonthDay('')).toThrow();
  });
  it('computes the cut-off date', () => {
    expect(amendmentCutoffDate(2026)).toBe('2026-11-30');
    expect(amendmentCutoffDate(2026, '12-15')).toBe('2026-12-15');
  });
  it('is open through the cut-off date (JST)', () => {
    expect(amendmentsOpen(new Date('2026-11-30T14:59:59Z'), 2026, '11-30')).toBe(true);
    expect(amendmentsOpen(new Date('2026-11-30T15:00:00Z'), 2026, '11-30')).toBe(false);
    expect(amendmentsOpen(new Date('2026-08-01T00:00:00Z'), 2026)).toBe(true);
  });
});
