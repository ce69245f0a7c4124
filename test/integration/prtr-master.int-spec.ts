import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importMasterData, MasterDataError } from '../../src/modules/prtr/master/import';
import { FIXTURE_INDUSTRIES, FIXTURE_SUBSTANCES } from '../factories/prtr';
import { createTestDatabase, type TestDatabase } from '../support/database';

const ROOT = resolve(__dirname, '../..');
/** The reference data beside the checkout (../shared/data), else PRTR_REFERENCE_DATA or the workplace's copy. */
const SHARED = [resolve(ROOT, '../shared/data'), process.env.PRTR_REFERENCE_DATA, '/work/shared/data']
  .filter((d): d is string => Boolean(d))
  .find((d) => existsSync(join(d, 'prtr-substances.json')));

/** The import command as an operator runs it (the compiled script; `npm test` builds first). */
function runImport(url: string, args: string[]) {
  return spawnSync(process.execPath, ['dist/scripts/prtr-import.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
    encoding: 'utf8',
  });
}

describe('PRTR master data import', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const counts = () =>
    db.dataSource.query(
      `SELECT class, count(*)::int AS n, count(*) FILTER (WHERE specified)::int AS specified FROM prtr_substances GROUP BY class ORDER BY class`,
    );

  it('imports the full lists of shared/data with the command: 515 Class I (23 Specified), 134 Class II, 57 industries', async () => {
    // the rule: this test runs the full lists when the folder is there; the fixture tests below need nothing from it
    if (!SHARED) {
      // in CI the folder is there (issue 7): its absence there is a failure, not a pass
      if (process.env.CI === 'true') throw new Error('shared/data not found beside the checkout (../shared/data) nor at PRTR_REFERENCE_DATA');
      process.stdout.write('prtr-master: no shared/data folder found; the full-list import was not run\n');
      return;
    }
    const run = runImport(db.url, ['--substances', join(SHARED, 'prtr-substances.json'), '--industries', join(SHARED, 'prtr-industries.json')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Class I 515 (Specified 23), Class II 134');
    expect(await counts()).toEqual([
      { class: 'I', n: 515, specified: 23 },
      { class: 'II', n: 134, specified: 0 },
    ]);
    const [dioxins] = await db.dataSource.query(`SELECT number, unit FROM prtr_substances WHERE unit = 'mg-TEQ'`);
    expect(dioxins).toEqual({ number: 278, unit: 'mg-TEQ' });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM prtr_industries`);
    expect(n).toBe(57);
  });

  it('the command migrates a fresh embedded data folder first, and refuses a PostgreSQL with pending migrations', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prtr-embedded-'));
    const dir = mkdtempSync(join(tmpdir(), 'prtr-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(FIXTURE_SUBSTANCES));
    const { DATABASE_URL: _omit, ...env } = process.env; // eslint-disable-line @typescript-eslint/no-unused-vars
    const embedded = spawnSync(process.execPath, ['dist/scripts/prtr-import.js', '--substances', join(dir, 's.json')], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: dataDir, NODE_ENV: 'test' },
      encoding: 'utf8',
    });
    expect(embedded.stderr).toBe('');
    expect(embedded.stdout).toContain('Class I 6 (Specified 3), Class II 1');
    expect(embedded.status).toBe(0);

    const bare = await createTestDatabase({ migrate: false });
    try {
      const refused = runImport(bare.url, ['--substances', join(dir, 's.json')]);
      expect(refused.status).toBe(69);
      expect(refused.stderr).toContain('npm run migration:run');
    } finally {
      await bare.drop();
    }
  }, 60_000);

  it('re-importing the same year replaces that list; a broken file writes nothing and says what is wrong', async () => {
    await importMasterData(db.dataSource, { substances: FIXTURE_SUBSTANCES, industries: FIXTURE_INDUSTRIES, effectiveFromFy: 2030 });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM prtr_substances WHERE list_fy = 2030`);
    expect(n).toBe(7);
    await importMasterData(db.dataSource, { substances: { ...FIXTURE_SUBSTANCES, classI: FIXTURE_SUBSTANCES.classI.slice(0, 2) }, effectiveFromFy: 2030 });
    const [{ m }] = await db.dataSource.query(`SELECT count(*)::int AS m FROM prtr_substances WHERE list_fy = 2030`);
    expect(m).toBe(3);

    const broken = { classI: [{ number: 1, name: 'A', specified: false }, { number: 1, name: '', specified: 'yes' }] };
    await expect(importMasterData(db.dataSource, { substances: broken, effectiveFromFy: 2031 })).rejects.toThrow(MasterDataError);
    const [{ k }] = await db.dataSource.query(`SELECT count(*)::int AS k FROM prtr_substance_lists WHERE effective_from_fy = 2031`);
    expect(k).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'prtr-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(broken));
    const run = runImport(db.url, ['--substances', join(dir, 'bad.json'), '--effective-from', '2031']);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain('classI[1].number: 1 appears twice');
    const noYear = runImport(db.url, ['--substances', join(dir, 'bad.json')]);
    expect(noYear.status).not.toBe(0);
  });
});
