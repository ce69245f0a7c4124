// What the browser tests need from the system: Debian's Chromium (Playwright cannot download a
// browser here) and a CJK font (without one Japanese renders as boxes). Installed with apt-get
// when missing and we are root, as pg-cluster.cjs does for PostgreSQL.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

function hasCjkFont() {
  try {
    return execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' }).includes('Noto Sans CJK');
  } catch {
    return false; // no fontconfig at all
  }
}

function ensureBrowserDeps(log = console.error) {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!hasCjkFont()) missing.push('fonts-noto-cjk');
  if (missing.length === 0) return CHROMIUM;
  if (!(typeof process.getuid === 'function' && process.getuid() === 0)) {
    throw new Error(`the browser tests need ${missing.join(' and ')}: apt-get install ${missing.join(' ')}`);
  }
  log(`[browser] installing ${missing.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  return CHROMIUM;
}

module.exports = { ensureBrowserDeps, CHROMIUM };
