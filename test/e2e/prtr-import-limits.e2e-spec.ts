import { PrtrClock } from '../../src/modules/prtr/clock';
import { createTestApp, type TestApp } from '../support/app';
import { auth, secretariatToken } from '../factories/identity';
import { filingBody, importFixtureMaster, officer, registeredFiler, type Filer } from '../factories/prtr';

/** An imported electronic file meets the same limits as PUT /prtr/filings/{id}. */
describe('PRTR electronic-file import: the API limits (e2e)', () => {
  let t: TestApp;
  let filer: Filer;
  const FY = 2025;

  beforeAll(async () => {
    t = await createTestApp({ PRTR_ELECTRONIC_DEADLINES: '2026:07-31' });
    t.app.get(PrtrClock).now = () => new Date('2026-05-15T01:00:00Z');
    const sec = await secretariatToken(t);
    const tokyo = (await officer(t, sec, { prefectureCode: '13' })).token;
    await importFixtureMaster(t);
    filer = await registeredFiler(t, tokyo, '13', ['東京工場', '川崎工場']);
  });
  afterAll(() => t?.close());

  const fileFor = (facilityId: string, edit: (doc: ReturnType<typeof filingBody>) => void = () => undefined) => {
    const body = filingBody(facilityId, FY);
    edit(body);
    const { facilityId: _f, fiscalYear, ...content } = body;
    return Buffer.from(JSON.stringify({ format: 'jp.go.prtr.filing', formatVersion: 1, fiscalYear, facilityId, ...content }), 'utf8');
  };
  const importFile = (file: Buffer) => t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).attach('file', file, 'filing.json');
  const filings = async (facilityId: string) =>
    (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM prtr_filings WHERE facility_id = $1`, [facilityId]))[0].n as number;

  it('refuses employees over 10,000,000 and 45 duplicate secondary industry codes with 422 and the paths; creates nothing', async () => {
    const facility = filer.facilities[0].id;
    const res = await importFile(
      fileFor(facility, (d) => {
        d.mainForm.employees = 2_000_000_000;
        d.mainForm.secondaryIndustryCodes = Array.from({ length: 45 }, () => '2600');
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PRTR_FILE_INVALID');
    const paths = res.body.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toContain('mainForm.employees');
    expect(paths).toContain('mainForm.secondaryIndustryCodes');
    expect(await filings(facility)).toBe(0);
  });

  it.each([
    ['employees one over the limit', (d: ReturnType<typeof filingBody>) => (d.mainForm.employees = 10_000_001), 'mainForm.employees'],
    ['21 distinct secondary codes', (d: ReturnType<typeof filingBody>) => (d.mainForm.secondaryIndustryCodes = Array.from({ length: 21 }, (_, i) => String(2100 + i))), 'mainForm.secondaryIndustryCodes'],
    ['two equal secondary codes', (d: ReturnType<typeof filingBody>) => (d.mainForm.secondaryIndustryCodes = ['2600', '2600']), 'mainForm.secondaryIndustryCodes'],
    ['a filer name longer than 200', (d: ReturnType<typeof filingBody>) => (d.mainForm.filerName = 'あ'.repeat(201)), 'mainForm.filerName'],
    ['an empty contact name', (d: ReturnType<typeof filingBody>) => (d.mainForm.contact.name = ''), 'mainForm.contact.name'],
    ['a substance number over 100000', (d: ReturnType<typeof filingBody>) => (d.sheets[1].substanceNumber = 100_001), 'sheets[1].substanceNumber'],
  ])('refuses %s (422 at its path), creates nothing', async (_name, edit, path) => {
    const facility = filer.facilities[0].id;
    const res = await importFile(fileFor(facility, edit));
    expect([res.status, res.body.code]).toEqual([422, 'PRTR_FILE_INVALID']);
    expect(res.body.details.problems.map((p: { path: string }) => p.path)).toContain(path);
    expect(await filings(facility)).toBe(0);
  });

  it('PUT refuses duplicate secondary codes too (one rule set), and a file within the limits imports', async () => {
    const facility = filer.facilities[1].id;
    const ok = await importFile(fileFor(facility, (d) => (d.mainForm.secondaryIndustryCodes = ['2600'])));
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('draft');
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(facility, FY);
    content.mainForm.secondaryIndustryCodes = ['2600', '2600'];
    const put = await t.http().put(`/api/v1/prtr/filings/${ok.body.id}`).set(auth(filer.token)).send(content);
    expect([put.status, put.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(put.body.details.fields.map((f: { field: string }) => f.field)).toContain('mainForm.secondaryIndustryCodes');
  });

  it('refuses facilityId given twice or as an object with 400 and a code (was 404 or a 500); creates nothing', async () => {
    const facility = filer.facilities[0].id;
    const file = fileFor(facility);
    const twice = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).field('facilityId', facility).field('facilityId', facility).attach('file', file, 'filing.json');
    expect([twice.status, twice.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(twice.body.details.fields).toEqual([{ field: 'facilityId', problems: [expect.stringMatching(/事業所ID/)] }]);
    const object = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).field('facilityId[a]', facility).attach('file', file, 'filing.json');
    expect([object.status, object.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const twoFiles = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).attach('file', file, 'a.json').attach('file', file, 'b.json');
    expect(twoFiles.status).toBe(400);
    expect(twoFiles.body.code).toEqual(expect.stringMatching(/^[A-Z_]+$/));
    expect(await filings(facility)).toBe(0);
    // given once, as text, it imports (the file is read in a file worker)
    const once = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).field('facilityId', facility).attach('file', file, 'filing.json');
    expect(once.status).toBe(201);
    expect(await filings(facility)).toBe(1);
  });
});
