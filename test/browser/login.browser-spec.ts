import type { Response } from 'playwright-core';
import '../../src/core/auth/auth-errors';
import { errorSpec } from '../../src/core/errors/domain-error';
import { BOOTSTRAP_LOGIN, BOOTSTRAP_PASSWORD, createTestApp, type TestApp } from '../support/app';
import { openBrowser, until, type BrowserSession } from '../support/browser';
import { approvedHolder, secretariatToken } from '../factories/identity';

jest.setTimeout(120_000);

/** The server's texts for an error code (core/auth/auth-errors.ts). */
const message = (code: string) => errorSpec(code)!;

// The page's own globals, read in the browser (the tests compile without the DOM types).
const htmlLang = "document.documentElement.lang";

/** The unlock time as the screen must show it: Japan time, whatever the machine's zone. */
const jst = (iso: string) =>
  new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('login screen in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
    b = await openBrowser(t, 'login');
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows the Japanese login screen at /, logs the secretariat in, switches to English and logs out', async () => {
    const { page } = b;
    await page.goto('/');
    await page.waitForURL('**/login');
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    expect(await page.title()).toBe('ASSETシステム');
    expect(await page.locator('header').innerText()).toContain('ASSETシステム');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('ログイン');
    // the fields are reachable by their labels (accessible names)
    await page.getByLabel('ログインID').waitFor();
    await page.getByLabel('パスワード').waitFor();
    await b.screenshot('login-ja');

    // nothing typed: each field says what is missing, beside it, and no request is sent
    let requests = 0;
    page.on('request', (r) => void (r.url().includes('/api/v1/auth/login') && requests++));
    await page.getByRole('button', { name: 'ログイン' }).click();
    expect(await page.locator('#loginId-error').innerText()).toBe('ログインIDを入力してください。');
    expect(await page.locator('#password-error').innerText()).toBe('パスワードを入力してください。');
    expect(await page.getByLabel('ログインID').getAttribute('aria-invalid')).toBe('true');
    expect(requests).toBe(0);
    await b.screenshot('login-ja-empty');

    // a wrong password: the server's Japanese message
    await page.getByLabel('ログインID').fill(BOOTSTRAP_LOGIN);
    await page.getByLabel('パスワード').fill('wrong-password');
    const [wrong] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
      page.getByRole('button', { name: 'ログイン' }).click(),
    ]);
    expect(wrong.status()).toBe(401);
    expect(wrong.request().headers()['accept-language']).toBe('ja');
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain(message('INVALID_CREDENTIALS').ja);
    expect(await page.getByLabel('パスワード').inputValue()).toBe(''); // cleared for the next try
    await b.screenshot('login-ja-wrong-password');

    // the right password, submitted with the keyboard
    await page.getByLabel('パスワード').fill(BOOTSTRAP_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('who').waitFor();
    const who = await page.getByTestId('who').innerText();
    expect(who).toContain(BOOTSTRAP_LOGIN);
    expect(who).toContain('事務局');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('ホーム');
    // the token lives in memory only
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage, ...sessionStorage })');
    expect(stored).not.toMatch(/eyJ/);
    await b.screenshot('home-ja');

    // English: labels, the lang attribute and the title follow; the choice is kept
    await page.getByRole('button', { name: 'English' }).click();
    await until(page, `${htmlLang} === "en"`);
    expect(await page.title()).toBe('ASSET registry');
    expect(await page.locator('header').innerText()).toContain('ASSET registry');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Home');
    expect(await page.getByTestId('who').innerText()).toContain('Secretariat');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate<string | null>("localStorage.getItem('asset.language')")).toBe('en');
    await b.screenshot('home-en');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Log in');
    // logged out for good: / sends back to the login screen
    await page.goto('/');
    await page.waitForURL('**/login');
    expect(await page.getAttribute('html', 'lang')).toBe('en'); // the choice survived the reload

    // English errors come from the server in English
    await page.getByLabel('Login ID').fill(BOOTSTRAP_LOGIN);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain(message('INVALID_CREDENTIALS').en);
    await b.screenshot('login-en-wrong-password');

    await page.getByRole('button', { name: '日本語' }).click();
    await until(page, `${htmlLang} === "ja"`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('ログイン');
  });

  it('a locked login shows the lock and its unlock time in Japan time', async () => {
    const { page } = b;
    const holder = await approvedHolder(t, await secretariatToken(t));
    for (let i = 0; i < 3; i++) {
      await t.http().post('/api/v1/auth/login').send({ loginId: holder.a.loginId, password: `wrong-${i}` });
    }
    await page.goto('/login');
    await page.getByLabel('ログインID').fill(holder.a.loginId);
    await page.getByLabel('パスワード').fill(holder.a.initialPassword); // even the right one: locked
    const [res] = await Promise.all([
      page.waitForResponse((r: Response) => r.url().endsWith('/api/v1/auth/login')),
      page.getByRole('button', { name: 'ログイン' }).click(),
    ]);
    expect(res.status()).toBe(423);
    const body = await res.json();
    expect(body.code).toBe('LOGIN_LOCKED');
    await page.getByTestId('unlocks-at').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain(message('LOGIN_LOCKED').ja);
    expect(await page.getByTestId('unlocks-at').innerText()).toBe(`ロック解除予定：${jst(body.details.unlocksAt)}（日本時間）`);
    // the error takes the focus, so a screen reader reads it out
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('login-error');
    await b.screenshot('login-ja-locked');
  });

  it('a first login with the initial password lands on a home page that asks for the password change', async () => {
    const { page } = b;
    const holder = await approvedHolder(t, await secretariatToken(t));
    await page.goto('/login');
    await page.getByLabel('ログインID').fill(holder.a.loginId);
    await page.getByLabel('パスワード').fill(holder.a.initialPassword);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').innerText()).toContain('目標保有者（ログインA）');
    expect(await page.locator('main').innerText()).toContain('初期パスワードの変更が必要です。');
    await b.screenshot('home-ja-first-login');
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.waitForURL('**/login');
  });

  it('an unknown page of the app says so; unknown API paths stay JSON', async () => {
    const { page } = b;
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(200); // the history fallback: the app answers, and knows no such page
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('ページが見つかりません');
    await b.screenshot('not-found-ja');
    const api = await page.goto('/api/v1/no/such/route');
    expect(api?.status()).toBe(404);
    expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.goto('/login');
      await page.getByRole('button', { name: 'ログイン' }).click(); // with the field errors showing
      await page.locator('#loginId-error').waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBe(0);
      await b.screenshot('login-ja-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
