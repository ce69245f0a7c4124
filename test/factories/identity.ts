import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { ComplianceService } from '../../src/modules/compliance/compliance.service';
import { randomBytes } from 'node:crypto';
import { BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD, loginAs, type TestApp } from '../support/app';

export const NEW_PASSWORD = 'Chosen-Passw0rd!';

let seq = 0;
const uniq = () => `${++seq}${randomBytes(2).toString('hex')}`;

/** A valid registration application (the example of API.md), with unique names and emails. */
export function registrationBody(overrides: Record<string, unknown> = {}) {
  const u = uniq();
  return {
    representative: {
      name: `ABCリース株式会社${u}`,
      nameKana: 'えーびーしーりーすかぶしきがいしゃ',
      representativeName: '先進花子',
      representativeNameKana: 'せんしんはなこ',
    },
    coBusinesses: [{ name: `株式会社アセット不動産${u}`, nameKana: 'かぶしきがいしゃあせっとふどうさん' }],
    contact: {
      company: `株式会社アセット不動産${u}`,
      department: '環境部',
      title: '環境部長',
      name: '環境太郎',
      nameKana: 'かんきょうたろう',
      postalCode: '123-4567',
      address: '東京都千代田区永田町1-2-3',
      phone: '03-1234-5678',
      fax: '03-1234-5679',
      emailA: `taro${u}@example.co.jp`,
      emailB: `kankyo${u}@example.co.jp`,
    },
    facility: { name: 'アセット第一ビル', nameKana: 'あせっとだいいちびる', address: '埼玉県さいたま市浦和区1-1', type: 'business_site' },
    participationForm: 'single',
    accountName: '株式会社アセット不動産　アセット第一ビル',
    inTokyoOrSaitamaScheme: false,
    disclosureConsent: true,
    ...overrides,
  };
}

export function tradingParticipantBody(overrides: Record<string, unknown> = {}) {
  const u = uniq();
  return {
    name: `株式会社カーボン商事${u}`,
    nameKana: 'かぶしきがいしゃかーぼんしょうじ',
    accountName: 'カーボン商事　取引口座',
    contact: {
      department: '排出量取引部',
      name: '取引一郎',
      nameKana: 'とりひきいちろう',
      postalCode: '530-0001',
      address: '大阪府大阪市北区1-1',
      phone: '06-1234-5678',
      email: `trade${u}@example.co.jp`,
    },
    disclosureConsent: true,
    ...overrides,
  };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function secretariatToken(t: TestApp) {
  return loginAs(t, BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD);
}

export interface Holder {
  id: string;
  accountNumber: string;
  emailA: string;
  a: { loginId: string; initialPassword: string; token?: string };
  b: { loginId: string; initialPassword: string; token?: string };
}

/** Submits and approves a registration; returns the holder and its logins' initial passwords. */
export async function approvedHolder(t: TestApp, sec: string, overrides: Record<string, unknown> = {}): Promise<Holder> {
  const body = registrationBody(overrides);
  const submitted = await t.http().post('/api/v1/registration-applications').send(body).expect(201);
  const approved = await t.http().post(`/api/v1/registration-applications/${submitted.body.id}/approve`).set(auth(sec)).expect(200);
  const [a, b] = approved.body.logins;
  return { id: approved.body.targetHolderId, accountNumber: approved.body.accountNumber, emailA: (body.contact as { emailA: string }).emailA, a, b };
}

/** Logs A in, replaces its initial password, sets B's; returns usable tokens for both. */
export async function activatedHolder(t: TestApp, sec: string, overrides: Record<string, unknown> = {}): Promise<Holder> {
  const h = await approvedHolder(t, sec, overrides);
  const first = await loginAs(t, h.a.loginId, h.a.initialPassword);
  await t.http().put(`/api/v1/logins/${h.a.loginId}/password`).set(auth(first)).send({ currentPassword: h.a.initialPassword, newPassword: NEW_PASSWORD }).expect(204);
  h.a.token = await loginAs(t, h.a.loginId, NEW_PASSWORD);
  await t.http().put(`/api/v1/logins/${h.b.loginId}/password`).set(auth(h.a.token)).send({ newPassword: NEW_PASSWORD }).expect(204);
  h.b.token = await loginAs(t, h.b.loginId, NEW_PASSWORD);
  return h;
}

/** Registers a verifier and activates its login; returns its id and a usable token. */
export async function activatedVerifier(t: TestApp, sec: string) {
  const res = await t.http().post('/api/v1/verifiers').set(auth(sec)).send({ name: `検証センター${uniq()}`, nameKana: 'けんしょうせんたー', email: `v${uniq()}@example.jp` }).expect(201);
  const [login] = res.body.logins;
  const first = await loginAs(t, login.loginId, login.initialPassword);
  await t.http().put(`/api/v1/logins/${login.loginId}/password`).set(auth(first)).send({ currentPassword: login.initialPassword, newPassword: NEW_PASSWORD }).expect(204);
  return { id: res.body.verifierId as string, loginId: login.loginId as string, token: await loginAs(t, login.loginId, NEW_PASSWORD) };
}

export async function activatedParticipant(t: TestApp, sec: string, overrides: Record<string, unknown> = {}) {
  const res = await t.http().post('/api/v1/trading-participants').set(auth(sec)).send(tradingParticipantBody(overrides)).expect(201);
  const [login] = res.body.logins;
  const first = await loginAs(t, login.loginId, login.initialPassword);
  await t.http().put(`/api/v1/logins/${login.loginId}/password`).set(auth(first)).send({ currentPassword: login.initialPassword, newPassword: NEW_PASSWORD }).expect(204);
  return { id: res.body.tradingParticipantId as string, accountNumber: res.body.accountNumber as string, loginId: login.loginId as string, token: await loginAs(t, login.loginId, NEW_PASSWORD) };
}

let phaseSeq = 0;
/** Defines a phase over HTTP (unique name and vintage code); returns its id and code. */
export async function createPhase(t: TestApp, sec: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; code: string; retirementDeadline: string }> {
  const n = ++phaseSeq;
  const body = { name: `テスト期${process.pid}-${n}`, code: `T${process.pid % 100000}X${n}`, adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015, ...overrides };
  const res = await t.http().post('/api/v1/phases').set(auth(sec)).send(body).expect(201);
  return res.body;
}

/** Credits `quantity` new JAA of a vintage to an account by a correction (a vintage is created when none is given). */
export async function creditByCorrection(t: TestApp, sec: string, accountNumber: string, quantity: string, vintage?: string) {
  const code = vintage ?? (await createPhase(t, sec)).code;
  await t.http().post('/api/v1/corrections').set(auth(sec)).send({ accountNumber, direction: 'credit', quantity, reason: 'テストのための付与', vintage: code }).expect(201);
  return code;
}

/**
 * A phase the holder joins, with its base-year (and optionally target-year) emissions confirmed as
 * an approval announces them (the emissions e2e tests walk the reports themselves).
 */
export async function phaseWithApprovals(
  t: TestApp,
  sec: string,
  holderId: string,
  figures: { reductionTarget: string; baseYearEmissions?: string; targetYearEmissions?: string },
  phase: Record<string, unknown> = {},
) {
  const created = await createPhase(t, sec, phase);
  await t.http().post(`/api/v1/phases/${created.id}/participants`).set(auth(sec)).send({ targetHolderId: holderId, reductionTarget: figures.reductionTarget }).expect(201);
  const compliance = t.app.get(ComplianceService);
  for (const [kind, emissions] of [['base_year', figures.baseYearEmissions], ['target_year', figures.targetYearEmissions]] as const) {
    if (emissions === undefined) continue;
    await t.app.get(DataSource).transaction((m) => compliance.reportApproved(m, { targetHolderId: holderId, phaseId: created.id, kind, emissions: new Decimal(emissions) }));
  }
  return created;
}
