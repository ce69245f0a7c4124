import { PrtrClock } from '../../src/modules/prtr/clock';
import { createTestApp, type TestApp } from '../support/app';
import { activatedHolder, auth, registrationBody, secretariatToken } from '../factories/identity';
import { filingBody, importFixtureMaster, officer, registeredFiler, registrationBody as prtrRegistrationBody, type Filer } from '../factories/prtr';

type Fields = { field: string; problems: string[] }[];
const fieldsOf = (body: { details?: { fields?: Fields } }) => (body.details?.fields ?? []).map((f) => f.field);

/**
 * Nested DTOs take objects where objects belong and arrays where arrays belong: an array in place of
 * an object (also as an array's element) and an object in place of an array are 400
 * VALIDATION_FAILED naming the property, and nothing is stored.
 */
describe('nested body shapes (e2e)', () => {
  let t: TestApp;
  let sec: string;
  let tokyo: string;
  let filer: Filer;
  let filingId: string;
  const FY = 2025;

  beforeAll(async () => {
    t = await createTestApp({ PRTR_ELECTRONIC_DEADLINES: '2026:07-31' });
    t.app.get(PrtrClock).now = () => new Date('2026-05-15T01:00:00Z');
    sec = await secretariatToken(t);
    await importFixtureMaster(t);
    tokyo = (await officer(t, sec, { prefectureCode: '13' })).token;
    filer = await registeredFiler(t, tokyo, '13');
    filingId = (await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(filingBody(filer.facilities[0].id, FY)).expect(201)).body.id;
  });
  afterAll(() => t?.close());

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.dataSource.query(sql, params))[0].n);

  it('registration applications: coBusinesses as an array of arrays or as an object, and arrays for single objects, are 400 and nothing is stored', async () => {
    const before = await count(`SELECT count(*) AS n FROM applications`);
    const good = registrationBody();
    const cases: [Record<string, unknown>, string][] = [
      [{ coBusinesses: [good.coBusinesses] }, 'coBusinesses'],
      [{ coBusinesses: good.coBusinesses[0] }, 'coBusinesses'],
      [{ coBusinesses: ['株式会社アセット不動産'] }, 'coBusinesses'],
      [{ representative: [good.representative] }, 'representative'],
      [{ contact: [good.contact] }, 'contact'],
      [{ facility: [good.facility] }, 'facility'],
    ];
    for (const [override, field] of cases) {
      const res = await t.http().post('/api/v1/registration-applications').send(registrationBody(override));
      expect([JSON.stringify(override).slice(0, 40), res.status, res.body.code]).toEqual([JSON.stringify(override).slice(0, 40), 400, 'VALIDATION_FAILED']);
      expect(fieldsOf(res.body)).toContain(field);
    }
    expect(await count(`SELECT count(*) AS n FROM applications`)).toBe(before);
    // the same body with the shapes right is accepted
    await t.http().post('/api/v1/registration-applications').send(good).expect(201);
  });

  it('trading participants and contact changes refuse an array for their nested object', async () => {
    const tp = await t.http().post('/api/v1/trading-participant-applications').send({
      name: '株式会社カーボン商事', nameKana: 'かぶしきがいしゃかーぼんしょうじ', accountName: '取引口座', disclosureConsent: true,
      contact: [{ department: '排出量取引部', name: '取引一郎', nameKana: 'とりひきいちろう', postalCode: '530-0001', address: '大阪府大阪市北区1-1', phone: '06-1234-5678', email: 'tp-shape@example.co.jp' }],
    });
    expect([tp.status, tp.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(fieldsOf(tp.body)).toContain('contact');
    const holder = await activatedHolder(t, sec);
    const change = await t.http().post(`/api/v1/contact-change-applications`).set(auth(holder.a.token!)).send({ changes: [{ phone: '03-9999-9999' }] });
    expect([change.status, change.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(fieldsOf(change.body)).toContain('changes');
  });

  it('PRTR pre-registration: facilities as an array of arrays is 400 (was 201, then a 500 at approval) and nothing is stored', async () => {
    const before = await count(`SELECT count(*) AS n FROM prtr_registrations`);
    const body = prtrRegistrationBody('13');
    for (const facilities of [[body.facilities], body.facilities[0], [[]], ['東京工場'], [null]]) {
      const res = await t.http().post('/api/v1/prtr/registrations').send({ ...body, facilities });
      expect([JSON.stringify(facilities).slice(0, 30), res.status, res.body.code]).toEqual([JSON.stringify(facilities).slice(0, 30), 400, 'VALIDATION_FAILED']);
      expect(fieldsOf(res.body)).toContain('facilities');
    }
    for (const key of ['business', 'contact'] as const) {
      const res = await t.http().post('/api/v1/prtr/registrations').send({ ...body, [key]: [body[key]] });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, expect.arrayContaining([key])]);
    }
    expect(await count(`SELECT count(*) AS n FROM prtr_registrations`)).toBe(before);
  });

  it('PRTR eligibility: arrays of arrays for facilities or substances are 400', async () => {
    const facility = { substances: [{ number: 452, handledKg: '600' }] };
    const check = (facilities: unknown) => t.http().post('/api/v1/prtr/eligibility').send({ industryCode: '2000', employees: 50, facilities });
    await check([facility]).expect(200);
    for (const [facilities, field] of [
      [[[facility]], 'facilities'],
      [facility, 'facilities'],
      [[{ substances: [facility.substances] }], 'facilities.0.substances'],
      [[{ substances: facility.substances[0] }], 'facilities.0.substances'],
    ] as const) {
      const res = await check(facilities);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(fieldsOf(res.body)).toContain(field);
    }
  });

  it('PRTR eligibility: an array past its bound is 400 naming it before its elements are read (1,999 facilities where 500 are allowed)', async () => {
    const facility = { name: '東京工場', substances: [{ number: 452, handledKg: '600' }] };
    const check = (facilities: unknown) => t.http().post('/api/v1/prtr/eligibility').send({ industryCode: '2000', employees: 50, facilities });
    await check(Array.from({ length: 500 }, () => facility)).expect(200);
    const long = await check(Array.from({ length: 1999 }, () => facility));
    expect([long.status, long.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(long.body.details.fields).toEqual([{ field: 'facilities', problems: ['facilities must contain no more than 500 elements'] }]);
    const nested = await check([facility, { substances: Array.from({ length: 601 }, () => facility.substances[0]) }]);
    expect([nested.status, nested.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(nested.body.details.fields).toEqual([{ field: 'facilities.1.substances', problems: ['substances must contain no more than 600 elements'] }]);
  });

  it('PUT a filing with an array where a sheet (or a part of one) belongs is 400 naming it (was a 500), and the draft is unchanged', async () => {
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(filer.facilities[0].id, FY);
    const before = (await t.http().get(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).expect(200)).body;
    const put = (body: unknown) => t.http().put(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).send(body as object);
    const cases: [unknown, string][] = [
      [{ ...content, sheets: [content.sheets] }, 'sheets'],
      [{ ...content, sheets: [[content.sheets[0]], content.sheets[1]] }, 'sheets'],
      [{ ...content, sheets: content.sheets[0] }, 'sheets'],
      [{ ...content, sheets: [{ ...content.sheets[0], releases: [content.sheets[0].releases] }] }, 'sheets.0.releases'],
      [{ ...content, sheets: [{ ...content.sheets[0], transfers: [content.sheets[0].transfers] }] }, 'sheets.0.transfers'],
      [{ ...content, mainForm: [content.mainForm] }, 'mainForm'],
      [{ ...content, mainForm: { ...content.mainForm, contact: [content.mainForm.contact] } }, 'mainForm.contact'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect([field, res.status, res.body.code]).toEqual([field, 400, 'VALIDATION_FAILED']);
      expect(fieldsOf(res.body)).toContain(field);
    }
    const after = (await t.http().get(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).expect(200)).body;
    expect(after.sheets).toEqual(before.sheets);
    expect(after.mainForm).toEqual(before.mainForm);
    await put(content).expect(200);
  });
});
