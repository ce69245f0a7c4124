import { connect } from 'node:net';
import { Controller, Get, Module, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { loadEnv } from '../../src/core/config/env';
import { Public } from '../../src/core/auth/permissions';
import { createTestApp, type TestApp } from '../support/app';

@Controller('test-faults')
class FaultController {
  @Get('boom')
  @Public()
  boom(): never {
    throw new Error('secret internal detail: password=hunter2 at /srv/app.js:12');
  }

  @Post('no-rule')
  unclassified() {
    return { reached: true };
  }

  @Post('upload')
  @Public()
  @UseInterceptors(FileInterceptor('file'))
  upload(@UploadedFile() file: { buffer: Buffer; originalname: string } | undefined) {
    return { name: file?.originalname ?? null, bytes: file?.buffer.length ?? null };
  }
}
@Module({ controllers: [FaultController] })
class FaultModule {}

describe('HTTP plumbing (over HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '2048' }, [FaultModule]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /health checks the database', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: { mode: 'postgresql', latencyMs: expect.any(Number) } });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await t.http().get('/api/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/auth/login', '/api/v1/auth/me']));
    const page = await t.http().get('/api/docs/').expect(200);
    expect(page.text).toMatch(/swagger/i);
  });

  it('the OpenAPI document has no dangling $ref, contact fax/emailB are strings, and no property is a shapeless object', async () => {
    const doc = (await t.http().get('/api/openapi.json').expect(200)).body;
    const refs: { at: string; ref: string }[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') refs.push({ at, ref: v });
        else walk(v, `${at}/${k}`);
      }
    };
    walk(doc, '#');
    const resolves = (ref: string) => {
      if (!ref.startsWith('#/')) return false;
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
        if (node === null || typeof node !== 'object' || !(part in node)) return false;
        node = (node as Record<string, unknown>)[part];
      }
      return node !== undefined;
    };
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => !resolves(r.ref))).toEqual([]);
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, { type?: string; properties?: object; additionalProperties?: unknown }> }>;
    for (const name of ['ContactDto', 'ContactChangesDto']) {
      for (const field of ['fax', 'emailB']) {
        expect([name, field, schemas[name].properties![field].type]).toEqual([name, field, 'string']);
      }
    }
    // a property typed `object` without a shape is a `string | null` (or similar) the document lost
    const shapeless = Object.entries(schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, p]) => p.type === 'object' && !p.properties && p.additionalProperties === undefined)
        .map(([field]) => `${name}.${field}`),
    );
    expect(shapeless).toEqual([]);
  });

  it('malformed JSON -> 400 MALFORMED_JSON in the error format, with a request id', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"loginId": "a",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'MALFORMED_JSON', message: expect.any(String), details: {}, requestId: expect.any(String) });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('unknown fields -> 400 VALIDATION_FAILED naming the fields', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ loginId: 'a', password: 'b', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual([{ field: 'isAdmin', problems: [expect.stringMatching(/should not exist/)] }]);
  });

  it('__proto__, constructor and prototype keys are unknown fields like any other, at the top and nested', async () => {
    const login = (raw: string) => t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(raw);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const top = await login(`{"loginId":"a","password":"b","${key}":{"x":1}}`);
      expect([key, top.status]).toEqual([key, 400]);
      expect(top.body.code).toBe('VALIDATION_FAILED');
      expect(top.body.details.fields).toEqual([{ field: key, problems: [`property ${key} should not exist`] }]);
      // a prototype key beside a wrong type: both are named
      const both = await login(`{"loginId":1,"password":"b","${key}":{"isAdmin":true}}`);
      expect(both.status).toBe(400);
      expect(both.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([key, 'loginId'].sort());
      // nested, inside an object and inside an array element (a public route: before any login)
      const nested = await t
        .http()
        .post('/api/v1/registration-applications')
        .set('Content-Type', 'application/json')
        .send(`{"representative":{"${key}":{"polluted":true}},"coBusinesses":[{"${key}":[1]}]}`);
      expect(nested.status).toBe(400);
      expect(nested.body.code).toBe('VALIDATION_FAILED');
      const fields = nested.body.details.fields as { field: string; problems: string[] }[];
      expect(fields).toEqual(
        expect.arrayContaining([
          { field: `representative.${key}`, problems: [`property ${key} should not exist`] },
          { field: `coBusinesses.0.${key}`, problems: [`property ${key} should not exist`] },
        ]),
      );
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('wrong types and a non-object body -> 400 VALIDATION_FAILED', async () => {
    const wrong = await t.http().post('/api/v1/auth/login').send({ loginId: 42, password: ['x'] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['loginId', 'password']);
    const array = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('[1,2]');
    expect(array.status).toBe(400);
    expect(array.body.code).toBe('VALIDATION_FAILED');
    const empty = await t.http().post('/api/v1/auth/login');
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
  });

  it('a body over the limit -> 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ loginId: 'a', password: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.details).toEqual({ limitBytes: 2048 });
  });

  it('a body that is not JSON -> 415', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'text/plain').send('loginId=a');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it("a Content-Encoding the parser cannot undo -> the parser's 415 in the error format, with details", async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', 'x-foo').send('{"loginId":"a","password":"b"}');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'このデータ形式には対応していません。',
      details: { contentEncoding: 'x-foo', accepted: ['identity', 'gzip', 'deflate', 'br'] },
      requestId: expect.any(String),
    });
  });

  it('only application/json (no parameter or the one charset=utf-8, any case) is read as JSON; look-alikes and other parameters are 415 in the error format', async () => {
    const body = JSON.stringify({ loginId: 'nobody', password: 'wrong' });
    const send = (type: string) => t.http().post('/api/v1/auth/login').set('Content-Type', type).send(body);
    // read as JSON: the login is tried (and fails as a login)
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON; Charset=UTF-8',
      'application/json;charset="utf-8"',
      'application/json ; charset = utf-8',
      'application/json;\tcharset="UTF-8"',
    ]) {
      const res = await send(type);
      expect([type, res.status, res.body.code]).toEqual([type, 401, 'INVALID_CREDENTIALS']);
    }
    for (const type of [
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/json-patch+json',
      'application/x-json',
      'text/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      // application/json with anything but the one charset=utf-8 (these were read as JSON, or a bare 415 from the parser)
      'application/json;',
      'application/json;charset',
      'application/json; charset=',
      'application/json; charset=utf8',
      'application/json; charset="utf-8',
      'application/json; foo',
      'application/json; foo=bar',
      'application/json; charset=utf-8; charset=latin1',
      'application/json; charset=utf-8;',
      'application/json; charset=utf-8; foo=bar',
      'application/json, text/plain',
    ]) {
      const res = await send(type);
      expect([type, res.status]).toEqual([type, 415]);
      expect(res.body).toEqual({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'このデータ形式には対応していません。',
        details: { contentType: type.split(';')[0].trim().toLowerCase(), accepted: ['application/json', 'multipart/form-data'] },
        requestId: expect.any(String),
      });
    }
    // a body without any content type
    const untyped = await t.http().post('/api/v1/auth/login').set('Content-Type', '').send(body);
    expect(untyped.status).toBe(415);
    expect(untyped.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a multipart upload still reaches its route', async () => {
    const res = await t.http().post('/api/v1/test-faults/upload').attach('file', Buffer.from('hello'), 'a.txt');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a.txt', bytes: 5 });
  });

  it('unknown route -> 404 JSON', async () => {
    const res = await t.http().get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', details: { method: 'GET', path: '/api/v1/no-such-thing' } });
  });

  it('an unexpected fault -> 500 with a request id and no internals; logged with the same id', async () => {
    const res = await t.http().get('/api/v1/test-faults/boom').set('X-Request-Id', 'req-fault-1');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String), details: {}, requestId: 'req-fault-1' });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|app\.js|secret/);
    const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'req-fault-1' && l.msg === 'unhandled error');
    expect(logged).toMatchObject({ level: 'error', error: expect.stringContaining('secret internal detail') });
  });

  it('a route without an access rule is refused to everybody (fails closed)', async () => {
    const res = await t.http().post('/api/v1/test-faults/no-rule').send({});
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('messages are Japanese by default and English on request', async () => {
    const ja = await t.http().get('/api/v1/nowhere');
    expect(ja.body.message).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
    const en = await t.http().get('/api/v1/nowhere').set('Accept-Language', 'en-US,en;q=0.9');
    expect(en.body.message).toBe('No such route.');
  });

  it('a JSON body nested deeper than 32 levels is 400 JSON_TOO_DEEP, even unauthenticated (not a stack overflow)', async () => {
    const nested = (depth: number) => `{"loginId":"a","password":"b","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const deep = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(nested(1000)); // within this app's 2 KB limit
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ code: 'JSON_TOO_DEEP', details: { maxDepth: 32 } });
    const justOver = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(nested(33));
    expect(justOver.body.code).toBe('JSON_TOO_DEEP');
    // 32 levels are parsed and validated as usual (here: an unknown property)
    const deepest = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(nested(32));
    expect(deepest.status).toBe(400);
    expect(deepest.body.code).toBe('VALIDATION_FAILED');
  });

  it('a lone UTF-16 surrogate in a JSON key or string is 400 VALIDATION_FAILED naming the field (PostgreSQL could not store it)', async () => {
    const login = (raw: string) => t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(raw);
    const top = await login('{"loginId":"abc\\ud800","password":"b"}');
    expect(top.status).toBe(400);
    expect(top.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'loginId' }] } });
    const nested = await t.http().post('/api/v1/registration-applications').set('content-type', 'application/json').send('{"representative":{"name":"ABC","title":["x","\\udc00y"]}}');
    expect(nested.status).toBe(400);
    expect(nested.body.details.fields).toEqual([{ field: 'representative.title.1', problems: [expect.stringContaining('surrogate')] }]);
    const key = await login('{"\\ud83d":"x","loginId":"a","password":"b"}');
    expect(key.status).toBe(400);
    expect(key.body.details.fields[0].field).toBe('\ufffd');
    // a whole pair (an emoji) is text like any other
    const emoji = await login(JSON.stringify({ loginId: 'a😀', password: 'b' }));
    expect(emoji.status).toBe(401);
  });

  it('a malformed X-Request-Id is replaced by a generated one', async () => {
    const res = await t.http().get('/health').set('X-Request-Id', 'bad id with spaces<script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('keep-alive connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500' });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('default to 65 s, above the usual proxy idle timeout (Node would close after 5 s)', () => {
    expect(loadEnv({}).HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65000);
    expect(() => loadEnv({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });

  it('an idle connection stays open for HTTP_KEEP_ALIVE_TIMEOUT_MS, then the server closes it', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let answered = 0;
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (!answered && /\r\n\r\n[\s\S]*\}/.test(answer)) answered = Date.now();
    });
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const idle = (await closed) - answered;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/keep-alive/i);
    expect(idle).toBeGreaterThanOrEqual(1300);
    expect(idle).toBeLessThan(4000);
  });
});

describe("answers Node's HTTP server would write itself (431, 400, 417) have the JSON error body", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Writes raw bytes on a new connection; resolves with everything the server sent before it closed. */
  const raw = (bytes: string) =>
    new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('error', (error) => (answer ? undefined : reject(error)));
      socket.on('close', () => {
        const [head, ...rest] = answer.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body: rest.join('\r\n\r\n') });
      });
      socket.write(bytes);
    });

  it('a request header over the parser limit -> 431 HEADER_TOO_LARGE in the error format, connection closed', async () => {
    const res = await raw(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/\r\ncontent-type: application\/json; charset=utf-8/i);
    expect(res.headers).toMatch(/\r\nconnection: close/i);
    const body = JSON.parse(res.body);
    expect(body).toEqual({ code: 'HEADER_TOO_LARGE', message: 'リクエストヘッダーが大きすぎます。', details: {}, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.headers).toContain(`X-Request-Id: ${body.requestId}`);
  });

  it('a request Node cannot parse -> 400 BAD_REQUEST in the error format', async () => {
    for (const bytes of ['NOT HTTP AT ALL\r\n\r\n', 'GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello']) {
      const res = await raw(bytes);
      expect([bytes.slice(0, 20), res.status]).toEqual([bytes.slice(0, 20), 400]);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String), details: {} });
    }
  });

  it('an HTTP/1.1 request without Host -> 400 BAD_REQUEST in the error format (HTTP/1.0 needs none)', async () => {
    const res = await raw('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/\r\nconnection: close/i);
    expect(JSON.parse(res.body)).toEqual({ code: 'BAD_REQUEST', message: expect.any(String), details: { header: 'Host' }, requestId: expect.any(String) });
    const old = await raw('GET /health HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
  });

  it('an Expect header other than 100-continue -> 417 EXPECTATION_FAILED in the error format', async () => {
    const res = await raw('GET /health HTTP/1.1\r\nHost: localhost\r\nExpect: something-else\r\n\r\n');
    expect(res.status).toBe(417);
    expect(JSON.parse(res.body)).toEqual({ code: 'EXPECTATION_FAILED', message: 'Expect ヘッダーの指定には対応していません。', details: { expect: 'something-else' }, requestId: expect.any(String) });
    // 100-continue still works
    const body = JSON.stringify({ loginId: 'nobody', password: 'wrong' });
    const cont = await raw(`POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body}`);
    expect(cont.headers).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(cont.body).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('Content-Type sent as is: whitespace around ; and = is allowed, anything after the charset is 415; trailing whitespace is no part of the value', async () => {
    const body = JSON.stringify({ loginId: 'nobody', password: 'wrong' });
    const send = async (type: string) => {
      const res = await raw(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return [type, res.status, JSON.parse(res.body).code];
    };
    for (const type of ['application/json\t;charset=utf-8\tx', 'application/json ;', 'application/json; charset=utf-8 ; charset=latin1', 'application/json;\t']) {
      expect(await send(type)).toEqual([type, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    expect(await send('application/json\t; charset\t=\tutf-8')).toEqual(['application/json\t; charset\t=\tutf-8', 401, 'INVALID_CREDENTIALS']);
    // whitespace at the end of a header line is not part of the field value (RFC 9110 5.5): the parser
    // drops it, and the server is given plain `application/json`
    expect(await send('application/json\t')).toEqual(['application/json\t', 401, 'INVALID_CREDENTIALS']);
  });

  it('every answer says X-Content-Type-Options: nosniff: the API, its errors, the parser refusals, the docs', async () => {
    const answers = [
      await t.http().get('/health'),
      await t.http().get('/api/v1/nowhere'),
      await t.http().post('/api/v1/auth/login').send({ loginId: 'nobody', password: 'wrong' }),
      await t.http().post('/api/v1/auth/login').set('Content-Type', 'text/plain').send('x'),
      await t.http().get('/api/openapi.json'),
      await t.http().get('/api/v1/audit-events'),
    ];
    expect(answers.map((r) => [r.status, r.headers['x-content-type-options']])).toEqual([
      [200, 'nosniff'],
      [404, 'nosniff'],
      [401, 'nosniff'],
      [415, 'nosniff'],
      [200, 'nosniff'],
      [401, 'nosniff'],
    ]);
    const refused = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(refused.status).toBe(400);
    expect(refused.headers).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    const expectation = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 2\r\n\r\n{}');
    expect(expectation.status).toBe(417);
    expect(expectation.headers).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
  });

  it('the server still answers after refusing those', async () => {
    const res = await raw('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
