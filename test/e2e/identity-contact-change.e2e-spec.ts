import { createTestApp, type TestApp } from '../support/app';
import { activatedHolder, auth, secretariatToken } from '../factories/identity';

/** A contact change cannot clear the holder's required contact fields. */
describe('contact-change applications: null values (over HTTP)', () => {
  let t: TestApp;
  let sec: string;
  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const count = async (holderId: string) =>
    (
      await t.db.dataSource.query(`SELECT count(*)::int AS n FROM applications WHERE kind = 'contact_change' AND target_holder_id = $1`, [
        holderId,
      ])
    )[0].n as number;
  const apply = (token: string, changes: Record<string, unknown>) =>
    t.http().post('/api/v1/contact-change-applications').set(auth(token)).send({ changes });

  it.each(['emailA', 'disclosureConsent', 'name', 'address', 'company', 'department', 'title', 'nameKana', 'postalCode', 'phone'])(
    'refuses %s: null with 400 VALIDATION_FAILED naming the field, and stores nothing',
    async (field) => {
      const h = await activatedHolder(t, sec);
      const res = await apply(h.a.token!, { [field]: null });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.details.fields.map((f: { field: string }) => f.field))).toContain(field);
      expect(await count(h.id)).toBe(0);
    },
  );

  it('still lets fax and emailB be cleared, and the approval applies it', async () => {
    const h = await activatedHolder(t, sec);
    const res = await apply(h.a.token!, { fax: null, emailB: null, department: '総務部' });
    expect(res.status).toBe(201);
    await t.http().post(`/api/v1/contact-change-applications/${res.body.id}/approve`).set(auth(sec)).expect(200);
    const view = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(h.a.token!)).expect(200);
    expect(view.body.contact).toMatchObject({ department: '総務部', emailB: null });
  });

  it('refuses to approve a stored change that clears a required field (400, not 500), and it can still be rejected', async () => {
    const h = await activatedHolder(t, sec);
    const res = await apply(h.a.token!, { department: '経理部' });
    expect(res.status).toBe(201);
    // an application stored before null was refused at submission
    await t.db.dataSource.query(`UPDATE applications SET body = jsonb_build_object('changes', jsonb_build_object('emailA', null, 'department', '経理部')) WHERE id = $1`, [res.body.id]);
    const before = (await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(h.a.token!)).expect(200)).body.contact;
    const approve = await t.http().post(`/api/v1/contact-change-applications/${res.body.id}/approve`).set(auth(sec));
    expect(approve.status).toBe(400);
    expect(approve.body.code).toBe('VALIDATION_FAILED');
    expect(approve.body.details.fields).toEqual([{ field: 'changes.emailA', problems: [expect.any(String)] }]);
    const after = (await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(h.a.token!)).expect(200)).body.contact;
    expect(after).toEqual(before);
    const detail = await t.http().get(`/api/v1/contact-change-applications/${res.body.id}`).set(auth(sec)).expect(200);
    expect(detail.body.status).toBe('submitted');
    await t.http().post(`/api/v1/contact-change-applications/${res.body.id}/reject`).set(auth(sec)).send({ reason: '必須項目を空にできません' }).expect(200);
  });
});
