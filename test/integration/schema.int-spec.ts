import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_MIGRATIONS } from '../../migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('schema: migrations and entities', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lists every migration file in migrations/index.ts, in timestamp order, named <unix-ms>-VerbNoun', () => {
    const files = readdirSync(join(__dirname, '../../migrations'))
      .filter((f) => f !== 'index.ts' && f.endsWith('.ts'))
      .sort();
    for (const f of files) expect(f).toMatch(/^\d{13}-[A-Z][A-Za-z0-9]+\.ts$/);
    const listed = ALL_MIGRATIONS.map((m) => {
      const match = /^([A-Za-z0-9]+?)(\d{13})$/.exec(m.name)!;
      return `${match[2]}-${match[1]}.ts`;
    });
    expect(listed).toEqual(files);
  });

  it('entities and migrations agree (what `migration:generate --check` would find is nothing)', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    for (let i = 0; i < ALL_MIGRATIONS.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
    );
    expect(tables).toEqual([]);
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect((await db.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });

  it('keeps the login attempts append-only', async () => {
    const q = db.dataSource;
    await q.query(`INSERT INTO login_attempts (attempted_login_id, outcome) VALUES ('someone', 'invalid_credentials')`);
    await expect(q.query(`UPDATE login_attempts SET outcome = 'success'`)).rejects.toThrow(/append-only/);
    await expect(q.query(`DELETE FROM login_attempts`)).rejects.toThrow(/append-only/);
    await expect(q.query(`TRUNCATE login_attempts`)).rejects.toThrow(/append-only/);
    const [{ count }] = await q.query(`SELECT count(*)::int AS count FROM login_attempts`);
    expect(count).toBe(1);
  });

  it('guards login invariants with named constraints', async () => {
    const q = db.dataSource;
    await expect(
      q.query(`INSERT INTO logins (login_id, role, display_name, password_hash) VALUES ('x', 'emperor', 'x', 'h')`),
    ).rejects.toThrow(/ck_logins_role/);
    await q.query(`INSERT INTO logins (login_id, role, display_name, password_hash) VALUES ('dup', 'secretariat', 'x', 'h')`);
    await expect(
      q.query(`INSERT INTO logins (login_id, role, display_name, password_hash) VALUES ('dup', 'secretariat', 'y', 'h')`),
    ).rejects.toThrow(/uq_logins_login_id/);
  });
});
