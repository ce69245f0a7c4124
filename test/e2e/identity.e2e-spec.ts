import { createTestApp, loginAs, type TestApp } from '../support/app';
import {
  activatedHolder,
  activatedParticipant,
  activatedVerifier,
  approvedHolder,
  auth,
  NEW_PASSWORD,
  registrationBody,
  secretariatToken,
  tradingParticipantBody,
} from '../factories/identity';

describe('identity and access (over HTTP)', () => {
  let t: TestApp;
  let sec: string;
  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const count = async (sql: string, params: unknown[] = []) => (await t.db.dataSource.query(sql, params))[0].n as number;

  describe('registration application -> approval -> logins', () => {
    it('creates the holder, its compliance account, logins A and B and a notice, in one go', async () => {
      const body = registrationBody();
      const submitted = await t.http().post('/api/v1/registration-applications').send(body);
      expect(submitted.status).toBe(201);
      expect(submitted.body).toEqual({ id: expect.any(String), status: 'submitted' });

      const list = await t.http().get('/api/v1/registration-applications?status=submitted').set(auth(sec)).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(submitted.body.id);
      const detail = await t.http().get(`/api/v1/registration-applications/${submitted.body.id}`).set(auth(sec)).expect(200);
      expect(detail.body.body.contact.emailA).toBe(body.contact.emailA);

      const approved = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec));
      expect(approved.status).toBe(200);
      expect(approved.body).toEqual({
        targetHolderId: expect.any(String),
        holderNumber: expect.stringMatching(/^T\d{5}$/),
        accountNumber: expect.stringMatching(/^AST-\d{4,}$/),
        logins: [
          { loginId: `${approved.body.holderNumber}A`, role: 'holder_a', initialPassword: expect.stringMatching(/^.{16}$/) },
          { loginId: `${approved.body.holderNumber}B`, role: 'holder_b', initialPassword: expect.stringMatching(/^.{16}$/) },
        ],
      });
      const holderId = approved.body.targetHolderId;
      expect(await count(`SELECT count(*)::int n FROM accounts WHERE target_holder_id = $1 AND type = 'compliance' AND account_number = $2`, [holderId, approved.body.accountNumber])).toBe(1);
      expect(await count(`SELECT count(*)::int n FROM logins WHERE target_holder_id = $1 AND must_change_password`, [holderId])).toBe(2);
      expect(await count(`SELECT count(*)::int n FROM notifications WHERE subject_id = $1 AND event = 'registration.approved' AND recipients = ARRAY[$2]::text[]`, [holderId, body.contact.emailA])).toBe(1);
      // the notice never carries an initial password
      const [notice] = await t.db.dataSource.query(`SELECT body FROM notifications WHERE subject_id = $1`, [holderId]);
      for (const l of approved.body.logins) expect(notice.body).not.toContain(l.initialPassword);

      const again = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('APPLICATION_ALREADY_DECIDED');
      expect(await count(`SELECT count(*)::int n FROM target_holders WHERE contact_email_a = $1`, [body.contact.emailA])).toBe(1);
    });

    it('leaves nothing half-written when approval fails midway', async () => {
      const submitted = await t.http().post('/api/v1/registration-applications').send(registrationBody()).expect(201);
      // take the next holder number's login A away, so the approval fails after creating the holder
      const [{ n }] = await t.db.dataSource.query(`SELECT nextval('holder_number_seq') AS n`);
      const blocked = `T${String(Number(n) + 1).padStart(5, '0')}A`;
      await t.db.dataSource.query(`INSERT INTO logins (login_id, role, display_name, password_hash) VALUES ($1, 'secretariat', 'x', 'x')`, [blocked]);
      const before = { holders: await count(`SELECT count(*)::int n FROM target_holders`), accounts: await count(`SELECT count(*)::int n FROM accounts`), notices: await count(`SELECT count(*)::int n FROM notifications`) };

      const res = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec));
      expect(res.status).toBe(500);
      expect(await count(`SELECT count(*)::int n FROM target_holders`)).toBe(before.holders);
      expect(await count(`SELECT count(*)::int n FROM accounts`)).toBe(before.accounts);
      expect(await count(`SELECT count(*)::int n FROM notifications`)).toBe(before.notices);
      const detail = await t.http().get(`/api/v1/registration-applications/${submitted.body.id}`).set(auth(sec)).expect(200);
      expect(detail.body.status).toBe('submitted');
      // and it can be approved once the obstacle is gone (a new number is drawn)
      await t.db.dataSource.query(`DELETE FROM logins WHERE login_id = $1`, [blocked]);
      await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec)).expect(200);
    });

    it('rejects with a reason, once', async () => {
      const submitted = await t.http().post('/api/v1/registration-applications').send(registrationBody()).expect(201);
      const noReason = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/reject`).set(auth(sec)).send({});
      expect(noReason.status).toBe(400);
      const rejected = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/reject`).set(auth(sec)).send({ reason: '記載内容に不備があります。' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: '記載内容に不備があります。', decidedAt: expect.any(String) });
      const approve = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec));
      expect(approve.status).toBe(409);
      expect(await count(`SELECT count(*)::int n FROM notifications WHERE subject_id = $1 AND event = 'registration.rejected'`, [submitted.body.id])).toBe(1);
      const missing = await t.http().post(`/api/v1/registration-applications/00000000-0000-4000-8000-000000000000/approve`).set(auth(sec));
      expect(missing.status).toBe(404);
      expect((await t.http().get('/api/v1/registration-applications/not-a-uuid').set(auth(sec))).status).toBe(404);
    });
  });

  describe('validation of the application form', () => {
    const invalid: [string, (b: ReturnType<typeof registrationBody>) => unknown, string][] = [
      ['representative missing', (b) => ({ ...b, representative: undefined }), 'representative'],
      ['reading in katakana', (b) => ({ ...b, representative: { ...b.representative, nameKana: 'エービーシー' } }), 'representative.nameKana'],
      ['reading in latin letters', (b) => ({ ...b, facility: { ...b.facility, nameKana: 'asset' } }), 'facility.nameKana'],
      ['postal code without hyphen', (b) => ({ ...b, contact: { ...b.contact, postalCode: '1234567' } }), 'contact.postalCode'],
      ['email A malformed', (b) => ({ ...b, contact: { ...b.contact, emailA: 'taro-at-example' } }), 'contact.emailA'],
      ['email A missing', (b) => ({ ...b, contact: { ...b.contact, emailA: undefined } }), 'contact.emailA'],
      ['email B malformed', (b) => ({ ...b, contact: { ...b.contact, emailB: 'nope' } }), 'contact.emailB'],
      ['phone malformed', (b) => ({ ...b, contact: { ...b.contact, phone: 'call me' } }), 'contact.phone'],
      ['facility type unknown', (b) => ({ ...b, facility: { ...b.facility, type: 'warehouse' } }), 'facility.type'],
      ['participation form unknown', (b) => ({ ...b, participationForm: 'duo' }), 'participationForm'],
      ['consent not a boolean', (b) => ({ ...b, disclosureConsent: 'yes' }), 'disclosureConsent'],
      ['account name empty', (b) => ({ ...b, accountName: '' }), 'accountName'],
      ['co-business without reading', (b) => ({ ...b, coBusinesses: [{ name: 'X社' }] }), 'coBusinesses.0.nameKana'],
      ['too many co-businesses', (b) => ({ ...b, coBusinesses: Array.from({ length: 51 }, () => b.coBusinesses[0]) }), 'coBusinesses'],
      ['unknown field', (b) => ({ ...b, approvedBy: 'me' }), 'approvedBy'],
    ];
    it.each(invalid)('%s -> 400 VALIDATION_FAILED naming %s', async (_, mutate, field) => {
      const before = await count(`SELECT count(*)::int n FROM applications`);
      const res = await t.http().post('/api/v1/registration-applications').send(mutate(registrationBody()) as object);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await count(`SELECT count(*)::int n FROM applications`)).toBe(before);
    });

    it("refuses a contact company that is neither the representative nor a co-business", async () => {
      const b = registrationBody();
      const res = await t.http().post('/api/v1/registration-applications').send({ ...b, contact: { ...b.contact, company: '無関係株式会社' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTACT_COMPANY_NOT_A_PARTICIPANT');
      expect(res.body.details.fields[0].field).toBe('contact.company');
    });

    it('accepts the optional fields left out, the long-vowel mark, and the representative as contact company', async () => {
      const b = registrationBody();
      const { emailB: _b, fax: _f, ...contact } = b.contact;
      const res = await t.http().post('/api/v1/registration-applications').send({
        ...b,
        coBusinesses: undefined,
        representative: { ...b.representative, nameKana: 'えーびーしーりーす　かぶしきがいしゃ' },
        contact: { ...contact, company: b.representative.name },
      });
      expect(res.status).toBe(201);
    });
  });

  describe('first login, password changes and resets', () => {
    it('makes A change its initial password first; old tokens stop working', async () => {
      const h = await approvedHolder(t, sec);
      const login = await t.http().post('/api/v1/auth/login').send({ loginId: h.a.loginId, password: h.a.initialPassword }).expect(200);
      expect(login.body).toMatchObject({ role: 'holder_a', mustChangePassword: true });
      const first = login.body.accessToken;
      const blocked = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(first));
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      await t.http().get('/api/v1/auth/me').set(auth(first)).expect(200);
      // cannot set B's password before its own
      expect((await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(first)).send({ newPassword: NEW_PASSWORD })).body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      const weak = await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(first)).send({ currentPassword: h.a.initialPassword, newPassword: 'password' });
      expect(weak.status).toBe(400);
      expect(weak.body.details.fields[0].field).toBe('newPassword');
      const same = await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(first)).send({ currentPassword: h.a.initialPassword, newPassword: h.a.initialPassword + '!' });
      expect(same.status).toBe(204); // initial + "!" is a different, valid password
      const wrong = await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(first)).send({ currentPassword: 'not-it', newPassword: NEW_PASSWORD });
      expect(wrong.status).toBe(401); // the first token died with the change above

      const second = await loginAs(t, h.a.loginId, h.a.initialPassword + '!');
      const wrongCurrent = await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(second)).send({ currentPassword: 'not-it', newPassword: NEW_PASSWORD });
      expect(wrongCurrent.status).toBe(422);
      expect(wrongCurrent.body.code).toBe('CURRENT_PASSWORD_INCORRECT');
      const again = await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(second)).send({ currentPassword: h.a.initialPassword + '!', newPassword: h.a.initialPassword + '!' });
      expect(again.status).toBe(400); // must differ from the current one
      expect((await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(second))).status).toBe(200);
      expect(await count(`SELECT count(*)::int n FROM notifications WHERE event = 'login.password_changed' AND $1 = ANY(recipients)`, [h.emailA])).toBe(1);
    });

    it('lets login A set login B\'s password; B changes nothing itself and sees no allowance information', async () => {
      const h = await approvedHolder(t, sec);
      const bFirst = await loginAs(t, h.b.loginId, h.b.initialPassword);
      const blocked = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(bFirst));
      expect(blocked.status).toBe(403);
      expect(blocked.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED', details: { changedBy: 'holder_a' } });
      const own = await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(bFirst)).send({ currentPassword: h.b.initialPassword, newPassword: NEW_PASSWORD });
      expect(own.status).toBe(403);

      const a = await activatedHolder(t, sec); // another holder, fully activated
      const foreign = await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(a.a.token!)).send({ newPassword: NEW_PASSWORD });
      expect(foreign.status).toBe(404); // another holder's login B is not visible

      const aFirst = await loginAs(t, h.a.loginId, h.a.initialPassword);
      await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(aFirst)).send({ currentPassword: h.a.initialPassword, newPassword: NEW_PASSWORD }).expect(204);
      const aToken = await loginAs(t, h.a.loginId, NEW_PASSWORD);
      await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(aToken)).send({ newPassword: 'B-Chosen-Passw0rd' }).expect(204);
      expect((await t.http().get('/api/v1/auth/me').set(auth(bFirst))).status).toBe(401);
      const bToken = await loginAs(t, h.b.loginId, 'B-Chosen-Passw0rd');
      const view = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(bToken)).expect(200);
      expect(view.body).not.toHaveProperty('accountNumber');
      expect(JSON.stringify(view.body)).not.toContain(h.accountNumber);
      expect((await t.http().get('/api/v1/contact-list').set(auth(bToken))).status).toBe(403);
      const aView = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(aToken)).expect(200);
      expect(aView.body.accountNumber).toBe(h.accountNumber);
    });

    it('lets the secretariat reset any login to a new initial password', async () => {
      const h = await activatedHolder(t, sec);
      const reset = await t.http().post(`/api/v1/logins/${h.a.loginId}/password-reset`).set(auth(sec)).expect(200);
      expect(reset.body).toEqual({ loginId: h.a.loginId, initialPassword: expect.any(String) });
      expect((await t.http().get('/api/v1/auth/me').set(auth(h.a.token!))).status).toBe(401);
      const relog = await t.http().post('/api/v1/auth/login').send({ loginId: h.a.loginId, password: reset.body.initialPassword }).expect(200);
      expect(relog.body.mustChangePassword).toBe(true);
      expect((await t.http().post('/api/v1/auth/login').send({ loginId: h.a.loginId, password: NEW_PASSWORD })).status).toBe(401);
      expect((await t.http().post('/api/v1/logins/NOPE/password-reset').set(auth(sec))).status).toBe(404);
      // the secretariat resets rather than chooses another login's password
      expect((await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(sec)).send({ newPassword: NEW_PASSWORD })).status).toBe(403);
    });
  });

  describe('contact changes', () => {
    it('applies an approved change; refuses legal-name changes, empty changes and foreign companies', async () => {
      const h = await activatedHolder(t, sec);
      const other = await activatedHolder(t, sec);
      const legal = await t.http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: {}, legalName: '新法人名株式会社' });
      expect(legal.status).toBe(422);
      expect(legal.body.code).toBe('LEGAL_NAME_CHANGE_NEEDS_FORM');
      const nothing = await t.http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: { department: '環境部' } });
      expect(nothing.body.code).toBe('NO_CHANGES');
      const foreign = await t.http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: { company: '無関係株式会社' } });
      expect(foreign.body.code).toBe('CONTACT_COMPANY_NOT_A_PARTICIPANT');
      expect((await t.http().post('/api/v1/contact-change-applications').set(auth(h.b.token!)).send({ changes: { department: 'x' } })).status).toBe(403);

      const applied = await t.http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: { department: 'サステナビリティ推進部', postalCode: '100-0001', emailB: 'new-b@example.co.jp' } });
      expect(applied.status).toBe(201);
      expect((await t.http().get(`/api/v1/contact-change-applications/${applied.body.id}`).set(auth(other.a.token!))).status).toBe(404);
      const mine = await t.http().get('/api/v1/contact-change-applications').set(auth(h.a.token!)).expect(200);
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([applied.body.id]);
      expect((await t.http().get('/api/v1/contact-change-applications').set(auth(other.a.token!))).body.items).toEqual([]);

      await t.http().post(`/api/v1/contact-change-applications/${applied.body.id}/approve`).set(auth(sec)).expect(200);
      const view = await t.http().get(`/api/v1/target-holders/${h.id}`).set(auth(h.a.token!)).expect(200);
      expect(view.body.contact).toMatchObject({ department: 'サステナビリティ推進部', postalCode: '100-0001', emailB: 'new-b@example.co.jp' });
    });
  });

  describe('verifiers', () => {
    it('see only the holders assigned to them, and lose them on reassignment', async () => {
      const h1 = await activatedHolder(t, sec);
      const h2 = await activatedHolder(t, sec);
      const v1 = await activatedVerifier(t, sec);
      const v2 = await activatedVerifier(t, sec);
      expect((await t.http().get('/api/v1/target-holders').set(auth(v1.token))).body.items).toEqual([]);
      const assigned = await t.http().put(`/api/v1/target-holders/${h1.id}/verifier`).set(auth(sec)).send({ verifierId: v1.id }).expect(200);
      expect(assigned.body).toMatchObject({ targetHolderId: h1.id, verifierId: v1.id, changed: true });

      const list = await t.http().get('/api/v1/target-holders').set(auth(v1.token)).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([h1.id]);
      expect(list.body.items[0]).not.toHaveProperty('accountNumber');
      expect((await t.http().get(`/api/v1/target-holders/${h2.id}`).set(auth(v1.token))).status).toBe(404);

      await t.http().put(`/api/v1/target-holders/${h1.id}/verifier`).set(auth(sec)).send({ verifierId: v2.id }).expect(200);
      expect((await t.http().get(`/api/v1/target-holders/${h1.id}`).set(auth(v1.token))).status).toBe(404);
      expect((await t.http().get(`/api/v1/target-holders/${h1.id}`).set(auth(v2.token))).status).toBe(200);
      expect(await count(`SELECT count(*)::int n FROM verifier_assignments WHERE target_holder_id = $1`, [h1.id])).toBe(2);
      expect(await count(`SELECT count(*)::int n FROM verifier_assignments WHERE target_holder_id = $1 AND ended_at IS NULL`, [h1.id])).toBe(1);
      const unknown = await t.http().put(`/api/v1/target-holders/${h1.id}/verifier`).set(auth(sec)).send({ verifierId: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.body.code).toBe('VERIFIER_NOT_FOUND');
    });
  });

  describe('trading participants and the contact list', () => {
    it('approves an application into a participant with a holding account and one login', async () => {
      const submitted = await t.http().post('/api/v1/trading-participant-applications').send(tradingParticipantBody()).expect(201);
      const approved = await t.http().post(`/api/v1/trading-participant-applications/${submitted.body.id}/approve`).set(auth(sec)).expect(200);
      expect(approved.body).toEqual({
        tradingParticipantId: expect.any(String),
        participantNumber: expect.stringMatching(/^P\d{5}$/),
        accountNumber: expect.stringMatching(/^AST-\d+$/),
        logins: [{ loginId: approved.body.participantNumber, role: 'trading_participant', initialPassword: expect.any(String) }],
      });
      expect(await count(`SELECT count(*)::int n FROM accounts WHERE trading_participant_id = $1 AND type = 'holding'`, [approved.body.tradingParticipantId])).toBe(1);
      const login = await t.http().post('/api/v1/auth/login').send({ loginId: approved.body.participantNumber, password: approved.body.logins[0].initialPassword }).expect(200);
      expect(login.body).toMatchObject({ role: 'trading_participant', mustChangePassword: true });
    });

    it('shows consenting participants to consenting participants only', async () => {
      const consenting = await activatedHolder(t, sec);
      const private_ = await activatedHolder(t, sec, { disclosureConsent: false });
      const trader = await activatedParticipant(t, sec);
      const shy = await activatedParticipant(t, sec, { disclosureConsent: false });

      const list = await t.http().get('/api/v1/contact-list?limit=100').set(auth(consenting.a.token!)).expect(200);
      const ids = list.body.items.map((i: { id: string }) => i.id);
      expect(ids).toEqual(expect.arrayContaining([consenting.id, trader.id]));
      expect(ids).not.toContain(private_.id);
      expect(ids).not.toContain(shy.id);
      expect(list.body.items.find((i: { id: string }) => i.id === trader.id)).toMatchObject({ kind: 'trading_participant', accountNumber: trader.accountNumber });
      expect((await t.http().get('/api/v1/contact-list').set(auth(trader.token))).status).toBe(200);

      const refused = await t.http().get('/api/v1/contact-list').set(auth(private_.a.token!));
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('CONTACT_LIST_CONSENT_REQUIRED');
      expect((await t.http().get('/api/v1/contact-list').set(auth(shy.token))).status).toBe(403);

      // paging walks the whole list without repeats
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http().get(`/api/v1/contact-list?limit=1${cursor ? `&cursor=${cursor}` : ''}`).set(auth(sec)).expect(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe((await t.http().get('/api/v1/contact-list?limit=100').set(auth(sec))).body.items.length);
    });
  });
});

describe('rate limit on the public application forms', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ APPLICATION_RATE_LIMIT: '3', APPLICATION_RATE_WINDOW_SECONDS: '600' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After past the limit per client', async () => {
    for (let i = 0; i < 3; i++) await t.http().post('/api/v1/registration-applications').send(registrationBody()).expect(201);
    const limited = await t.http().post('/api/v1/trading-participant-applications').send(tradingParticipantBody());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int n FROM applications`);
    expect(n).toBe(3);
  });
});
