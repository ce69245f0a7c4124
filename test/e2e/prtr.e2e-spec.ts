import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { PrtrClock } from '../../src/modules/prtr/clock';
import { TEMPLATES } from '../../src/modules/notifications/templates';
import { binary, createTestApp, type TestApp } from '../support/app';
import { auth, secretariatToken } from '../factories/identity';
import { filingBody, importFixtureMaster, officer, registeredFiler, registrationBody, type Filer } from '../factories/prtr';

/**
 * The PRTR module over HTTP: pre-registration → filer login and certificate, a filing with three
 * substances walked to ministry acceptance, every inquiry answer, scoping by prefecture and
 * minister, the window, and the three exports.
 */
describe('PRTR filing (e2e)', () => {
  let t: TestApp;
  let sec: string;
  let tokyo: string; // 東京都's officer
  let tokyoEmail: string;
  let metiEmail: string;
  let osaka: string; // 大阪府's officer
  let osakaEmail: string;
  let meti: string;
  let maff: string;
  let filer: Filer;
  const FY = 2025; // filed in 2026
  const clock = (iso: string) => {
    t.app.get(PrtrClock).now = () => new Date(iso);
  };

  beforeAll(async () => {
    t = await createTestApp({ PRTR_ELECTRONIC_DEADLINES: '2026:07-31' });
    sec = await secretariatToken(t);
    ({ token: tokyo, email: tokyoEmail } = await officer(t, sec, { prefectureCode: '13' }));
    ({ token: osaka, email: osakaEmail } = await officer(t, sec, { prefectureCode: '27' }));
    meti = (await officer(t, sec, { ministerCode: 'METI' }).catch(() => null))?.token ?? '';
  });
  afterAll(() => t.close());
  beforeEach(() => clock('2026-05-15T01:00:00Z'));

  it('without an imported list, filing routes say how to import one (503), and a ministry officer needs a known minister', async () => {
    expect(meti).toBe(''); // no ministers yet: 404 PRTR_MINISTER_NOT_FOUND
    const res = await t.http().get('/api/v1/prtr/master/industries');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('PRTR_MASTER_DATA_MISSING');
    expect(res.body.message).toContain('prtr:import');
    filer = await registeredFiler(t, tokyo, '13', ['東京工場', '川崎工場', '品川工場', '板橋工場']);
    const draft = await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(filingBody(filer.facilities[0].id, FY));
    expect([draft.status, draft.body.code]).toEqual([503, 'PRTR_MASTER_DATA_MISSING']);
    const counts = await importFixtureMaster(t);
    expect(counts.substances).toEqual({ effectiveFromFy: 2023, classI: 6, specified: 3, classII: 1 });
    ({ token: meti, email: metiEmail } = await officer(t, sec, { ministerCode: 'METI' }));
    maff = (await officer(t, sec, { ministerCode: 'MAFF' })).token;
  });

  it('answers the eligibility check without a login, with reasons', async () => {
    const yes = await t.http().post('/api/v1/prtr/eligibility').send({
      industryCode: '2000',
      employees: 21,
      facilities: [{ name: '東京工場', substances: [{ number: 347, handledKg: '1000' }] }, { name: '倉庫', substances: [{ number: 347, handledKg: '999.9' }] }],
    }).expect(200);
    expect(yes.body.mustFile).toBe(true);
    expect(yes.body.facilities.map((f: { mustFile: boolean }) => f.mustFile)).toEqual([true, false]);
    const no = await t.http().post('/api/v1/prtr/eligibility').send({ industryCode: '2000', employees: 20, facilities: [{ substances: [{ number: 452, handledKg: '600' }] }] }).expect(200);
    expect(no.body.mustFile).toBe(false);
    expect(no.body.reasons.map((r: { code: string }) => r.code)).toContain('EMPLOYEES_BELOW_21');
    const classII = await t.http().get('/api/v1/prtr/master/substances?fiscalYear=2025&class=II').expect(200);
    expect(classII.body).toMatchObject({ listEffectiveFromFy: 2023, class: 'II', count: 1 });
    const bad = await t.http().post('/api/v1/prtr/eligibility').send({ industryCode: '2000', employees: 50, facilities: [{ substances: [{ number: 9999, handledKg: '1' }] }] });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('pre-registration: the officer sees only its prefecture; the certificate downloads once', async () => {
    const other = await t.http().post('/api/v1/prtr/registrations').send(registrationBody('27')).expect(201);
    await t.http().get(`/api/v1/prtr/registrations/${other.body.id}`).set(auth(tokyo)).expect(404);
    await t.http().post(`/api/v1/prtr/registrations/${other.body.id}/approve`).set(auth(tokyo)).expect(404);
    const rejected = await t.http().post(`/api/v1/prtr/registrations/${other.body.id}/reject`).set(auth(osaka)).send({ reason: '事業所の所在地が確認できません。' }).expect(200);
    expect(rejected.body.status).toBe('rejected');
    const twice = await t.http().post(`/api/v1/prtr/registrations/${other.body.id}/approve`).set(auth(osaka));
    expect([twice.status, twice.body.code]).toEqual([409, 'PRTR_REGISTRATION_ALREADY_DECIDED']);
    const listed = await t.http().get('/api/v1/prtr/registrations').set(auth(tokyo)).expect(200);
    expect(listed.body.items.every((r: { prefectureCode: string }) => r.prefectureCode === '13')).toBe(true);
    const cert = filer.approval.certificate;
    expect(cert.importPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    const path = new URL(cert.downloadUrl).pathname;
    await t.http().get(path).expect(401); // a link scanner uses nothing up
    const someoneElse = await registeredFiler(t, tokyo);
    await t.http().get(path).set(auth(someoneElse.token)).expect(404);
    const first = await t.http().get(path).set(auth(filer.token)).buffer(true).parse(binary).expect(200);
    expect(first.headers['content-type']).toContain('application/x-pkcs12');
    expect((first.body as Buffer).length).toBeGreaterThan(1000);
    const again = await t.http().get(path).set(auth(filer.token));
    expect([again.status, again.body.code]).toEqual([410, 'CERTIFICATE_ALREADY_DOWNLOADED']);
    const [row] = await t.app.get(DataSource).query(`SELECT p12 IS NULL AS erased FROM prtr_certificates WHERE serial_number = $1`, [cert.serialNumber]);
    expect(row.erased).toBe(true);
    const [mail] = await t.app.get(DataSource).query(`SELECT body FROM notifications WHERE event = 'prtr.registration.approved' AND $1 = ANY(recipients)`, [filer.email]);
    expect(mail.body).toContain(cert.downloadUrl);
    expect(mail.body).not.toContain(cert.importPassword);
    // the CA's private key is stored encrypted
    const [ca] = await t.app.get(DataSource).query(`SELECT key_pem FROM prtr_certificate_authority`);
    expect(ca.key_pem).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  });

  let filingId: string;

  it('a draft lists blocking errors, warnings and sorted sheets; blocking errors refuse filing (422)', async () => {
    const body = filingBody(filer.facilities[0].id, FY);
    body.sheets[0].releases.waterBodyName = undefined; // water 5.0 without the water body
    body.sheets[1].releases.air = '0.44'; // not at two significant digits
    body.mainForm.facilityName = '髙島工場'; // 髙 is outside JIS X 0208
    const res = await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(body).expect(201);
    filingId = res.body.id;
    expect(res.body.status).toBe('draft');
    expect(res.body.sheets.map((s: { sheetNumber: number; substanceNumber: number }) => [s.sheetNumber, s.substanceNumber])).toEqual([[1, 103], [2, 347], [3, 452]]);
    expect(res.body.minister).toEqual({ code: 'METI', name: '経済産業大臣' });
    expect(res.body.prefecture).toEqual({ code: '13', name: '東京都' });
    const blocking = res.body.validation.blocking.map((i: { code: string; field: string }) => `${i.code} ${i.field}`).sort();
    expect(blocking).toEqual(['NON_JIS_CHARACTER mainForm.facilityName', 'WATER_BODY_REQUIRED sheets[1].releases.waterBodyName']);
    const warning = res.body.validation.warnings.find((i: { code: string }) => i.code === 'NOT_TWO_SIGNIFICANT_DIGITS');
    expect(warning).toMatchObject({ field: 'sheets[0].releases.air', suggestedValue: '0.4' });
    const refused = await t.http().post(`/api/v1/prtr/filings/${filingId}/submit`).set(auth(filer.token));
    expect([refused.status, refused.body.code]).toEqual([422, 'PRTR_FILING_HAS_BLOCKING_ERRORS']);
    expect(refused.body.details.issues).toHaveLength(2);
    const [row] = await t.app.get(DataSource).query(`SELECT status, reference_number FROM prtr_filings WHERE id = $1`, [filingId]);
    expect(row).toEqual({ status: 'draft', reference_number: null });
    // one sheet per substance: a duplicate is refused outright (400) and the draft keeps its sheets
    const { facilityId: _f, fiscalYear: _y, ...dup } = filingBody(filer.facilities[0].id, FY); // eslint-disable-line @typescript-eslint/no-unused-vars
    dup.sheets.push({ ...dup.sheets[0] });
    const duplicate = await t.http().put(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).send(dup);
    expect([duplicate.status, duplicate.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM prtr_filing_sheets WHERE filing_id = $1`, [filingId]);
    expect(n).toBe(3);
    // a second draft for the same facility and year is refused
    const twice = await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(filingBody(filer.facilities[0].id, FY));
    expect([twice.status, twice.body.code]).toEqual([409, 'PRTR_DRAFT_EXISTS']);
  });

  it('walks draft → filed → accepted by the local government → accepted by the ministry', async () => {
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(filer.facilities[0].id, FY); // eslint-disable-line @typescript-eslint/no-unused-vars
    const fixed = await t.http().put(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).send(content).expect(200);
    expect(fixed.body.validation.canFile).toBe(true);
    clock('2026-06-01T00:00:00Z');
    const filed = await t.http().post(`/api/v1/prtr/filings/${filingId}/submit`).set(auth(filer.token)).expect(200);
    expect(filed.body).toMatchObject({ status: 'filed', late: false, referenceNumber: '13-2025-000001' });
    await t.http().put(`/api/v1/prtr/filings/${filingId}`).set(auth(filer.token)).send(content).expect(409);
    // the ministry accepts only after the local government
    const early = await t.http().post(`/api/v1/prtr/filings/${filingId}/ministry-accept`).set(auth(meti));
    expect([early.status, early.body.code]).toEqual([409, 'PRTR_INVALID_STATUS']);
    await t.http().get(`/api/v1/prtr/filings/${filingId}`).set(auth(osaka)).expect(404);
    await t.http().post(`/api/v1/prtr/filings/${filingId}/accept`).set(auth(osaka)).expect(404);
    await t.http().get(`/api/v1/prtr/filings/${filingId}`).set(auth(maff)).expect(404);
    const local = await t.http().post(`/api/v1/prtr/filings/${filingId}/accept`).set(auth(tokyo)).expect(200);
    expect(local.body.status).toBe('local_accepted');
    expect(local.body.localAcceptedAt).toBeTruthy();
    const ministry = await t.http().post(`/api/v1/prtr/filings/${filingId}/ministry-accept`).set(auth(meti)).expect(200);
    expect(ministry.body.status).toBe('ministry_accepted');
    const events = await t.app.get(DataSource).query(`SELECT event FROM notifications WHERE subject_id = $1 ORDER BY created_at`, [filingId]);
    // rows of one transaction share created_at: compared as a set
    expect(events.map((e: { event: string }) => e.event).sort()).toEqual([
      'prtr.filing.filed', // the filer's receipt
      'prtr.filing.received', // the prefecture's officers
      'prtr.filing.local_accepted',
      'prtr.filing.ready_for_ministry', // the minister's officers
      'prtr.filing.ministry_accepted',
    ].sort());
    // the database refuses to change a filed version, whoever tries
    await expect(t.app.get(DataSource).query(`UPDATE prtr_filings SET main_form = '{}' WHERE id = $1`, [filingId])).rejects.toThrow(/never changes/);
    await expect(t.app.get(DataSource).query(`UPDATE prtr_filing_sheets SET air = 1 WHERE filing_id = $1`, [filingId])).rejects.toThrow(/never change/);
  });

  it('exports the electronic file (re-importable), the printable form and the ministry CSV', async () => {
    const file = await t.http().get(`/api/v1/prtr/filings/${filingId}/electronic-file`).set(auth(filer.token)).buffer(true).parse(binary).expect(200);
    const json = JSON.parse((file.body as Buffer).toString('utf8'));
    expect(json).toMatchObject({ format: 'jp.go.prtr.filing', formatVersion: 1, referenceNumber: '13-2025-000001', fiscalYear: FY });
    expect(json.sheets.map((s: { substanceName: string }) => s.substanceName)).toEqual(['キシレン', 'トルエン', 'ベンゼン']);
    const xlsx = await t.http().get(`/api/v1/prtr/filings/${filingId}/form.xlsx`).set(auth(tokyo)).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((xlsx.body as Buffer).buffer as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['本紙', '別紙1', '別紙2', '別紙3']);
    const csv = await t.http().get(`/api/v1/prtr/exports/public.csv?fiscalYear=${FY}`).set(auth(meti)).buffer(true).parse(binary).expect(200);
    const lines = (csv.body as Buffer).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 3);
    expect(lines[2]).toContain('トルエン');
    expect(lines[2]).toContain('1200');
    const none = await t.http().get(`/api/v1/prtr/exports/public.csv?fiscalYear=${FY}`).set(auth(maff)).buffer(true).parse(binary).expect(200);
    expect((none.body as Buffer).toString('utf8').trim().split('\r\n')).toHaveLength(1);
    // the file re-imported starts an amendment draft of the filing it names
    const imported = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).attach('file', file.body as never, 'filing.json').expect(201);
    expect(imported.body).toMatchObject({ status: 'draft', version: 2, amendsFilingId: filingId, amendsReferenceNumber: '13-2025-000001' });
    await t.http().delete(`/api/v1/prtr/filings/${imported.body.id}`).set(auth(filer.token)).expect(204);
    const reimported = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).attach('file', file.body as never, 'filing.json').expect(201);
    const wrongId = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).field('facilityId', '-'.repeat(36)).attach('file', file.body as never, 'filing.json');
    expect([wrongId.status, wrongId.body.code]).toEqual([404, 'PRTR_FACILITY_NOT_FOUND']);
    // an amendment replaces even a ministry-accepted filing (until the cut-off); the old version keeps its dates
    const amended = await t.http().post(`/api/v1/prtr/filings/${reimported.body.id}/submit`).set(auth(filer.token)).expect(200);
    expect(amended.body).toMatchObject({ status: 'filed', referenceNumber: '13-2025-000001-V2' });
    const replaced = await t.http().get(`/api/v1/prtr/filings/${filingId}`).set(auth(meti)).expect(200);
    expect(replaced.body.status).toBe('superseded');
    expect(replaced.body.ministryAcceptedAt).toBeTruthy();
    const broken = await t.http().post('/api/v1/prtr/filings/import').set(auth(filer.token)).attach('file', Buffer.from('{"format":"x"}'), 'bad.json');
    expect([broken.status, broken.body.code]).toEqual([422, 'PRTR_FILE_INVALID']);
  });

  /** A second facility's filing, filed and ready for an inquiry. */
  async function filedFiling(facility: number, fiscalYear: number): Promise<string> {
    const draft = await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(filingBody(filer.facilities[facility].id, fiscalYear)).expect(201);
    await t.http().post(`/api/v1/prtr/filings/${draft.body.id}/submit`).set(auth(filer.token)).expect(200);
    return draft.body.id;
  }

  it('inquiry answered with "no change needed": the local government closes it, then accepts', async () => {
    const id = await filedFiling(1, FY);
    const inquiry = await t.http().post(`/api/v1/prtr/filings/${id}/inquiries`).set(auth(tokyo)).send({ message: 'トルエンの排出量をご確認ください。' }).expect(201);
    const blocked = await t.http().post(`/api/v1/prtr/filings/${id}/accept`).set(auth(tokyo));
    expect([blocked.status, blocked.body.code]).toEqual([409, 'PRTR_INQUIRY_OPEN']);
    await t.http().get(`/api/v1/prtr/inquiries/${inquiry.body.id}`).set(auth(osaka)).expect(404);
    // the inquiry is answered, not side-stepped with an amendment of one's own
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(filer.facilities[1].id, FY); // eslint-disable-line @typescript-eslint/no-unused-vars
    const sidestep = await t.http().post(`/api/v1/prtr/filings/${id}/amendments`).set(auth(filer.token)).send(content);
    expect([sidestep.status, sidestep.body.code]).toEqual([409, 'PRTR_INQUIRY_OPEN']);
    const noReason = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/answer`).set(auth(filer.token)).send({ type: 'no_change' });
    expect(noReason.status).toBe(400);
    const answered = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/answer`).set(auth(filer.token)).send({ type: 'no_change', text: '実測値に基づく正しい値です。' }).expect(200);
    expect(answered.body).toMatchObject({ status: 'answered', answerType: 'no_change' });
    const wrong = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/close`).set(auth(tokyo)).send({ withdrawal: 'confirm' });
    expect([wrong.status, wrong.body.code]).toEqual([409, 'PRTR_NOT_A_WITHDRAWAL_REQUEST']);
    const closed = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/close`).set(auth(tokyo)).send({}).expect(200);
    expect(closed.body.decision).toBe('accepted');
    await t.http().post(`/api/v1/prtr/filings/${id}/accept`).set(auth(tokyo)).expect(200);
  });

  it('inquiry answered with an amendment: a new version is validated, filed and replaces the original', async () => {
    const id = await filedFiling(2, FY);
    const inquiry = await t.http().post(`/api/v1/prtr/filings/${id}/inquiries`).set(auth(tokyo)).send({ message: 'キシレンの値をご確認ください。' }).expect(201);
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(filer.facilities[2].id, FY); // eslint-disable-line @typescript-eslint/no-unused-vars
    const invalid = structuredClone(content);
    invalid.sheets[0].transfers.sewagePlantName = undefined;
    invalid.sheets[0].transfers.sewer = '3.0';
    const refused = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/answer`).set(auth(filer.token)).send({ type: 'amendment', filing: invalid });
    expect([refused.status, refused.body.code]).toEqual([422, 'PRTR_FILING_HAS_BLOCKING_ERRORS']);
    const versions = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM prtr_filings WHERE amends_filing_id = $1`, [id]);
    expect(versions[0].n).toBe(0); // nothing half-written
    content.sheets[1].releases.air = '1.5';
    const answered = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/answer`).set(auth(filer.token)).send({ type: 'amendment', filing: content }).expect(200);
    const amendment = await t.http().get(`/api/v1/prtr/filings/${answered.body.amendmentFilingId}`).set(auth(tokyo)).expect(200);
    expect(amendment.body).toMatchObject({ status: 'filed', version: 2, amendsFilingId: id });
    expect(amendment.body.referenceNumber).toMatch(/-V2$/);
    const original = await t.http().get(`/api/v1/prtr/filings/${id}`).set(auth(filer.token)).expect(200);
    expect(original.body.status).toBe('superseded');
  });

  it('inquiry answered with a withdrawal request: the local government confirms and the filing is withdrawn', async () => {
    const id = await filedFiling(3, FY);
    // declined: the filing stands
    const first = await t.http().post(`/api/v1/prtr/filings/${id}/inquiries`).set(auth(tokyo)).send({ message: '取扱量をご確認ください。' }).expect(201);
    await t.http().post(`/api/v1/prtr/inquiries/${first.body.id}/answer`).set(auth(filer.token)).send({ type: 'withdrawal_request', text: '対象外と考えます。' }).expect(200);
    const undecided = await t.http().post(`/api/v1/prtr/inquiries/${first.body.id}/close`).set(auth(tokyo)).send({});
    expect([undecided.status, undecided.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const declined = await t.http().post(`/api/v1/prtr/inquiries/${first.body.id}/close`).set(auth(tokyo)).send({ withdrawal: 'decline', note: '取扱量が1トン以上です。' }).expect(200);
    expect(declined.body).toMatchObject({ status: 'closed', decision: 'withdrawal_declined' });
    expect((await t.http().get(`/api/v1/prtr/filings/${id}`).set(auth(filer.token))).body.status).toBe('filed');
    // confirmed: the filing is withdrawn
    const inquiry = await t.http().post(`/api/v1/prtr/filings/${id}/inquiries`).set(auth(tokyo)).send({ message: '届出対象外ではありませんか。' }).expect(201);
    await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/answer`).set(auth(filer.token)).send({ type: 'withdrawal_request', text: '取扱量が1トン未満でした。' }).expect(200);
    const closed = await t.http().post(`/api/v1/prtr/inquiries/${inquiry.body.id}/close`).set(auth(tokyo)).send({ withdrawal: 'confirm' }).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', decision: 'withdrawal_confirmed' });
    const filing = await t.http().get(`/api/v1/prtr/filings/${id}`).set(auth(filer.token)).expect(200);
    expect(filing.body.status).toBe('withdrawn');
  });

  it('the window: not before April 1, late after the electronic deadline, amendments until the cut-off', async () => {
    const other = await registeredFiler(t, tokyo, '13', ['横浜工場']);
    const draft = await t.http().post('/api/v1/prtr/filings').set(auth(other.token)).send(filingBody(other.facilities[0].id, FY)).expect(201);
    clock('2026-03-31T14:59:59Z'); // 2026-03-31 23:59:59 JST
    const early = await t.http().post(`/api/v1/prtr/filings/${draft.body.id}/submit`).set(auth(other.token));
    expect([early.status, early.body.code]).toEqual([409, 'PRTR_FILING_WINDOW_NOT_OPEN']);
    clock('2026-07-31T15:00:00Z'); // 2026-08-01 JST: after the electronic deadline of Jul 31
    const late = await t.http().post(`/api/v1/prtr/filings/${draft.body.id}/submit`).set(auth(other.token)).expect(200);
    expect(late.body.late).toBe(true);
    clock('2026-11-30T15:00:00Z'); // Dec 1 JST: past the Nov 30 cut-off
    const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(other.facilities[0].id, FY); // eslint-disable-line @typescript-eslint/no-unused-vars
    const tooLate = await t.http().post(`/api/v1/prtr/filings/${draft.body.id}/amendments`).set(auth(other.token)).send(content);
    expect([tooLate.status, tooLate.body.code]).toEqual([409, 'PRTR_AMENDMENT_CUTOFF_PASSED']);
    // another filer's filing is simply not there
    await t.http().get(`/api/v1/prtr/filings/${draft.body.id}`).set(auth(filer.token)).expect(404);
    await t.http().get(`/api/v1/prtr/businesses/${other.businessId}`).set(auth(filer.token)).expect(404);
    await t.http().post(`/api/v1/prtr/businesses/${other.businessId}/certificates/reissue`).set(auth(osaka)).expect(404);
    await t.http().post(`/api/v1/prtr/businesses/${other.businessId}/certificates/reissue`).set(auth(tokyo)).expect(200);
  });

  it('every PRTR notice went to the filer\'s contact person, and each PRTR template was used', async () => {
    const rows: { event: string; recipients: string[]; subject: string }[] = await t.app.get(DataSource).query(`SELECT event, recipients, subject FROM notifications WHERE event LIKE 'prtr.%'`);
    const prtrTemplates = Object.keys(TEMPLATES).filter((e) => e.startsWith('prtr.'));
    expect([...new Set(rows.map((r) => r.event))].sort()).toEqual(prtrTemplates.sort());
    const toOfficers = ['prtr.registration.submitted', 'prtr.filing.received', 'prtr.filing.ready_for_ministry', 'prtr.inquiry.answered'];
    for (const r of rows) {
      expect(r.subject).toMatch(/^【PRTR】/);
      if (toOfficers.includes(r.event)) expect(r.recipients.every((a) => a.endsWith('@pref.example.jp'))).toBe(true);
      else expect(r.recipients).toEqual([expect.stringMatching(/^prtr.*@example\.co\.jp$/)]);
    }
    const events = (address: string) => [...new Set(rows.filter((r) => r.recipients.includes(address)).map((r) => r.event))].sort();
    expect(events(filer.email)).toEqual(
      ['prtr.filing.filed', 'prtr.filing.local_accepted', 'prtr.filing.ministry_accepted', 'prtr.inquiry.closed', 'prtr.inquiry.raised', 'prtr.registration.approved'].sort(),
    );
    expect(events(tokyoEmail)).toEqual(['prtr.filing.received', 'prtr.inquiry.answered', 'prtr.registration.submitted']);
    expect(events(metiEmail)).toEqual(['prtr.filing.ready_for_ministry']);
    // Osaka's officers hear only of Osaka's pre-registration, nothing of Tokyo's
    expect(events(osakaEmail)).toEqual(['prtr.registration.submitted']);
  });
});
