import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { buildTemplate } from '../../src/modules/emissions/excel/template';
import { NotificationDispatcher } from '../../src/modules/notifications/dispatcher';
import { TEMPLATES } from '../../src/modules/notifications/templates';
import { Clock } from '../../src/core/clock/clock';
import { hostile } from '../fixtures/zip';
import { createTestApp, type TestApp } from '../support/app';
import { startSmtp } from '../support/smtp';
import { activatedHolder, activatedParticipant, activatedVerifier, auth, registrationBody, secretariatToken, tradingParticipantBody } from '../factories/identity';

const SECRETARIAT = 'jimukyoku@env.example.jp';

/** Every event of the registry, through real SMTP, to exactly the right recipients. */
describe('notification routing: every event to the right mailboxes, and no other', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, SECRETARIAT_EMAIL: SECRETARIAT });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('routes each event as docs/domain.md §7 says', async () => {
    const sec = await secretariatToken(t);
    const http = t.http;
    // a holder, its verifier, a trading participant
    const h = await activatedHolder(t, sec);
    const [{ a, b, number }] = await t.db.dataSource.query(`SELECT contact_email_a a, contact_email_b b, holder_number number FROM target_holders WHERE id = $1`, [h.id]);
    const v = await activatedVerifier(t, sec);
    const [{ email: verifier }] = await t.db.dataSource.query(`SELECT email FROM verifiers WHERE id = $1`, [v.id]);
    await http().put(`/api/v1/target-holders/${h.id}/verifier`).set(auth(sec)).send({ verifierId: v.id }).expect(200);
    const tp = await activatedParticipant(t, sec);
    const [{ contact_email: trader }] = await t.db.dataSource.query(`SELECT contact_email FROM trading_participants WHERE id = $1`, [tp.id]);

    // applications: submitted (secretariat), rejected (applicant), contact change decided (A)
    const rejectedApp = await http().post('/api/v1/registration-applications').send(registrationBody()).expect(201);
    await http().post(`/api/v1/registration-applications/${rejectedApp.body.id}/reject`).set(auth(sec)).send({ reason: '不備' }).expect(200);
    const tpApp = await http().post('/api/v1/trading-participant-applications').send(tradingParticipantBody()).expect(201);
    await http().post(`/api/v1/trading-participant-applications/${tpApp.body.id}/reject`).set(auth(sec)).send({ reason: '不備' }).expect(200);
    const cc1 = await http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: { title: '課長' } }).expect(201);
    await http().post(`/api/v1/contact-change-applications/${cc1.body.id}/approve`).set(auth(sec)).expect(200);
    const cc2 = await http().post('/api/v1/contact-change-applications').set(auth(h.a.token!)).send({ changes: { title: '係長' } }).expect(201);
    await http().post(`/api/v1/contact-change-applications/${cc2.body.id}/reject`).set(auth(sec)).send({ reason: '不要' }).expect(200);

    // the year of reports
    const phase = await http().post('/api/v1/phases').set(auth(sec)).send({ name: 'ルーティング期', code: 'ROUTE', adoptedFiscalYear: 2024, baseFiscalYear: 2024, targetFiscalYear: 2025, adjustmentFiscalYear: 2026, retirementDeadline: '2026-12-20', bankingWindowDays: 10 }).expect(201);
    const joined = await http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: h.id, reductionTarget: '100' }).expect(201);
    const [base, target, adj] = joined.body.reports.map((r: { id: string }) => r.id);
    const form = (kind: 'base_year' | 'target_year' | 'adjustment_year', fy: number, quantity = 1000) => buildTemplate({ holderNumber: number, fiscalYear: fy, kind }, [{ kind: EMISSION_FACTORS[1].label, quantity }]);
    const act = (token: string, id: string, action: string, comment?: string) => http().post(`/api/v1/reports/${id}/transitions`).set(auth(token)).send({ action, comment }).expect(200);
    await http().post(`/api/v1/reports/${base}/files`).set(auth(h.b.token!)).attach('file', await form('base_year', 2024), 'r.xlsx').expect(201);
    await act(h.b.token!, base, 'request_verification');
    await act(h.a.token!, base, 'request_send_back');
    await act(h.b.token!, base, 'request_verification');
    await act(v.token, base, 'send_back', '根拠資料を添付してください');
    await act(h.b.token!, base, 'request_verification');
    await http().post(`/api/v1/reports/${base}/review-documents`).set(auth(v.token)).field('comment', '確認中').expect(201);
    await http().post(`/api/v1/reports/${base}/verification-report`).set(auth(v.token)).attach('file', hostile.renamedPdf(), 'v.pdf').expect(201);
    await act(v.token, base, 'request_approval');
    await act(sec, base, 'approve');
    await http().post(`/api/v1/reports/${target}/files`).set(auth(h.b.token!)).attach('file', await form('target_year', 2025, 100), 'r.xlsx').expect(201);
    await act(h.b.token!, target, 'request_verification');
    await http().post(`/api/v1/reports/${target}/verification-report`).set(auth(v.token)).attach('file', hostile.renamedPdf(), 'v.pdf').expect(201);
    await act(v.token, target, 'request_approval');
    await act(sec, target, 'approve'); // obligation ceil(205) = 205
    await http().post(`/api/v1/reports/${adj}/files`).set(auth(h.a.token!)).attach('file', await form('adjustment_year', 2026), 'r.xlsx').expect(201);
    await act(h.a.token!, adj, 'submit');
    await act(sec, adj, 'receive');

    // allowances: issuance, transfers both ways, retirement, cancellation, offset, correction; then
    // the deadline extended, banking in the window, and the phase closed (expiry)
    await http().post('/api/v1/issuances').set(auth(sec)).send({ targetHolderId: h.id, phaseId: phase.body.id }).expect(201); // floor(2050 − 100) = 1950
    await http().post('/api/v1/transfers').set(auth(h.a.token!)).send({ fromAccount: h.accountNumber, toAccount: tp.accountNumber, quantity: '50' }).expect(201);
    await http().post('/api/v1/transfers').set(auth(h.a.token!)).send({ fromAccount: h.accountNumber, toAccount: 'AST-2', quantity: '205' }).expect(201);
    await http().post('/api/v1/transfers').set(auth(tp.token)).send({ fromAccount: tp.accountNumber, toAccount: 'AST-101', quantity: '5' }).expect(201);
    await http().post('/api/v1/transfers').set(auth(tp.token)).send({ fromAccount: tp.accountNumber, toAccount: 'AST-201', quantity: '5' }).expect(201);
    await http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber: tp.accountNumber, direction: 'debit', quantity: '1', reason: '訂正' }).expect(201);
    await http().put(`/api/v1/phases/${phase.body.id}/retirement-deadline`).set(auth(sec)).send({ retirementDeadline: '2026-12-25', reason: '延長' }).expect(200);
    const clock = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date('2026-12-26T12:00:00+09:00'));
    const bank1 = await http().post('/api/v1/banking-applications').set(auth(h.a.token!)).send({ phaseId: phase.body.id, quantity: '10' }).expect(201);
    await http().post(`/api/v1/banking-applications/${bank1.body.id}/approve`).set(auth(sec)).expect(200);
    const bank2 = await http().post('/api/v1/banking-applications').set(auth(h.a.token!)).send({ phaseId: phase.body.id, quantity: '10' }).expect(201);
    await http().post(`/api/v1/banking-applications/${bank2.body.id}/reject`).set(auth(sec)).send({ reason: '不要' }).expect(200);
    clock.mockReturnValue(new Date('2027-01-10T12:00:00+09:00'));
    const closed = await http().post(`/api/v1/phases/${phase.body.id}/close`).set(auth(sec));
    expect(closed.status).toBe(200);
    clock.mockRestore();
    await http().post(`/api/v1/logins/${h.a.loginId}/password-reset`).set(auth(sec)).expect(200);

    const dispatcher = t.app.get(NotificationDispatcher);
    for (let i = 0; i < 20 && (await dispatcher.runOnce(200)) > 0; i++);
    const rows: { event: string; recipients: string[]; message_id: string; status: string; subject_id: string }[] = await t.db.dataSource.query(
      `SELECT event, recipients, message_id, status, subject_id FROM notifications ORDER BY created_at`,
    );
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const received = new Map(smtp.received.map((m) => [m.messageId, m.to.sort()]));
    const to = (event: string, filter: (r: (typeof rows)[number]) => boolean = () => true) =>
      rows.filter((r) => r.event === event && filter(r)).map((r) => received.get(r.message_id));
    const set = (...xs: string[]) => [...xs].sort();

    expect(to('application.submitted', (r) => r.subject_id === rejectedApp.body.id)).toEqual([[SECRETARIAT]]);
    expect(to('registration.rejected')).toEqual([[expect.stringMatching(/^taro.*@example\.co\.jp$/)]]);
    expect(to('trading_participant.rejected')).toEqual([[expect.stringMatching(/^trade.*@example\.co\.jp$/)]]);
    expect(to('registration.approved', (r) => r.subject_id === h.id)).toEqual([[a]]);
    expect(to('contact_change.approved')).toEqual([[a]]);
    expect(to('contact_change.rejected')).toEqual([[a]]);
    // emissions management: A and B; the verifier for verification requests, send-backs and review documents; the secretariat for approval requests
    expect(to('report.upload', (r) => r.subject_id === base)).toEqual([set(a, b)]);
    expect(to('report.request_verification', (r) => r.subject_id === base)).toEqual([set(a, b, verifier), set(a, b, verifier), set(a, b, verifier)]);
    expect(to('report.request_send_back')).toEqual([set(a, b, verifier)]);
    expect(to('report.send_back')).toEqual([set(a, b, verifier)]);
    expect(to('report.review_document')).toEqual([set(a, b, verifier)]);
    expect(to('report.request_approval', (r) => r.subject_id === base)).toEqual([set(a, b, SECRETARIAT)]);
    expect(to('report.approve', (r) => r.subject_id === base)).toEqual([set(a, b)]);
    expect(to('report.approve', (r) => r.subject_id === target)).toEqual([set(a, b)]);
    expect(to('report.submit')).toEqual([set(a, b)]);
    expect(to('report.receive')).toEqual([set(a, b)]);
    // allowances: A (never B) and the participants on either side
    expect(to('jaa.issued')).toEqual([[a]]);
    expect(to('transfer.out')).toEqual([[a]]);
    expect(to('transfer.in')).toEqual([[trader]]);
    expect(to('retirement')).toEqual([[a]]);
    expect(to('cancellation')).toEqual([[trader]]);
    expect(to('offset')).toEqual([[trader]]);
    expect(to('correction')).toEqual([[trader]]);
    expect(to('banking.approved')).toEqual([[a]]);
    expect(to('banking.rejected')).toEqual([[a]]);
    expect(to('phase.deadline_extended')).toEqual([[a]]);
    expect(to('phase.closed')).toEqual([[a]]);
    expect(to('jaa.expired').sort()).toEqual([[a], [trader]].sort());
    expect(to('login.password_changed', (r) => r.subject_id !== null).length).toBeGreaterThan(0);
    expect(to('login.password_reset')).toEqual([[a]]);
    // B never receives allowance or password mail
    const allowance = ['jaa.issued', 'jaa.expired', 'phase.closed', 'phase.deadline_extended', 'transfer.out', 'transfer.in', 'retirement', 'cancellation', 'offset', 'correction', 'banking.approved', 'banking.rejected', 'login.password_reset', 'login.password_changed', 'registration.approved'];
    expect(rows.filter((r) => allowance.includes(r.event) && received.get(r.message_id)?.includes(b))).toEqual([]);
    // every event raised has a template, and every ASSET template was raised in this test
    // (the PRTR module's events go to the filer's contact: prtr.e2e-spec.ts checks those)
    const seen = new Set(rows.map((r) => r.event));
    expect([...seen].filter((e) => !TEMPLATES[e])).toEqual([]);
    expect(Object.keys(TEMPLATES).filter((e) => !e.startsWith('prtr.') && !seen.has(e))).toEqual([]);
  });
});
