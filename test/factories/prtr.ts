import { DataSource } from 'typeorm';
import type { FilingMainForm, FilingSheet } from '../../src/modules/prtr/content';
import { importMasterData } from '../../src/modules/prtr/master/import';
import { loginAs, type TestApp } from '../support/app';
import { auth, NEW_PASSWORD } from './identity';

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A small master data set of real entries (from the FY2023 lists), in the formats of shared/data. */
export const FIXTURE_SUBSTANCES = {
  source: 'test fixture: entries of 化管法施行令 別表第一/第二 (2021 amendment, effective FY2023)',
  classI: [
    { number: 73, name: 'エチルベンゼン', specified: false },
    { number: 103, name: 'キシレン', specified: false },
    { number: 278, name: 'ダイオキシン類', specified: true },
    { number: 347, name: 'トルエン', specified: false },
    { number: 452, name: 'ベンゼン', specified: true },
    { number: 464, name: 'ホルムアルデヒド', specified: true },
  ],
  classII: [{ number: 1, name: 'アクリル酸ブチル' }],
};
export const FIXTURE_INDUSTRIES = {
  ministers: [
    { code: 'METI', name: '経済産業大臣' },
    { code: 'MAFF', name: '農林水産大臣' },
    { code: 'MHLW', name: '厚生労働大臣' },
  ],
  industries: [
    { code: '1600', name: '木材・木製品製造業（家具を除く。）', seireiNo: 9, ministers: ['METI', 'MAFF'], defaultMinister: 'METI' },
    { code: '2000', name: '化学工業（以下を除く。）', seireiNo: 14, ministers: ['METI'], defaultMinister: 'METI' },
    { code: '9210', name: '自然科学研究所', seireiNo: 24, ministers: ['METI', 'MAFF', 'MHLW'], defaultMinister: null },
  ],
};

export async function importFixtureMaster(t: TestApp) {
  return importMasterData(t.app.get(DataSource), { substances: FIXTURE_SUBSTANCES, industries: FIXTURE_INDUSTRIES, effectiveFromFy: 2023 });
}

/** Logs in with the initial password, replaces it, and returns a usable token. */
export async function activate(t: TestApp, loginId: string, initialPassword: string): Promise<string> {
  const first = await loginAs(t, loginId, initialPassword);
  await t.http().put(`/api/v1/logins/${loginId}/password`).set(auth(first)).send({ currentPassword: initialPassword, newPassword: NEW_PASSWORD }).expect(204);
  return loginAs(t, loginId, NEW_PASSWORD);
}

export async function officer(t: TestApp, sec: string, scope: { prefectureCode: string } | { ministerCode: string }) {
  const role = 'prefectureCode' in scope ? 'prtr_local_gov' : 'prtr_ministry';
  const email = `officer${uniq()}@pref.example.jp`;
  const res = await t.http().post('/api/v1/prtr/officers').set(auth(sec)).send({ role, displayName: `担当${uniq()}`, email, ...scope }).expect(201);
  return { loginId: res.body.loginId as string, email, token: await activate(t, res.body.loginId, res.body.initialPassword) };
}

export function registrationBody(prefectureCode = '13', facilities = ['東京工場']) {
  const u = uniq();
  return {
    prefectureCode,
    business: { name: `株式会社見本化学${u}`, address: '東京都千代田区霞が関1-2-2', representativeName: '代表取締役 見本太郎' },
    contact: { department: '環境安全部', name: '届出花子', phone: '03-1234-5678', email: `prtr${u}@example.co.jp` },
    facilities: facilities.map((name, i) => ({ name, address: `東京都大田区東糀谷1-${i + 1}-1`, mainIndustryCode: '2000' })),
  };
}

export interface Filer {
  businessId: string;
  loginId: string;
  token: string;
  email: string;
  facilities: { id: string; name: string }[];
  approval: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A business pre-registered in a prefecture and approved by that prefecture's officer; the filer is logged in. */
export async function registeredFiler(t: TestApp, localGovToken: string, prefectureCode = '13', facilities?: string[]): Promise<Filer> {
  const body = registrationBody(prefectureCode, facilities);
  const submitted = await t.http().post('/api/v1/prtr/registrations').send(body).expect(201);
  const approved = await t.http().post(`/api/v1/prtr/registrations/${submitted.body.id}/approve`).set(auth(localGovToken)).expect(200);
  const { login } = approved.body;
  return {
    businessId: approved.body.businessId,
    loginId: login.loginId,
    token: await activate(t, login.loginId, login.initialPassword),
    email: body.contact.email,
    facilities: approved.body.facilities,
    approval: approved.body,
  };
}

const zeroSheet = (substanceNumber: number): FilingSheet => ({
  substanceNumber,
  releases: { air: '0.0', water: '0.0', soil: '0.0', landfill: '0.0' },
  transfers: { sewer: '0.0', offsite: '0.0' },
});

/** A valid filing with three substances (sheets given out of order on purpose). */
export function filingBody(facilityId: string, fiscalYear: number): { facilityId: string; fiscalYear: number; mainForm: FilingMainForm; sheets: FilingSheet[] } {
  return {
    facilityId,
    fiscalYear,
    mainForm: {
      filerName: '株式会社見本化学',
      filerAddress: '東京都千代田区霞が関1-2-2',
      representativeName: '代表取締役 見本太郎',
      businessName: '株式会社見本化学',
      facilityName: '東京工場',
      facilityAddress: '東京都大田区東糀谷1-1-1',
      employees: 85,
      mainIndustryCode: '2000',
      secondaryIndustryCodes: [],
      confidentialityClaim: false,
      contact: { department: '環境安全部', name: '届出花子', phone: '03-1234-5678', email: 'prtr@example.co.jp' },
    },
    sheets: [
      { ...zeroSheet(347), releases: { air: '1200', water: '5.0', waterBodyName: '多摩川', soil: '0.0', landfill: '0.0' }, transfers: { sewer: '0.0', offsite: '340', offsiteTreatmentMethod: '焼却', offsiteWasteType: '廃油' } },
      { ...zeroSheet(103), releases: { air: '0.4', water: '0.0', soil: '0.0', landfill: '0.0' } },
      { ...zeroSheet(452), transfers: { sewer: '12', sewagePlantName: '森ヶ崎水再生センター', offsite: '0.0' } },
    ],
  };
}
