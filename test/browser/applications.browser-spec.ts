import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { errorSpec } from '../../src/core/errors/domain-error';
import { createTestApp, type TestApp } from '../support/app';
import { openBrowser, until, type BrowserSession } from '../support/browser';
import { auth, secretariatToken } from '../factories/identity';

jest.setTimeout(180_000);

const uniq = () => randomBytes(3).toString('hex');
const activeTestId = "document.activeElement?.getAttribute('data-testid') ?? null";
const activeId = "document.activeElement?.id ?? null";
const overflow = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

/** A field by its accessible name: its label and the 必須 / 任意 mark beside it. */
const field = (page: Page, label: string, optional = false) => page.getByLabel(`${label} ${optional ? '任意' : '必須'}`, { exact: true });
const choice = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** What a user types into the registration form, and the body the API must then hold. */
function registration(u: string) {
  const representative = `ABCリース株式会社${u}`;
  const co = `株式会社アセット不動産${u}`;
  return {
    body: {
      representative: { name: representative, nameKana: 'えーびーしーりーすかぶしきがいしゃ', representativeName: '先進花子', representativeNameKana: 'せんしんはなこ' },
      coBusinesses: [{ name: co, nameKana: 'かぶしきがいしゃあせっとふどうさん' }],
      contact: {
        company: co,
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
      accountName: `株式会社アセット不動産　アセット第一ビル${u}`,
      inTokyoOrSaitamaScheme: false,
      disclosureConsent: true,
    },
  };
}
type Registration = ReturnType<typeof registration>['body'];

/** Fills the registration form as a user would, the contact's company chosen from the co-businesses. */
async function fillRegistration(page: Page, body: Registration, typos: { nameKana?: string; postalCode?: string; emailA?: string } = {}) {
  await field(page, '代表事業者法人名').fill(body.representative.name);
  await field(page, '代表事業者法人名（ひらがな）').fill(typos.nameKana ?? body.representative.nameKana);
  await field(page, '代表事業者代表者氏名').fill(body.representative.representativeName);
  await field(page, '代表事業者代表者氏名（ひらがな）').fill(body.representative.representativeNameKana);
  await page.getByRole('button', { name: '共同事業者を追加' }).click();
  // the new row takes the focus
  await until(page, `${activeId} === "f-coBusinesses-0-name"`);
  await field(page, '共同事業者法人名①').fill(body.coBusinesses[0].name);
  await field(page, '共同事業者法人名①（ひらがな）').fill(body.coBusinesses[0].nameKana);
  await field(page, '担当者法人名').selectOption({ label: `${body.contact.company}（共同事業者①）` });
  await field(page, '担当者部署').fill(body.contact.department);
  await field(page, '担当者役職').fill(body.contact.title);
  await field(page, '担当者氏名').fill(body.contact.name);
  await field(page, '担当者氏名（ひらがな）').fill(body.contact.nameKana);
  await field(page, '担当者郵便番号').fill(typos.postalCode ?? body.contact.postalCode);
  await field(page, '担当者住所').fill(body.contact.address);
  await field(page, '担当者電話番号').fill(body.contact.phone);
  await field(page, '担当者FAX番号', true).fill(body.contact.fax);
  await field(page, '担当者メールアドレス（メールアドレスA）').fill(typos.emailA ?? body.contact.emailA);
  await field(page, 'メールアドレスB（目標保有者B用）', true).fill(body.contact.emailB);
  await field(page, '事業所名').fill(body.facility.name);
  await field(page, '事業所名（ひらがな）').fill(body.facility.nameKana);
  await field(page, '事業所住所').fill(body.facility.address);
  await choice(page, '事業場').check();
  await choice(page, '単独参加').check();
  await field(page, '口座名').fill(body.accountName);
  await choice(page, '無').check();
  await choice(page, '上記の担当者情報を他の参加者（目標保有者、取引参加者）へ公開することに同意する').check();
}

describe('public application screens in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let sec: string;

  beforeAll(async () => {
    t = await createTestApp();
    b = await openBrowser(t, 'applications');
    sec = await secretariatToken(t);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('registration: from the login screen, client-side errors, confirmation, the application number, stored as typed', async () => {
    const { page } = b;
    const { body } = registration(uniq());
    await page.goto('/login');
    await page.getByRole('main').getByRole('link', { name: '登録申請', exact: true }).click();
    await page.waitForURL('**/apply/registration');
    await page.getByRole('heading', { level: 1, name: 'ASSETシステム登録申請' }).waitFor();
    // the header's menu marks where we are
    expect(await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '登録申請', exact: true }).getAttribute('aria-current')).toBe('page');
    // no company typed yet: nothing to choose the contact's company from
    expect(await field(page, '担当者法人名').locator('option').count()).toBe(1);
    await b.screenshot('registration-ja-empty');

    // nothing typed: every required field says so, the summary takes the focus, nothing is sent
    let posts = 0;
    page.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/api/v1/registration-applications') && posts++));
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await until(page, `${activeTestId} === "error-summary"`);
    expect(await page.getByTestId('error-summary').innerText()).toContain('入力内容に誤りがあります（20件）');
    expect(await page.locator('#f-representative-name-error').innerText()).toBe('代表事業者法人名を入力してください。');
    expect(await page.locator('#f-facility-type-error').innerText()).toBe('事業所種別（工場/事業場）を選択してください。');
    expect(await field(page, '代表事業者法人名').getAttribute('aria-describedby')).toBe('f-representative-name-error');
    expect(await field(page, '担当者FAX番号', true).getAttribute('aria-invalid')).toBeNull(); // optional
    await b.screenshot('registration-ja-required');
    // a summary link moves to its field
    await page.getByTestId('error-summary').getByRole('link', { name: '代表事業者法人名を入力してください。' }).click();
    expect(await page.evaluate(activeId)).toBe('f-representative-name');

    // a katakana reading and a postal code without its hyphen
    await fillRegistration(page, body, { nameKana: 'エービーシーリースカブシキガイシャ', postalCode: '1234567' });
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await until(page, `${activeTestId} === "error-summary"`);
    expect(await page.getByTestId('error-summary').innerText()).toContain('入力内容に誤りがあります（2件）');
    expect(await page.locator('#f-representative-nameKana-error').innerText()).toBe('代表事業者法人名（ひらがな）はひらがなで入力してください。');
    expect(await page.locator('#f-contact-postalCode-error').innerText()).toBe('担当者郵便番号は「123-4567」の形式（半角数字3桁-4桁）で入力してください。');
    expect(await field(page, '担当者郵便番号').getAttribute('aria-describedby')).toBe('f-contact-postalCode-hint f-contact-postalCode-error');
    expect(posts).toBe(0);
    await b.screenshot('registration-ja-kana-and-postal-errors');

    // fixed: the errors go as they are corrected
    await field(page, '代表事業者法人名（ひらがな）').fill(body.representative.nameKana);
    await field(page, '担当者郵便番号').fill(body.contact.postalCode);
    expect(await page.locator('#f-representative-nameKana-error').count()).toBe(0);
    expect(await page.getByTestId('error-summary').count()).toBe(0);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();

    // the confirmation: every value read-only, the focus on its heading
    await page.locator('[data-step="confirm"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('ASSETシステム登録申請（入力内容の確認）');
    await until(page, `${activeId} === "application-title"`);
    expect(await page.locator('main input, main select').count()).toBe(0);
    const shown = (name: string) => page.locator(`dd[data-field="${name}"]`).innerText();
    expect(await shown('representative.nameKana')).toBe(body.representative.nameKana);
    expect(await shown('coBusinesses.0.name')).toBe(body.coBusinesses[0].name);
    expect(await shown('contact.company')).toBe(`${body.contact.company}（共同事業者①）`);
    expect(await shown('contact.postalCode')).toBe('123-4567');
    expect(await shown('facility.type')).toBe('事業場');
    expect(await shown('participationForm')).toBe('単独参加');
    expect(await shown('inTokyoOrSaitamaScheme')).toBe('無');
    expect(await shown('disclosureConsent')).toBe('同意する');
    await b.screenshot('registration-ja-confirm');

    // back keeps every value; forward again
    await page.getByRole('button', { name: '戻る' }).click();
    expect(await field(page, '共同事業者法人名①').inputValue()).toBe(body.coBusinesses[0].name);
    expect(await field(page, '担当者法人名').locator('option:checked').innerText()).toBe(`${body.contact.company}（共同事業者①）`);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();

    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/registration-applications')),
      page.getByRole('button', { name: '送信' }).click(),
    ]);
    expect(res.status()).toBe(201);
    expect(res.request().headers()['accept-language']).toBe('ja');
    const { id } = await res.json();
    await page.getByTestId('application-number').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('申請を受け付けました');
    expect(await page.getByTestId('application-number').innerText()).toBe(id);
    expect(await page.locator('main').innerText()).toContain('今後の流れ');
    expect(posts).toBe(1);
    await b.screenshot('registration-ja-done');

    // the secretariat sees the application with the values typed
    const detail = await t.http().get(`/api/v1/registration-applications/${id}`).set(auth(sec)).expect(200);
    expect(detail.body).toMatchObject({ id, kind: 'registration', status: 'submitted' });
    expect(detail.body.body).toEqual(body);
  });

  it('registration: a refusal only the server makes is shown beside its field, with the server message at the top', async () => {
    const { page } = b;
    const { body } = registration(uniq());
    await page.goto('/apply/registration');
    // an address without a domain: the form checks only the shape, the server refuses it
    await fillRegistration(page, body, { emailA: `taro${uniq()}@localhost` });
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await page.locator('[data-step="confirm"]').waitFor();
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/registration-applications')),
      page.getByRole('button', { name: '送信' }).click(),
    ]);
    expect(res.status()).toBe(400);
    expect((await res.json()).details.fields.map((f: { field: string }) => f.field)).toEqual(['contact.emailA']);
    // back on the form: the server's message at the top, its problem beside the field, focus on the summary
    await until(page, `${activeTestId} === "error-summary"`);
    const summary = await page.getByTestId('error-summary').innerText();
    expect(summary).toContain(errorSpec('VALIDATION_FAILED')!.ja);
    expect(summary).toContain('担当者メールアドレス（メールアドレスA）');
    expect(await page.locator('#f-contact-emailA-error').innerText()).toBe('担当者メールアドレス（メールアドレスA）はメールアドレスの形式で入力してください。');
    expect(await field(page, '担当者メールアドレス（メールアドレスA）').getAttribute('aria-invalid')).toBe('true');
    await b.screenshot('registration-ja-server-refusal');

    // corrected, it goes through
    await field(page, '担当者メールアドレス（メールアドレスA）').fill(body.contact.emailA);
    expect(await page.locator('#f-contact-emailA-error').count()).toBe(0);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await page.getByRole('button', { name: '送信' }).click();
    await page.getByTestId('application-number').waitFor();
    const id = await page.getByTestId('application-number').innerText();
    const detail = await t.http().get(`/api/v1/registration-applications/${id}`).set(auth(sec)).expect(200);
    expect(detail.body.body).toEqual(body);
  });

  it('registration: a refusal without fields (intercepted) stays on the confirmation with the server message; removing a co-business drops it from the choices', async () => {
    const { page } = b;
    const { body } = registration(uniq());
    await page.goto('/apply/registration');
    await fillRegistration(page, body);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await page.locator('[data-step="confirm"]').waitFor();
    const limited = { code: 'RATE_LIMITED', message: '短時間に多くの申請がありました。しばらくしてから再度お試しください。', details: {}, requestId: 'test' };
    await page.route('**/api/v1/registration-applications', (route) => route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify(limited) }));
    try {
      await page.getByRole('button', { name: '送信' }).click();
      await until(page, `${activeTestId} === "send-error"`);
      expect(await page.getByTestId('send-error').innerText()).toContain(limited.message);
      expect(await page.getByRole('button', { name: '送信' }).isEnabled()).toBe(true);
      await b.screenshot('registration-ja-send-failed');
    } finally {
      await page.unroute('**/api/v1/registration-applications');
    }
    // back: the co-business removed, the contact's company must be chosen again
    await page.getByRole('button', { name: '戻る' }).click();
    await page.getByRole('button', { name: '共同事業者①を削除' }).click();
    expect(await field(page, '共同事業者法人名①').count()).toBe(0);
    expect(await field(page, '担当者法人名').inputValue()).toBe('');
    expect(await field(page, '担当者法人名').locator('option').allInnerTexts()).toEqual(['選択してください', `${body.representative.name}（代表事業者）`]);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    expect(await page.locator('#f-contact-company-error').innerText()).toBe('担当者法人名を選択してください。');

    // at most 50 co-businesses (the API's limit): then the button gives way to a note
    for (let i = 0; i < 50; i++) await page.getByRole('button', { name: '共同事業者を追加' }).click();
    expect(await page.getByRole('button', { name: '共同事業者を追加' }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('共同事業者は50社まで登録できます。');
    expect(await field(page, '共同事業者法人名㊿').count()).toBe(1);
  });

  it('trading participant: from the header menu, by keyboard alone, confirmation, number, stored as typed', async () => {
    const { page } = b;
    const u = uniq();
    const body = {
      name: `株式会社カーボン商事${u}`,
      nameKana: 'かぶしきがいしゃかーぼんしょうじ',
      accountName: `カーボン商事　取引口座${u}`,
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
    };
    await page.goto('/login');
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '取引参加者の登録申請' }).click();
    await page.waitForURL('**/apply/trading-participant');
    await page.getByRole('heading', { level: 1, name: '取引参加者の登録申請' }).waitFor();
    await b.screenshot('trading-participant-ja-empty');

    // keyboard only: Tab through the fields in order, space ticks the consent, Enter submits
    await field(page, '法人名').focus();
    const typed = [body.name, 'トリヒキ', body.accountName, body.contact.department, body.contact.name, body.contact.nameKana, body.contact.postalCode, body.contact.address, body.contact.phone, body.contact.email];
    for (const [i, text] of typed.entries()) {
      if (i > 0) await page.keyboard.press('Tab');
      await page.keyboard.type(text);
    }
    await page.keyboard.press('Tab');
    expect(await page.evaluate(activeId)).toBe('f-disclosureConsent');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await until(page, `${activeTestId} === "error-summary"`);
    expect(await page.locator('#f-nameKana-error').innerText()).toBe('法人名（ひらがな）はひらがなで入力してください。');
    await b.screenshot('trading-participant-ja-kana-error');
    // from the summary's link to the field, fix it
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(activeId)).toBe('f-nameKana');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(body.nameKana);
    await page.keyboard.press('Enter'); // submits the form from a field
    await page.locator('[data-step="confirm"]').waitFor();
    expect(await page.locator('dd[data-field="nameKana"]').innerText()).toBe(body.nameKana);
    expect(await page.locator('dd[data-field="disclosureConsent"]').innerText()).toBe('同意する');
    await b.screenshot('trading-participant-ja-confirm');
    // from the heading: Tab to 戻る, Tab to 送信
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/trading-participant-applications')),
      page.keyboard.press('Enter'),
    ]);
    expect(res.status()).toBe(201);
    const { id } = await res.json();
    await page.getByTestId('application-number').waitFor();
    expect(await page.getByTestId('application-number').innerText()).toBe(id);
    await b.screenshot('trading-participant-ja-done');

    const detail = await t.http().get(`/api/v1/trading-participant-applications/${id}`).set(auth(sec)).expect(200);
    expect(detail.body).toMatchObject({ id, kind: 'trading_participant', status: 'submitted' });
    expect(detail.body.body).toEqual(body);
  });

  it('English, and a phone-width screen without sideways scrolling', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.goto('/apply/registration');
      await page.getByRole('button', { name: '共同事業者を追加' }).click();
      await page.getByRole('button', { name: '入力内容を確認する' }).click();
      await page.getByTestId('error-summary').waitFor();
      expect(await page.evaluate<number>(overflow)).toBe(0);
      await b.screenshot('registration-ja-phone-errors');

      await page.getByRole('button', { name: 'English' }).click();
      await until(page, 'document.documentElement.lang === "en"');
      await page.getByRole('heading', { level: 1, name: 'ASSET system registration application' }).waitFor();
      expect(await page.locator('#f-representative-nameKana-error').innerText()).toBe('Representative business’s name reading (hiragana) is required.');
      expect(await page.getByLabel('Representative business’s legal name Required', { exact: true }).count()).toBe(1);
      expect(await page.evaluate<number>(overflow)).toBe(0);
      await b.screenshot('registration-en-phone-errors');

      // the trading participant's confirmation and its completion, in English at phone width
      const u = uniq();
      await page.goto('/apply/trading-participant');
      const en = (label: string) => page.getByLabel(`${label} Required`, { exact: true });
      await en('Legal name').fill(`Carbon Trading KK ${u}`);
      await en('Name reading (hiragana)').fill('かーぼんとれーでぃんぐ');
      await en('Account name').fill(`Carbon trading account ${u}`);
      await en('Contact’s department').fill('Trading');
      await en('Contact’s name').fill('Ichiro Torihiki');
      await en('Contact’s name reading (hiragana)').fill('とりひきいちろう');
      await en('Contact’s postal code').fill('530-0001');
      await en('Contact’s address').fill('1-1 Kita-ku, Osaka');
      await en('Contact’s phone number').fill('06-1234-5678');
      await en('Contact’s e-mail address').fill(`trade${u}@example.co.jp`);
      await page.getByRole('button', { name: 'Review your entries' }).click();
      await page.locator('[data-step="confirm"]').waitFor();
      expect(await page.locator('dd[data-field="disclosureConsent"]').innerText()).toBe('Not agreed');
      expect(await page.evaluate<number>(overflow)).toBe(0);
      await b.screenshot('trading-participant-en-phone-confirm');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/trading-participant-applications')),
        page.getByRole('button', { name: 'Submit' }).click(),
      ]);
      expect(res.request().headers()['accept-language']).toBe('en');
      await page.getByRole('heading', { level: 1, name: 'Application received' }).waitFor();
      expect(await page.evaluate<number>(overflow)).toBe(0);
      await b.screenshot('trading-participant-en-phone-done');

      // the login screen's way in, in English
      await page.goto('/login');
      expect(await page.getByRole('main').getByRole('link', { name: 'Registration application' }).count()).toBe(1);
      await b.screenshot('login-en-phone-apply-links');
      await page.getByRole('button', { name: '日本語' }).click();
      await until(page, 'document.documentElement.lang === "ja"');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
