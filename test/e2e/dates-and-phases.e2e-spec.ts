import ExcelJS from 'exceljs';
import { AuditService } from '../../src/modules/audit/audit.service';
import { createTestApp, type TestApp, binary } from '../support/app';
import { auth, secretariatToken } from '../factories/identity';

describe('strict dates at the edge, and phase creation', () => {
  let t: TestApp;
  let sec: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const years = { adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 };
  const createPhase = (body: object) => t.http().post('/api/v1/phases').set(auth(sec)).send({ name: `期-${++n}`, code: `C${n}`, ...years, ...body });
  const phaseCount = async () => (await t.db.dataSource.query(`SELECT count(*)::int n FROM phases`))[0].n as number;
  const expectFieldRefused = (res: { status: number; body: any }, field: string, pattern: RegExp) => {
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(typeof res.body.message).toBe('string');
    const entry = res.body.details.fields.find((f: { field: string }) => f.field === field);
    expect(entry).toBeDefined();
    expect(entry.problems.join(' ')).toMatch(pattern);
  };

  describe('POST /phases retirementDeadline', () => {
    it.each(['2026-02-30', '2026-02-29', '0000-01-01', '2026-04-31', '2026-13-01', '2026-12-01T00:00:00Z', '2026-W01', '2026'])(
      'refuses %j with 400 naming the field, and stores nothing',
      async (retirementDeadline) => {
        const before = await phaseCount();
        const res = await createPhase({ retirementDeadline, adjustmentFiscalYear: 2025 });
        expectFieldRefused(res, 'retirementDeadline', /実在する日付.*\(a real calendar date, YYYY-MM-DD\)/);
        expect(await phaseCount()).toBe(before);
      },
    );

    it('refuses a deadline that is not a string', async () => {
      expectFieldRefused(await createPhase({ retirementDeadline: 20261130 }), 'retirementDeadline', /YYYY-MM-DD/);
    });

    it('accepts real dates, Feb 29 in a leap year included, and stores them as sent', async () => {
      const leap = await createPhase({ ...years, adjustmentFiscalYear: 2023, targetFiscalYear: 2022, retirementDeadline: '2024-02-29' });
      expect(leap.status).toBe(201);
      expect(leap.body.retirementDeadline).toBe('2024-02-29');
      const later = await createPhase({ retirementDeadline: '2016-03-31' });
      expect(later.status).toBe(201);
      const stored = await t.db.dataSource.query(`SELECT retirement_deadline::text d FROM phases WHERE id = $1`, [later.body.id]);
      expect(stored).toEqual([{ d: '2016-03-31' }]);
      const defaulted = await createPhase({});
      expect([defaulted.status, defaulted.body.retirementDeadline]).toEqual([201, '2015-11-30']);
    });

    it('refuses a deadline before the adjustment fiscal year starts (docs/domain.md §3), before the base year included', async () => {
      for (const retirementDeadline of ['2010-01-01', '2013-03-31', '2014-11-30', '2015-03-31']) {
        const res = await createPhase({ retirementDeadline });
        expectFieldRefused(res, 'retirementDeadline', /調整・自主削減年度の開始日（2015-04-01）以降.*on or after the start of the adjustment fiscal year/);
      }
      const first = await createPhase({ retirementDeadline: '2015-04-01' });
      expect([first.status, first.body.retirementDeadline]).toEqual([201, '2015-04-01']);
    });

    it('still refuses fiscal years out of order, with a bilingual problem', async () => {
      expectFieldRefused(await createPhase({ targetFiscalYear: 2013 }), 'targetFiscalYear', /設備導入年度 < 削減目標年度.*base < target < adjustment/);
    });
  });

  describe('POST /phases with the same name at the same time', () => {
    it('creates exactly one; every other request gets 409 PHASE_EXISTS, none a 500', async () => {
      for (let round = 0; round < 3; round++) {
        const name = `同時-${round}`;
        // the same name with the same vintage code, or (odd requests) another code
        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) => t.http().post('/api/v1/phases').set(auth(sec)).send({ name, code: i % 2 ? `SAME${round}X${i}` : `SAME${round}`, ...years })),
        );
        const statuses = responses.map((r) => r.status).sort();
        expect(statuses).toEqual([201, ...Array(7).fill(409)]);
        for (const r of responses.filter((x) => x.status === 409)) expect(r.body.code).toBe('PHASE_EXISTS');
        const [{ c }] = await t.db.dataSource.query(`SELECT count(*)::int c FROM phases WHERE name = $1`, [name]);
        expect(c).toBe(1);
      }
      expect(t.logs.filter((l) => /23505|duplicate key/.test(l))).toEqual([]);
    });
  });

  describe('GET /audit-events from/to', () => {
    const bad = [
      '2026-02-30',
      '2026-02-29T00:00:00Z',
      '2026-02-30T10:00:00+09:00',
      '0000-01-01',
      '2026-W01',
      '2026',
      '2026-12',
      '2026-12-01T10',
      '2026-12-01T10:00:00,5Z',
      '2026-12-01T10:00:00',
      '2026-12-01T24:00:00Z',
      '2026-12-01T10:00:00+16:00',
    ];
    const list = (q: Record<string, string>) => t.http().get('/api/v1/audit-events').query(q).set(auth(sec));
    const xlsx = (q: Record<string, string>) => t.http().get('/api/v1/audit-events.xlsx').query(q).set(auth(sec));

    it.each(bad)('refuses %j in from and to, on the list and the workbook, with 400 naming the field', async (value) => {
      for (const field of ['from', 'to']) {
        for (const get of [list, xlsx]) {
          const res = await get({ [field]: value });
          expectFieldRefused(res, field, /実在する日付.*\(a real date YYYY-MM-DD, or a date-time/);
        }
      }
    });

    it('refuses a repeated parameter', async () => {
      const res = await t.http().get('/api/v1/audit-events?from=2026-01-01&from=2026-02-01').set(auth(sec));
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('accepts real dates and date-times and filters by them', async () => {
      // something recorded now: a refused request is audited too
      await t.http().post('/api/v1/phases').set(auth(sec)).send({}).expect(400);
      const audit = t.app.get(AuditService);
      await new Promise((r) => setImmediate(r));
      await audit.flush();
      const now = new Date();
      const ok: Record<string, string>[] = [
        { from: '2024-02-29', to: '9999-12-31' },
        { from: '2000-01-01T00:00Z' },
        { from: '2000-01-01T09:00:00+09:00', to: '9999-12-31T23:59:59.999999-14:00' },
        { to: '0001-01-01T00:00:00.5+14:00' },
      ];
      const seen: number[] = [];
      for (const q of ok) {
        const res = await list({ ...q, limit: '100' });
        expect(res.status).toBe(200);
        seen.push(res.body.items.length);
      }
      expect(seen[0]).toBeGreaterThan(0);
      expect(seen[1]).toBe(seen[0]);
      expect(seen[3]).toBe(0);
      // the future excludes everything that exists
      const future = `${now.getUTCFullYear() + 1}-01-01T00:00:00Z`;
      expect((await list({ from: future })).body.items).toEqual([]);
      const file = await xlsx({ from: '2024-02-29', to: '2999-12-31T00:00:00+09:00' }).buffer(true).parse(binary);
      expect(file.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      const body = file.body as Buffer;
      await wb.xlsx.load((body.buffer as ArrayBuffer).slice(body.byteOffset, body.byteOffset + body.byteLength));
      expect(wb.worksheets[0].rowCount).toBeGreaterThan(1);
    });
  });
});
