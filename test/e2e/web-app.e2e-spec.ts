import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { findWebDist, webAppMiddleware } from '../../src/core/http/web-app';
import { createTestApp, type TestApp } from '../support/app';

describe('the browser app at / (served by the Nest app)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // the test command builds web/dist first (scripts/build-web.mjs)
    expect(findWebDist()).not.toBeNull();
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it.each(['/', '/login', '/some/deep/page?x=1'])('GET %s answers the app page (history fallback)', async (url) => {
    const res = await t.http().get(url).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves the hashed assets with a long cache, and a missing asset is a 404 (not the page)', async () => {
    const page = await t.http().get('/').expect(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const js = await t.http().get(script!).expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.http().get('/assets/no-such-file.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<div id="root">');
  });

  it('leaves /api, /health and the docs alone', async () => {
    const unknown = await t.http().get('/api/v1/no-such-thing').expect(404);
    expect(unknown.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect((await t.http().get('/api/v1/').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.http().get('/health').expect(200)).body.status).toBe('ok');
    expect((await t.http().get('/api/openapi.json').expect(200)).body.openapi).toMatch(/^3\./);
    expect((await t.http().get('/api/docs/').expect(200)).text).toContain('swagger');
    expect((await t.http().get('/health/extra')).text).not.toContain('<div id="root">');
    expect((await t.http().get('/api/other')).text).not.toContain('<div id="root">');
  });

  it('answers only GET and HEAD with the page', async () => {
    await t.http().head('/login').expect(200);
    const post = await t.http().post('/login').send({});
    expect(post.status).toBe(404);
    expect(post.text).not.toContain('<div id="root">');
  });
});

describe('webAppMiddleware on a folder of its own', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<p>page</p>');
    writeFileSync(path.join(dir, 'assets', 'a.css'), 'p{}');
    writeFileSync(path.join(dir, '.hidden'), 'secret');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const app = () => {
    const a = express();
    for (const h of webAppMiddleware(dir)) a.use(h);
    a.use((_req, res) => void res.status(404).send('next'));
    return a;
  };

  it('falls through for server paths, dot files and missing files', async () => {
    expect((await request(app()).get('/x/y')).text).toBe('<p>page</p>');
    expect((await request(app()).get('/assets/a.css')).text).toBe('p{}');
    for (const url of ['/api/v1/x', '/api', '/health', '/health/x', '/.hidden', '/missing.png']) {
      const res = await request(app()).get(url);
      expect([url, res.status, res.text]).toEqual([url, 404, 'next']);
    }
  });
});
