import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/modules/audit/audit.service';
import { verifyAudit } from '../../src/modules/audit/verify';
import { BOOTSTRAP_LOGIN, createTestApp, type TestApp, binary } from '../support/app';
import { activatedHolder, auth, creditByCorrection, secretariatToken, type Holder } from '../factories/identity';

describe('the audit trail', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let audit: AuditService;

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Events are recorded when a response finishes and written in batches: flush what is recorded. */
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    await audit.flush();
  };

  it('records every state-changing request, refused ones and failed logins included, with secrets redacted', async () => {
    await t.http().post('/api/v1/auth/login').send({ loginId: holder.a.loginId, password: 'wrong-password-1' }).expect(401);
    await t.http().post('/api/v1/transfers').set(auth(holder.b.token!)).send({ fromAccount: holder.accountNumber, toAccount: 'AST-2', quantity: '1' }).expect(403);
    await t.http().post('/api/v1/transfers').set(auth(holder.a.token!)).send({ fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '5' }).expect(422);
    await t.http().get('/api/v1/auth/me').set(auth(holder.a.token!)).expect(200); // a read: not recorded
    await settle();
    await audit.seal();

    const mine = await t.http().get(`/api/v1/audit-events?loginId=${holder.a.loginId}&limit=100`).set(auth(sec)).expect(200);
    const actions = mine.body.items.map((e: { action: string; outcome: string; status: number }) => [e.action, e.outcome, e.status]);
    expect(actions).toEqual(expect.arrayContaining([
      ['POST /api/v1/auth/login', 'INVALID_CREDENTIALS', 401],
      ['POST /api/v1/transfers', 'INSUFFICIENT_BALANCE', 422],
    ]));
    expect(actions.some((a: string[]) => a[0].startsWith('GET'))).toBe(false);
    const failedLogin = mine.body.items.find((e: { outcome: string }) => e.outcome === 'INVALID_CREDENTIALS');
    expect(failedLogin.summary.body).toEqual({ loginId: holder.a.loginId, password: '[redacted]' });
    expect(JSON.stringify(mine.body)).not.toContain('wrong-password-1');
    const refused = await t.http().get(`/api/v1/audit-events?loginId=${holder.b.loginId}`).set(auth(sec)).expect(200);
    expect(refused.body.items[0]).toMatchObject({ action: 'POST /api/v1/transfers', outcome: 'FORBIDDEN', status: 403, sealed: true });

    const byHolder = await t.http().get(`/api/v1/audit-events?holderId=${holder.id}&action=password&limit=100`).set(auth(sec)).expect(200);
    expect(byHolder.body.items.length).toBeGreaterThanOrEqual(2); // A's own change and A setting B's
    expect(byHolder.body.items.every((e: { targetHolderId: string }) => e.targetHolderId === holder.id)).toBe(true);

    const file = await t.http().get(`/api/v1/audit-events.xlsx?loginId=${holder.a.loginId}`).set(auth(sec)).buffer(true).parse(binary);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((file.body as Buffer).buffer as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBe(mine.body.items.length + 1);
    expect((await t.http().get('/api/v1/audit-events').set(auth(holder.a.token!))).status).toBe(403);
  });

  it('writes the Excel trail with times in JST (a known event time, across the date line) and the HTTP status as a number', async () => {
    const loginId = `jst-${Date.now()}`;
    await t.db.dataSource.query(`SELECT audit_append($1::jsonb)`, [
      JSON.stringify([
        { at: '2026-03-31T15:04:05.678Z', login_id: loginId, role: 'secretariat', action: 'POST /api/v1/phases', target_type: 'phases', outcome: 'ok', status: 201, summary: {} },
        { at: '2026-04-01T02:30:00.000Z', login_id: loginId, role: 'secretariat', action: 'POST /api/v1/transfers', target_type: 'transfers', outcome: 'INSUFFICIENT_BALANCE', status: 422, summary: {} },
      ]),
    ]);
    const file = await t.http().get(`/api/v1/audit-events.xlsx?loginId=${loginId}`).set(auth(sec)).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((file.body as Buffer).buffer as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('監査ログ Audit');
    expect(ws.getCell('A1').value).toBe('日時 / Time (JST)');
    expect(ws.rowCount).toBe(3);
    // newest first, as the list: 02:30 UTC is 11:30 JST; 15:04 UTC on 31 March is just past midnight on 1 April in Japan
    expect([2, 3].map((r) => [1, 2, 3, 4, 7, 8].map((c) => ws.getRow(r).getCell(c).value))).toEqual([
      ['2026-04-01 11:30:00', loginId, 'secretariat', 'POST /api/v1/transfers', 'INSUFFICIENT_BALANCE', 422],
      ['2026-04-01 00:04:05', loginId, 'secretariat', 'POST /api/v1/phases', 'ok', 201],
    ]);
  });

  it('survives hostile bodies: odd types do not crash the recorder, a NUL does not cost other events', async () => {
    await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"fromAccount":{"toString":1},"loginId":"x"}').expect(400);
    const nul = await t.http().post('/api/v1/auth/login').send({ loginId: 'nul\u0000id', password: 'whatever-123' });
    expect(nul.status).toBe(400);
    expect(nul.body.details.fields).toEqual([{ field: 'loginId', problems: ['NUL characters are not allowed'] }]);
    await t.http().post('/api/v1/auth/login').send({ loginId: 'after-the-nul', password: 'whatever-123' }).expect(401);
    await settle();
    await t.http().get('/health').expect(200); // still alive
    const rows = await t.db.dataSource.query(`SELECT login_id, outcome FROM audit_events WHERE login_id IN ('x', 'nul\ufffdid', 'after-the-nul') ORDER BY id`);
    expect(rows).toEqual([
      { login_id: 'x', outcome: 'VALIDATION_FAILED' },
      { login_id: 'nul\ufffdid', outcome: 'VALIDATION_FAILED' }, // the NUL shown as U+FFFD
      { login_id: 'after-the-nul', outcome: 'INVALID_CREDENTIALS' },
    ]);
  });

  it('records requests carrying half a character (a lone UTF-16 surrogate), which jsonb refuses', async () => {
    // a lone surrogate sent as a JSON escape, and an emoji cut in half by the 128-unit limit of login_id
    await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"loginId":"half\\ud83d","password":"whatever-123"}');
    await t.http().post('/api/v1/auth/login').send({ loginId: `${'s'.repeat(127)}😀`, password: 'whatever-123' });
    await settle();
    const rows = await t.db.dataSource.query(
      `SELECT login_id, summary->'body'->>'loginId' AS body_login FROM audit_events WHERE login_id IN ('half�', $1) ORDER BY id`,
      [`${'s'.repeat(127)}�`],
    );
    expect(rows).toEqual([
      { login_id: 'half�', body_login: 'half�' },
      { login_id: `${'s'.repeat(127)}�`, body_login: expect.stringMatching(/^s{120}…$/) },
    ]);
    expect(await verifyAudit(t.db.dataSource)).toMatchObject({ firstBroken: null, unsealed: 0 });
  });

  it("records an upload whose file name holds a NUL (filename*=UTF-8''%00…) under its own request id, and the event buffered beside it", async () => {
    const requestId = `nul-file-${Date.now()}`;
    const multipart = Buffer.from(
      `--B\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%00nul.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--B--\r\n`,
    );
    const logsBefore = t.logs.length;
    const [upload, login] = await Promise.all([
      t
        .http()
        .post(`/api/v1/reports/${randomUUID()}/attachments`)
        .set(auth(holder.a.token!))
        .set('X-Request-Id', requestId)
        .set('Content-Type', 'multipart/form-data; boundary=B')
        .send(multipart),
      t.http().post('/api/v1/auth/login').set('X-Request-Id', `${requestId}-beside`).send({ loginId: 'beside-the-nul-file', password: 'whatever-123' }),
    ]);
    expect([upload.status, upload.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(login.status).toBe(401);
    await settle();
    const rows = await t.db.dataSource.query(
      `SELECT request_id, outcome, summary->'file'->>'name' AS file FROM audit_events WHERE request_id IN ($1, $2) ORDER BY request_id`,
      [requestId, `${requestId}-beside`],
    );
    expect(rows).toEqual([
      { request_id: requestId, outcome: 'VALIDATION_FAILED', file: '\ufffdnul.pdf' },
      { request_id: `${requestId}-beside`, outcome: 'INVALID_CREDENTIALS', file: null },
    ]);
    expect(t.logs.slice(logsBefore).filter((l) => l.includes('audit event not stored'))).toEqual([]);
    expect(await verifyAudit(t.db.dataSource)).toMatchObject({ firstBroken: null, unsealed: 0 });
  });

  it('keeps a small before/after summary of what a request changed', async () => {
    await creditByCorrection(t, sec, holder.accountNumber, '10');
    await t.http().post('/api/v1/transfers').set(auth(holder.a.token!)).send({ fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '4' }).expect(201);
    await settle();
    const events = await t.http().get(`/api/v1/audit-events?loginId=${holder.a.loginId}&action=transfers`).set(auth(sec)).expect(200);
    const ok = events.body.items.find((e: { outcome: string }) => e.outcome === 'ok');
    expect(ok.summary).toMatchObject({ before: { account: holder.accountNumber, balance: '10' }, after: { account: holder.accountNumber, balance: '6' } });
    const sub = await t.http().post('/api/v1/contact-change-applications').set(auth(holder.a.token!)).send({ changes: { title: '部長' } }).expect(201);
    await t.http().post(`/api/v1/contact-change-applications/${sub.body.id}/approve`).set(auth(sec)).expect(200);
    await settle();
    const decided = await t.http().get(`/api/v1/audit-events?action=contact-change-applications/:id/approve`).set(auth(sec)).expect(200);
    expect(decided.body.items[0].summary).toMatchObject({ before: { status: 'submitted', contact: { title: '環境部長' } }, after: { status: 'approved', contact: { title: '部長' } } });
  });

  it('seals events into the chain as they are written; rows written unsealed are chained by the sealer after them', async () => {
    await audit.seal(); // (the postings' events of the tests before, written unsealed: chained first)
    await t.http().post('/api/v1/auth/login').send({ loginId: 'sealed-at-write', password: 'x' }).expect(401);
    await settle(); // no audit.seal(): the write itself chains the event
    const q = t.db.dataSource;
    const [written] = await q.query(`SELECT seq::text, prev_hash, hash FROM audit_events WHERE login_id = 'sealed-at-write'`);
    expect(written.hash).toMatch(/^[0-9a-f]{64}$/);
    const [{ last_seq }] = await q.query(`SELECT last_seq::text FROM audit_chain`);
    expect(written.seq).toBe(last_seq);
    // a row written the old way (no hash) is chained by audit_seal() after the sealed ones
    await q.query(`INSERT INTO audit_events (action, outcome, status, login_id) VALUES ('POST /legacy', 'ok', 200, 'legacy-row')`);
    expect(await audit.seal()).toBe(1);
    const [legacy] = await q.query(`SELECT seq::text, prev_hash FROM audit_events WHERE login_id = 'legacy-row'`);
    expect(BigInt(legacy.seq)).toBe(BigInt(last_seq) + 1n);
    expect(legacy.prev_hash).toBe(written.hash);
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 0 });
    // several events in one call are chained in their order; anything but an array is refused
    const [{ n }] = await q.query(`SELECT audit_append('[{"action": "POST /x", "outcome": "ok", "status": 200, "login_id": "batch-1"},
                                                         {"action": "POST /x", "outcome": "ok", "status": 200, "login_id": "batch-2"}]'::jsonb) AS n`);
    expect(n).toBe(2);
    const pair = await q.query(`SELECT login_id, seq FROM audit_events WHERE login_id IN ('batch-1', 'batch-2') ORDER BY seq`);
    expect(pair.map((r: { login_id: string }) => r.login_id)).toEqual(['batch-1', 'batch-2']);
    await expect(q.query(`SELECT audit_append('{"action": "POST /x"}'::jsonb)`)).rejects.toThrow(/expects a JSON array/);
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 0 });
  });

  it('seals many unsealed rows in chunks, in id order, up to the limit asked; the chain verifies', async () => {
    const q = t.db.dataSource;
    await audit.seal();
    await q.query(`INSERT INTO audit_events (action, outcome, status, login_id) SELECT 'POST /bulk', 'ok', 200, 'bulk-' || g FROM generate_series(1, 2600) g`);
    const query = jest.spyOn(t.app.get(DataSource), 'query'); // the app's own data source
    expect(await audit.seal(2500)).toBe(2500);
    expect(query.mock.calls.filter(([sql]) => String(sql).includes('audit_seal')).map(([, params]) => params)).toEqual([[1000], [1000], [500]]);
    query.mockRestore();
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 100 });
    expect(await audit.seal()).toBe(100);
    const order = await q.query(`SELECT login_id FROM audit_events WHERE login_id LIKE 'bulk-%' ORDER BY seq`);
    expect(order.map((r: { login_id: string }) => r.login_id)).toEqual(Array.from({ length: 2600 }, (_, i) => `bulk-${i + 1}`));
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 0 });
  });

  it("writes a posting's event with the posting: one per transfer, naming its transaction, before any flush; refusals and replays keep the buffered path", async () => {
    const q = t.db.dataSource;
    await creditByCorrection(t, sec, holder.accountNumber, '20');
    const send = (quantity: string, key: string) =>
      t.http().post('/api/v1/transfers').set(auth(holder.a.token!)).set('Idempotency-Key', key).send({ fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity });
    const [{ balance }] = await q.query(`SELECT balance::text FROM accounts WHERE account_number = $1`, [holder.accountNumber]);
    const posted = await send('3', 'audit-posting-1').expect(201);
    const tx = posted.body.transactionId as string;
    const naming = () => q.query(`SELECT * FROM audit_events WHERE summary->'after'->>'transactionId' = $1`, [tx]);
    // no flush: the event was committed with the posting (unsealed until the sealer chains it)
    const [event, ...more] = await naming();
    expect(more).toEqual([]);
    const [{ id: loginUuid }] = await q.query(`SELECT id FROM logins WHERE login_id = $1`, [holder.a.loginId]);
    expect(event).toMatchObject({
      login_uuid: loginUuid,
      login_id: holder.a.loginId,
      role: 'holder_a',
      action: 'POST /api/v1/transfers',
      target_type: 'transfers',
      target_id: holder.accountNumber,
      target_holder_id: holder.id,
      outcome: 'ok',
      status: 201,
      request_id: posted.headers['x-request-id'],
      client_ip: expect.any(String),
      seq: null,
      hash: null,
    });
    expect(event.summary).toEqual({
      body: { fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '3' },
      before: { account: holder.accountNumber, balance },
      after: { account: holder.accountNumber, balance: String(Number(balance) - 3), transactionId: tx },
    });
    // a replay (nothing posted) and a refusal are recorded by the middleware, as before
    const replay = await send('3', 'audit-posting-1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const refused = await send('100000', 'audit-posting-2').expect(422);
    await settle();
    const byRequest = async (id: string) => q.query(`SELECT outcome, status, seq IS NOT NULL AS sealed FROM audit_events WHERE request_id = $1`, [id]);
    expect(await byRequest(posted.headers['x-request-id'])).toEqual([{ outcome: 'ok', status: 201, sealed: false }]); // no second event
    expect(await byRequest(replay.headers['x-request-id'])).toEqual([{ outcome: 'ok', status: 201, sealed: true }]);
    expect(await byRequest(refused.headers['x-request-id'])).toEqual([{ outcome: 'INSUFFICIENT_BALANCE', status: 422, sealed: true }]);
    expect(await naming()).toHaveLength(1);
    // the sealer chains it like any unsealed row; the chain verifies and every posting has its event
    await audit.seal();
    const [sealed] = await naming();
    expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 0, unaudited: 0 });
  });

  it('a client that goes away while its posting waits: the posting writes the one event, the middleware none', async () => {
    const q = t.db.dataSource;
    const lock = q.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    const requestId = `gone-${Date.now()}`;
    try {
      await lock.query(`SELECT 1 FROM accounts WHERE account_number = $1 FOR UPDATE`, [holder.accountNumber]); // the posting waits here
      const gone = await t
        .http()
        .post('/api/v1/transfers')
        .set(auth(holder.a.token!))
        .set('X-Request-Id', requestId)
        .timeout({ response: 300 })
        .send({ fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '1' })
        .then(() => 'answered', (e: { timeout?: number }) => (e.timeout ? 'timed out' : 'failed'));
      expect(gone).toBe('timed out'); // the client closed the connection while the posting waited
      await new Promise((r) => setTimeout(r, 100));
      await settle();
      expect(await q.query(`SELECT 1 FROM audit_events WHERE request_id = $1`, [requestId])).toEqual([]); // nothing recorded yet
      await lock.commitTransaction();
    } finally {
      if (lock.isTransactionActive) await lock.rollbackTransaction();
      await lock.release();
    }
    let events: { outcome: string; tx: string | null }[] = [];
    for (let i = 0; i < 50 && !events.length; i++) {
      await new Promise((r) => setTimeout(r, 20));
      events = await q.query(`SELECT outcome, summary->'after'->>'transactionId' AS tx FROM audit_events WHERE request_id = $1`, [requestId]);
    }
    await settle(); // (had the middleware recorded the request too, its event would be written now)
    events = await q.query(`SELECT outcome, summary->'after'->>'transactionId' AS tx FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(events).toEqual([{ outcome: 'ok', tx: expect.any(String) }]);
    const [{ n }] = await q.query(`SELECT count(*)::int AS n FROM ledger_transactions WHERE id = $1::uuid`, [events[0].tx]);
    expect(n).toBe(1);
    await audit.seal();
  });

  it('a client that goes away right after sending: one event per request, recorded once the handler answered (a transfer: the posting\'s own, naming its transaction)', async () => {
    const q = t.db.dataSource;
    await creditByCorrection(t, sec, holder.accountNumber, '5');
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    /** Sends a request on a socket of its own and closes it as soon as the request is written. */
    const sendAndLeave = (path: string, requestId: string, body: unknown, token?: string) => {
      const json = JSON.stringify(body);
      const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(json)}`, `X-Request-Id: ${requestId}`];
      if (token) head.push(`Authorization: Bearer ${token}`);
      return new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`${head.join('\r\n')}\r\n\r\n${json}`, () => socket.destroy()));
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    };
    const stamp = Date.now();
    const transfers = Array.from({ length: 3 }, (_, i) => `left-transfer-${stamp}-${i}`);
    const transfer = (id: string) => sendAndLeave('/api/v1/transfers', id, { fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '1' }, holder.a.token!);
    // two while the token's login cannot be read (the guard waits: the client is gone before the posting starts), one as it comes
    const lock = q.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    try {
      await lock.query(`LOCK TABLE logins IN ACCESS EXCLUSIVE MODE`);
      await transfer(transfers[0]);
      await transfer(transfers[1]);
      await new Promise((r) => setTimeout(r, 300)); // (no flush here: an event's login is checked against the locked table)
      await lock.commitTransaction();
    } finally {
      if (lock.isTransactionActive) await lock.rollbackTransaction();
      await lock.release();
    }
    await transfer(transfers[2]);
    const login = `left-login-${stamp}`;
    await sendAndLeave('/api/v1/auth/login', login, { loginId: 'left-before-the-answer', password: 'whatever-123' });
    const events = () =>
      q.query(`SELECT request_id, outcome, status, summary->'after'->>'transactionId' AS tx FROM audit_events WHERE request_id = ANY($1) ORDER BY request_id`, [[...transfers, login]]);
    let rows: { request_id: string; outcome: string; status: number; tx: string | null }[] = [];
    for (let i = 0; i < 100 && rows.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await settle();
      rows = await events();
    }
    await new Promise((r) => setTimeout(r, 200));
    await settle(); // (a second event of any of them would be written by now)
    rows = await events();
    expect(rows).toEqual([
      // the status the handler answered, not 200 (ABORTED, or its code when the answer reached the socket before the close was seen)
      { request_id: login, outcome: expect.stringMatching(/^(ABORTED|INVALID_CREDENTIALS)$/), status: 401, tx: null },
      ...transfers.map((id) => ({ request_id: id, outcome: 'ok', status: 201, tx: expect.any(String) })),
    ]);
    const txs = rows.slice(1).map((r) => r.tx);
    const [{ n }] = await q.query(`SELECT count(*)::int AS n FROM ledger_transactions WHERE id = ANY($1::uuid[])`, [txs]);
    expect(n).toBe(3);
    await audit.seal();
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unsealed: 0, unaudited: 0 });
  });

  it('audit:verify reports a posting without an audit event naming it, and exits 1', async () => {
    const q = t.db.dataSource;
    const posted = await t.http().post('/api/v1/transfers').set(auth(holder.a.token!)).send({ fromAccount: holder.accountNumber, toAccount: 'AST-101', quantity: '1' }).expect(201);
    const tx = posted.body.transactionId as string;
    // the event lost (as a crash lost the middleware's buffered events before postings wrote their own)
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    try {
      await q.query(`DELETE FROM audit_events WHERE summary->'after'->>'transactionId' = $1 AND seq IS NULL`, [tx]);
    } finally {
      await q.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    }
    const report = await verifyAudit(q);
    expect(report).toMatchObject({ firstBroken: null, unaudited: 1, unauditedSample: [tx] });
    const cli = spawnSync(process.execPath, [join(__dirname, '../../dist/scripts/audit-verify.js')], { env: { PATH: process.env.PATH!, DATABASE_URL: t.db.url }, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`UNAUDITED: 1 of ${report.postings} postings have no audit event naming their transaction, e.g. ${tx}`);
    expect(cli.stdout).toMatch(/audit:verify sealed=\d+ unsealed=0 FAILED postings=\d+ unaudited=1/);
    // an event naming it (sealed as it is written) settles it
    await q.query(`SELECT audit_append($1::jsonb)`, [JSON.stringify([{ action: 'POST /api/v1/transfers', outcome: 'ok', status: 201, summary: { after: { transactionId: tx } } }])]);
    expect(await verifyAudit(q)).toMatchObject({ firstBroken: null, unaudited: 0 });
  });

  it('is append-only and its chain verifies; an edited row is caught, by the function and by npm run audit:verify', async () => {
    await settle();
    await audit.seal();
    const q = t.db.dataSource;
    await expect(q.query(`UPDATE audit_events SET outcome = 'ok'`)).rejects.toThrow(/append-only/);
    await expect(q.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(q.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    const clean = await verifyAudit(q);
    expect(clean).toMatchObject({ firstBroken: null, unsealed: 0 });
    expect(clean.sealed).toBeGreaterThan(10);

    const cli = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(__dirname, '../../dist/scripts/audit-verify.js')], { env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
    const ok = cli({ DATABASE_URL: t.db.url });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/audit:verify sealed=\d+ unsealed=0 ok postings=\d+ unaudited=0/);

    const [{ seq }] = await q.query(`SELECT seq::text FROM audit_events WHERE action = 'POST /api/v1/auth/login' AND outcome = 'INVALID_CREDENTIALS' ORDER BY seq LIMIT 1`);
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    try {
      await q.query(`UPDATE audit_events SET outcome = 'ok', login_id = $2 WHERE seq = $1`, [seq, BOOTSTRAP_LOGIN]);
    } finally {
      await q.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    }
    const broken = await verifyAudit(q);
    expect(broken.firstBroken).toMatchObject({ seq, problem: 'content does not match its hash' });
    const bad = cli({ DATABASE_URL: t.db.url });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`BROKEN at seq ${seq}`);
  });
});
