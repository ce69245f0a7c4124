import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findWebDist, isServerPath } from './web-app';

describe('findWebDist', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'find-web-dist-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds web/dist from src/core/http (tests) and from dist/src/core/http (npm start)', () => {
    mkdirSync(path.join(root, 'web/dist'), { recursive: true });
    expect(findWebDist(path.join(root, 'src/core/http'))).toBeNull(); // no index.html: not built
    writeFileSync(path.join(root, 'web/dist/index.html'), '<p>');
    expect(findWebDist(path.join(root, 'src/core/http'))).toBe(path.join(root, 'web/dist'));
    expect(findWebDist(path.join(root, 'dist/src/core/http'))).toBe(path.join(root, 'web/dist'));
  });
});

describe('isServerPath', () => {
  it.each([
    ['/api', true],
    ['/api/', true],
    ['/api/v1/auth/login', true],
    ['/api/docs', true],
    ['/health', true],
    ['/health/x', true],
    ['/', false],
    ['/login', false],
    ['/apis', false],
    ['/healthy', false],
  ])('%s -> %s', (p, expected) => expect(isServerPath(p)).toBe(expected));
});
