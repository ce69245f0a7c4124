import { createTestApp, type TestApp } from '../support/app';
import { activatedHolder, auth, secretariatToken, type Holder } from '../factories/identity';

/** Banking over several phases: one balance backs all of a holder's banking. */
describe('banking across phases (over HTTP)', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  const phases: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    // two past phases (deadlines 2015-11-30 and 2018-11-30), the holder in both
    for (const [name, year] of [['銀行第1期', 2013], ['銀行第2期', 2016]] as const) {
      const phase = await t.http().post('/api/v1/phases').set(auth(sec))
        .send({ name, adoptedFiscalYear: year, baseFiscalYear: year, targetFiscalYear: year + 1, adjustmentFiscalYear: year + 2 }).expect(201);
      await t.http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '0' }).expect(201);
      phases.push(phase.body.id);
    }
    await t.http().post('/api/v1/corrections').set(auth(sec))
      .send({ accountNumber: holder.accountNumber, direction: 'credit', quantity: '200', reason: '銀行テスト' }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const apply = (phaseId: string, quantity: string) =>
    t.http().post('/api/v1/banking-applications').set(auth(holder.a.token!)).send({ phaseId, quantity });
  const approve = (id: string) => t.http().post(`/api/v1/banking-applications/${id}/approve`).set(auth(sec));

  it('JAA banked in one phase cannot be banked again in another (apply and approval both count every phase)', async () => {
    const first = await apply(phases[0], '150').expect(201);
    // applied in the second phase while the first is still undecided: both fit the balance alone
    const second = await apply(phases[1], '100').expect(201);
    await approve(first.body.id).expect(200);
    const refused = await approve(second.body.id);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { balance: '200', banked: '150', requested: '100' } });
    // a new application sees what is left over every phase
    expect((await apply(phases[1], '51')).body).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { balance: '50' } });
    const rest = await apply(phases[1], '50').expect(201);
    await approve(rest.body.id).expect(200);
    const banked: { b: string }[] = await t.db.dataSource.query(
      `SELECT banked::text AS b FROM phase_participants WHERE target_holder_id = $1 ORDER BY banked DESC`,
      [holder.id],
    );
    expect(banked.map((r) => r.b)).toEqual(['150', '50']);
  });

  it('a rejection needs a reason that is not only whitespace; the reason is stored trimmed', async () => {
    // (the balance is fully banked by now: the application to reject is written directly)
    const [{ id: target }] = await t.db.dataSource.query(
      `INSERT INTO banking_applications (phase_id, target_holder_id, quantity, submitted_by)
       SELECT $1, $2, 1, id FROM logins WHERE target_holder_id = $2 LIMIT 1 RETURNING id`,
      [phases[1], holder.id],
    );
    for (const reason of ['   ', '\u3000', '\t\n']) {
      const res = await t.http().post(`/api/v1/banking-applications/${target}/reject`).set(auth(sec)).send({ reason });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const rejected = await t.http().post(`/api/v1/banking-applications/${target}/reject`).set(auth(sec)).send({ reason: '　残高不足のため ' }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: '残高不足のため' });
  });
});
