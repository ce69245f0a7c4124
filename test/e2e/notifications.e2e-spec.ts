import { NotificationDispatcher } from '../../src/modules/notifications/dispatcher';
import { NotificationsService } from '../../src/modules/notifications/notifications.service';
import { createTestApp, type TestApp } from '../support/app';
import { startSmtp } from '../support/smtp';
import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { buildTemplate } from '../../src/modules/emissions/excel/template';
import { activatedHolder, activatedParticipant, activatedVerifier, auth, creditByCorrection, registrationBody, secretariatToken, type Holder } from '../factories/identity';

describe('notifications through real SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let dispatcher: NotificationDispatcher;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '50', NOTIFY_LEASE_SECONDS: '1', SECRETARIAT_EMAIL: 'jimukyoku@env.example.jp' });
    dispatcher = t.app.get(NotificationDispatcher);
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    await dispatcher.runOnce(100);
    smtp.received.length = 0;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const drain = async () => {
    let n = 0;
    for (let i = 0; i < 10; i++) n += await dispatcher.runOnce(100);
    return n;
  };
  const emailsOf = async (h: Holder) => {
    const [row] = await t.db.dataSource.query(`SELECT contact_email_a AS a, contact_email_b AS b FROM target_holders WHERE id = $1`, [h.id]);
    return row as { a: string; b: string };
  };

  it('sends allowance mail to email A and both sides of a transfer, never to email B', async () => {
    const trader = await activatedParticipant(t, sec);
    await creditByCorrection(t, sec, trader.accountNumber, '50');
    await drain();
    smtp.received.length = 0;
    await t.http().post('/api/v1/transfers').set(auth(trader.token)).send({ fromAccount: trader.accountNumber, toAccount: holder.accountNumber, quantity: '7' }).expect(201);
    expect(await drain()).toBe(2);
    const { a, b } = await emailsOf(holder);
    const [p] = await t.db.dataSource.query(`SELECT contact_email FROM trading_participants WHERE id = $1`, [trader.id]);
    const byRecipient = Object.fromEntries(smtp.received.map((m) => [m.to.join(','), m.subject]));
    expect(Object.keys(byRecipient).sort()).toEqual([a, p.contact_email].sort());
    expect(smtp.received.some((m) => m.to.includes(b))).toBe(false);
    expect(smtp.received.find((m) => m.to.includes(a))!.raw).toContain('7 JAA');
  });

  it('sends emissions mail to A and B, verification requests to the verifier too, applications to the secretariat', async () => {
    await t.http().post('/api/v1/registration-applications').send(registrationBody()).expect(201);
    await drain();
    expect(smtp.received.filter((m) => m.to.includes('jimukyoku@env.example.jp'))).toHaveLength(1);

    const verifier = await activatedVerifier(t, sec);
    await t.http().put(`/api/v1/target-holders/${holder.id}/verifier`).set(auth(sec)).send({ verifierId: verifier.id }).expect(200);
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '通知期', adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 }).expect(201);
    const joined = await t.http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '1' }).expect(201);
    const reportId = joined.body.reports[0].id;
    const holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    const file = await buildTemplate({ holderNumber, fiscalYear: 2013, kind: 'base_year' }, [{ kind: EMISSION_FACTORS[0].label, quantity: 10 }]);
    await t.http().post(`/api/v1/reports/${reportId}/files`).set(auth(holder.b.token!)).attach('file', file, 'r.xlsx').expect(201);
    await t.http().post(`/api/v1/reports/${reportId}/transitions`).set(auth(holder.b.token!)).send({ action: 'request_verification' }).expect(200);
    smtp.received.length = 0;
    await drain();
    const { a, b } = await emailsOf(holder);
    const [v] = await t.db.dataSource.query(`SELECT email FROM verifiers WHERE id = $1`, [verifier.id]);
    const uploadMail = smtp.received.find((m) => /算定報告書が登録されました/.test(Buffer.from(m.raw).toString()) || m.raw.includes('calculation report uploaded'));
    expect(uploadMail?.to.sort()).toEqual([a, b].sort());
    const requestMail = smtp.received.find((m) => m.raw.includes('verification requested'));
    expect(requestMail?.to.sort()).toEqual([a, b, v.email].sort());
  });

  it('delivers everything once the SMTP server is back, and gives up after the last attempt', async () => {
    const port = smtp.port;
    await smtp.close();
    await t.http().post(`/api/v1/logins/${holder.b.loginId}/password-reset`).set(auth(sec)).expect(200);
    expect(await dispatcher.runOnce(100)).toBe(0);
    const [pending] = await t.db.dataSource.query(`SELECT status, attempts, last_error FROM notifications WHERE event = 'login.password_reset' ORDER BY created_at DESC LIMIT 1`);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.any(String) });
    smtp = await startSmtp(port);
    await new Promise((r) => setTimeout(r, 120)); // past the backoff
    expect(await drain()).toBe(1);
    const { a } = await emailsOf(holder);
    expect(smtp.received.map((m) => m.to)).toEqual([[a]]);
  });

  it('resends with the same Message-ID after a dispatcher died between send and mark', async () => {
    await t.http().post(`/api/v1/logins/${holder.a.loginId}/password-reset`).set(auth(sec)).expect(200);
    smtp.received.length = 0;
    // a dispatcher that sends, then dies before marking the message sent
    await expect(
      dispatcher.runOnce(100, async (mail) => {
        await dispatcher.send(mail);
        throw Object.assign(new Error('killed'), { fatal: true });
      }).then(async () => {
        // runOnce treats the throw as a failed send; undo that to model a process that died instead
        await t.db.dataSource.query(`UPDATE notifications SET status = 'sending', lease_until = now() - interval '1 second' WHERE event = 'login.password_reset' AND status = 'pending'`);
      }),
    ).resolves.toBeUndefined();
    expect(smtp.received).toHaveLength(1);
    expect(await drain()).toBe(1); // the expired claim is taken over
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1].messageId).toBe(smtp.received[0].messageId);
    const [row] = await t.db.dataSource.query(`SELECT status, message_id FROM notifications WHERE event = 'login.password_reset' ORDER BY created_at DESC LIMIT 1`);
    expect(row).toEqual({ status: 'sent', message_id: smtp.received[0].messageId });
  });

  it('makes one message of an event raised twice', async () => {
    const service = t.app.get(NotificationsService);
    const notice = { event: 'login.password_changed', key: 'login.password_changed:test:1', recipients: ['x@example.jp'], payload: { loginId: 'T00001A' } };
    await t.db.dataSource.transaction((m) => service.enqueue(m, notice));
    await t.db.dataSource.transaction((m) => service.enqueue(m, notice));
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int n FROM notifications WHERE event_key = $1`, [notice.key]);
    expect(n).toBe(1);
    const list = await t.http().get('/api/v1/notifications?event=login.password_changed').set(auth(sec)).expect(200);
    expect(list.body.items.find((i: { recipients: string[] }) => i.recipients[0] === 'x@example.jp')).toMatchObject({ status: 'pending', subject: expect.stringContaining('T00001A') });
  });
});
