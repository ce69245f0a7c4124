import { randomUUID } from 'node:crypto';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_KEY, type AccessRule } from '../../src/core/auth/permissions';
import type { Role } from '../../src/core/auth/roles';
import { PrtrClock } from '../../src/modules/prtr/clock';
import { BOOTSTRAP_LOGIN, createTestApp, type TestApp } from '../support/app';
import { activatedHolder, activatedParticipant, activatedVerifier, auth, createPhase, registrationBody, secretariatToken } from '../factories/identity';
import { filingBody, importFixtureMaster, officer, registeredFiler, registrationBody as prtrRegistrationBody } from '../factories/prtr';

/**
 * Schema-driven hostile input: for every operation of the OpenAPI document that takes a JSON body,
 * logged in with a role the route permits (read from the route's own access rule), a body built
 * from the schema is sent broken in every way below. Every answer must be 4xx in the error format
 * (`code` and `message`), never 5xx; the unbroken body may succeed, but not with a 5xx either.
 */

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Answer {
  status: number;
  body: unknown;
  type: string | undefined;
}
interface Case {
  name: string;
  /** a JSON value (sent with JSON.stringify) or raw text */
  body: unknown;
  raw?: boolean;
  contentType?: string;
  /** the case is about the body's shape (its answer shows whether auth was passed) */
  shape: boolean;
  /** a value that may be valid (null for an optional property): any answer but a 5xx */
  lenient?: boolean;
}

const LONG = 'x'.repeat(100_000);
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Which login is used when a route permits several (the first one permitted). */
const PREFERENCE: Role[] = ['secretariat', 'holder_a', 'prtr_filer', 'prtr_local_gov', 'prtr_ministry', 'trading_participant', 'verifier', 'holder_b'];

describe('schema-driven fuzz of every JSON route (e2e)', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
  const tokens = {} as Record<Role, string>;
  /** Path parameter values that name real records, by OpenAPI path and parameter. */
  const realParams: Record<string, Record<string, string>> = {};
  const rules = new Map<string, AccessRule>();
  /** Values that name real records, by property name (used wherever a schema has that property). */
  const realValues: Record<string, unknown> = {};
  /** Whole valid bodies for schemas whose fields depend on each other (the schema's examples do not fit together). */
  const bodies: Record<string, () => Record<string, unknown>> = {};

  beforeAll(async () => {
    t = await createTestApp({ PRTR_ELECTRONIC_DEADLINES: '2026:07-31' });
    t.app.get(PrtrClock).now = () => new Date('2026-05-15T01:00:00Z');
    const sec = await secretariatToken(t);
    await importFixtureMaster(t);
    const holder = await activatedHolder(t, sec);
    const verifier = await activatedVerifier(t, sec);
    const participant = await activatedParticipant(t, sec);
    const tokyo = await officer(t, sec, { prefectureCode: '13' });
    const meti = await officer(t, sec, { ministerCode: 'METI' });
    // facilities: a draft; none yet (for creating one); filed filings: to amend, under inquiry, to raise an inquiry on
    const filer = await registeredFiler(t, tokyo.token, '13', ['東京工場', '川崎工場', '品川工場', '板橋工場', '横浜工場']);
    const draft = async (facility: number) =>
      (await t.http().post('/api/v1/prtr/filings').set(auth(filer.token)).send(filingBody(filer.facilities[facility].id, 2025)).expect(201)).body.id as string;
    const filing = { body: { id: await draft(0) } };
    const filed = [await draft(2), await draft(3), await draft(4)];
    for (const id of filed) await t.http().post(`/api/v1/prtr/filings/${id}/submit`).set(auth(filer.token)).expect(200);
    const inquiry = await t.http().post(`/api/v1/prtr/filings/${filed[1]}/inquiries`).set(auth(tokyo.token)).send({ message: 'トルエンの排出量をご確認ください。' }).expect(201);
    const phase = await createPhase(t, sec);
    const joined = await t.http().post(`/api/v1/phases/${phase.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '100' }).expect(201);
    Object.assign(tokens, {
      secretariat: sec,
      holder_a: holder.a.token!,
      holder_b: holder.b.token!,
      verifier: verifier.token,
      trading_participant: participant.token,
      prtr_filer: filer.token,
      prtr_local_gov: tokyo.token,
      prtr_ministry: meti.token,
    });
    Object.assign(realParams, {
      '/api/v1/logins/{loginId}/password': { loginId: BOOTSTRAP_LOGIN },
      '/api/v1/target-holders/{id}/verifier': { id: holder.id },
      '/api/v1/accounts/{accountNumber}/status': { accountNumber: holder.accountNumber },
      '/api/v1/reports/{id}/transitions': { id: joined.body.reports[0].id },
      '/api/v1/phases/{id}/participants': { id: phase.id },
      '/api/v1/phases/{id}/retirement-deadline': { id: phase.id },
      '/api/v1/prtr/filings/{id}': { id: filing.body.id },
      '/api/v1/prtr/filings/{id}/amendments': { id: filed[0] },
      '/api/v1/prtr/filings/{id}/inquiries': { id: filed[2] },
      '/api/v1/prtr/inquiries/{id}/answer': { id: inquiry.body.id },
      '/api/v1/prtr/inquiries/{id}/close': { id: inquiry.body.id },
    });
    Object.assign(realValues, {
      targetHolderId: holder.id,
      phaseId: phase.id,
      verifierId: verifier.id,
      facilityId: filer.facilities[0].id,
      fromAccount: holder.accountNumber,
      accountNumber: participant.accountNumber,
      vintage: phase.code,
    });
    Object.assign(bodies, {
      RegistrationApplicationDto: () => registrationBody(),
      PrtrRegistrationDto: () => prtrRegistrationBody('13'),
      // the other facility: no draft there yet, so a create that passes validation reaches the handler
      CreateFilingDto: () => filingBody(filer.facilities[1].id, 2025),
      FilingContentDto: () => {
        const { facilityId: _f, fiscalYear: _y, ...content } = filingBody(filer.facilities[0].id, 2025);
        return content;
      },
      InquiryAnswerDto: () => ({ type: 'amendment', filing: bodies.FilingContentDto() }),
      OfficerDto: () => ({ role: 'prtr_local_gov', displayName: '東京都環境局', email: `fuzz-${randomUUID()}@pref.example.jp`, prefectureCode: '13' }),
    });
    doc = (await t.http().get('/api/openapi.json').expect(200)).body;
    // each route's access rule, by the operation id the document gives it (`Controller_method`)
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const cls = wrapper.metatype as (new (...args: unknown[]) => object) | null;
        if (!cls) continue;
        let proto = cls.prototype as Record<string, unknown> | null;
        while (proto && proto !== Object.prototype) {
          for (const method of Object.getOwnPropertyNames(proto)) {
            const handler = proto[method];
            if (method === 'constructor' || typeof handler !== 'function') continue;
            const rule = (Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, cls)) as AccessRule | undefined;
            const id = `${cls.name}_${method}`;
            if (rule && !rules.has(id)) rules.set(id, rule);
          }
          proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
        }
      }
    }
  }, 60_000);
  afterAll(() => t?.close());

  const resolve = (schema: Schema): Schema => {
    let s = schema;
    for (let i = 0; i < 10; i++) {
      // (a dangling $ref is the OpenAPI test's finding; here it is a schema saying nothing)
      if (s.$ref) s = doc.components.schemas[s.$ref.split('/').pop()!] ?? {};
      else if (s.allOf?.length === 1) s = s.allOf[0];
      else break;
    }
    return s;
  };
  const isObjectSchema = (schema: Schema) => {
    const s = resolve(schema);
    return s.type === 'object' || s.properties !== undefined;
  };

  /** A plausible value for a schema: its example, its first enum value, or one of its type (required properties only). */
  const sample = (schema: Schema, depth = 0): unknown => {
    const named = schema.$ref?.split('/').pop();
    if (named && bodies[named]) return bodies[named]();
    const s = resolve(schema);
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (s.properties) {
      if (depth > 8) return {};
      return Object.fromEntries(
        Object.keys(s.properties)
          .filter((k) => s.required?.includes(k) || k in realValues)
          .map((k) => [k, k in realValues ? realValues[k] : sample(s.properties![k], depth + 1)]),
      );
    }
    switch (s.type) {
      case 'string':
        return s.format === 'uuid' ? randomUUID() : s.format === 'date' ? '2026-04-01' : s.format === 'date-time' ? '2026-04-01T00:00:00Z' : 'テスト';
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return s.items && depth <= 8 ? [sample(s.items, depth + 1)] : [];
      default:
        return {};
    }
  };
  /** A value of another JSON type than the schema's. */
  const wrongType = (schema: Schema): unknown => {
    const s = resolve(schema);
    if (s.properties || s.type === 'object' || s.type === 'array') return 'not-a-container';
    if (s.type === 'integer' || s.type === 'number') return 'not-a-number';
    if (s.type === 'boolean') return 'not-a-boolean';
    return 12345;
  };
  /** The body with `"key": {"x": 1}` written first in the object at `path` (JSON.stringify would not write a `__proto__` key). */
  const withKeyAt = (body: Record<string, unknown>, path: string[], key: string): string => {
    const marker = `__marker_${randomUUID()}__`;
    const copy = structuredClone(body);
    let target = copy as Record<string, unknown>;
    for (const p of path) target = target[p] as Record<string, unknown>;
    target[marker] = { x: 1 };
    return JSON.stringify(copy).replace(`"${marker}"`, JSON.stringify(key));
  };

  /**
   * Every property of a body at any depth, with its schema and the body's own value: the properties
   * of the body and of each object it holds (of an array of objects, the first element).
   */
  const propertiesOf = (schema: Schema, value: unknown, path: string[] = []): { path: string[]; schema: Schema; own: unknown }[] => {
    const s = resolve(schema);
    if (path.length > 8 || value === null || typeof value !== 'object') return [];
    if (Array.isArray(value)) return s.items && value.length > 0 ? propertiesOf(s.items, value[0], [...path, '0']) : [];
    return Object.entries(s.properties ?? {}).flatMap(([key, p]) => {
      const own = (value as Record<string, unknown>)[key];
      return [{ path: [...path, key], schema: p, own }, ...(own === undefined ? [] : propertiesOf(p, own, [...path, key]))];
    });
  };
  /** A copy of the body with the value at `path` replaced. */
  const withValueAt = (base: Record<string, unknown>, path: string[], value: unknown) => {
    const body = structuredClone(base);
    let target = body as Record<string, unknown>;
    for (const p of path.slice(0, -1)) target = target[p] as Record<string, unknown>;
    target[path[path.length - 1]] = value;
    return body;
  };

  const casesFor = (schema: Schema): Case[] => {
    const base = sample(schema) as Record<string, unknown>;
    const cases: Case[] = [];
    for (const { path, schema: p, own } of propertiesOf(schema, base)) {
      const name = path.join('.');
      const at = (value: unknown) => withValueAt(base, path, value);
      cases.push({ name: `${name}: wrong type`, body: at(wrongType(p)), shape: true });
      cases.push({ name: `${name}: null`, body: at(null), shape: true, lenient: true });
      const ps = resolve(p);
      // the base body's own value where it has one (valid with the rest), else one from the schema
      if (ps.type === 'array') {
        const element = Array.isArray(own) && own.length > 0 ? own[0] : ps.items ? sample(ps.items) : 1;
        cases.push({ name: `${name}: object for an array`, body: at({ 0: element }), shape: true });
        if (ps.items && isObjectSchema(ps.items)) {
          cases.push({ name: `${name}: an array for each element object`, body: at([[element]]), shape: true });
          cases.push({ name: `${name}: an array for one element object`, body: at([...(Array.isArray(own) ? own.slice(1) : []), [element]]), shape: true });
        }
      }
      if (isObjectSchema(p)) {
        const inner = (own !== null && typeof own === 'object' && !Array.isArray(own) ? own : sample(p)) as Record<string, unknown>;
        cases.push({ name: `${name}: array for an object`, body: at([inner]), shape: true });
        for (const k of PROTOTYPE_KEYS) cases.push({ name: `${name}.${k} key`, body: withKeyAt(at(inner), path, k), raw: true, shape: true });
      }
      if (ps.type === 'string') {
        cases.push({ name: `${name}: 100,000 characters`, body: at(LONG), shape: true });
        // text PostgreSQL cannot store: refused as input, not a database error
        cases.push({ name: `${name}: NUL`, body: at(`a\u0000b`), shape: true });
        cases.push({ name: `${name}: lone surrogate`, body: at(`a\ud800b`), shape: true });
      }
      if (ps.type === 'integer' || ps.type === 'number') {
        // numbers beyond any column, negative, fractional, beyond exact integers: refused or handled, never a 5xx
        for (const n of [1e300, -1e300, -1, 0.5, 2 ** 53 + 2]) cases.push({ name: `${name}: ${n}`, body: at(n), shape: true, lenient: true });
      }
    }
    cases.push({ name: 'array for the body', body: [base], shape: true });
    cases.push({ name: 'a string for the body', body: '"text"', raw: true, shape: true });
    for (const k of PROTOTYPE_KEYS) cases.push({ name: `${k} key`, body: withKeyAt(base, [], k), raw: true, shape: true });
    cases.push({ name: 'malformed JSON', body: `${JSON.stringify(base).slice(0, -1)},`, raw: true, shape: false });
    for (const type of ['text/plain', 'application/merge-patch+json', 'application/x-www-form-urlencoded']) {
      cases.push({ name: `content type ${type}`, body: JSON.stringify(base), raw: true, contentType: type, shape: false });
    }
    // the ones that may succeed last, so that what they change (an inquiry answered) does not stop the others early
    return [...cases.filter((c) => !c.lenient), ...cases.filter((c) => c.lenient)];
  };

  const pathFor = (path: string, op: Operation) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const real = realParams[path]?.[name];
      if (real) return encodeURIComponent(real);
      const schema = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema;
      if (schema?.type === 'integer' || schema?.type === 'number') return '1';
      if (/accountNumber/i.test(name)) return 'AST-999999';
      if (/loginId/i.test(name)) return 'NO-SUCH-LOGIN';
      return randomUUID();
    });

  const send = async (method: string, url: string, token: string | undefined, c: Case): Promise<Answer> => {
    let req = t.http()[method as 'post' | 'put' | 'patch'](url).set('Content-Type', c.contentType ?? 'application/json');
    if (token) req = req.set(auth(token));
    const res = await req.send(c.raw ? (c.body as string) : JSON.stringify(c.body));
    return { status: res.status, body: res.body, type: res.headers['content-type'] };
  };

  it('answers every hostile body of every JSON operation with a 4xx and a code, never a 5xx', async () => {
    const started = Date.now();
    const failures: string[] = [];
    const unreached: string[] = [];
    let operations = 0;
    let requests = 0;
    let pastAuth = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (!['post', 'put', 'patch'].includes(method) || !schema) continue;
        operations++;
        const rule = rules.get(op.operationId);
        expect([op.operationId, rule !== undefined]).toEqual([op.operationId, true]);
        const role = rule!.kind === 'roles' ? PREFERENCE.find((r) => rule!.roles.includes(r)) : undefined;
        const token = role ? tokens[role] : undefined;
        const url = pathFor(path, op);
        const label = `${method.toUpperCase()} ${path} as ${role ?? 'anyone'}`;
        let reached = false;
        for (const c of casesFor(schema)) {
          const res = await send(method, url, token, c);
          requests++;
          const body = res.body as { code?: unknown; message?: unknown } | undefined;
          const wellFormed = res.status >= 400 && res.status < 500 && /^application\/json/.test(res.type ?? '') && typeof body?.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(body.code) && typeof body.message === 'string';
          if (c.lenient ? res.status >= 500 : !wellFormed) failures.push(`${label} [${c.name}]: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          if (c.shape && res.status !== 401 && res.status !== 403) reached = true;
        }
        // then the unbroken body (after the broken ones: what it creates would answer them with a conflict): any outcome but a 5xx
        const plain = await send(method, url, token, { name: 'plain', body: sample(schema), shape: false });
        requests++;
        if (plain.status >= 500) failures.push(`${label} [the sample body]: ${plain.status} ${JSON.stringify(plain.body).slice(0, 200)}`);
        if (reached) pastAuth++;
        else unreached.push(label);
      }
    }
    expect(failures).toEqual([]);
    // the document's JSON operations were all walked, every one of them past authentication
    expect(operations).toBeGreaterThanOrEqual(30);
    expect(unreached).toEqual([]);
    expect(pastAuth).toBe(operations);
    expect(requests).toBeGreaterThan(operations * 10);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
