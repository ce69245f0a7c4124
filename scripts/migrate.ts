// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded database
// in DATA_DIR when DATABASE_URL is unset. Prints what it applied.
import { withDatabase } from './with-database';

void withDatabase(async (db) => {
  const applied = await db.runMigrations({ transaction: 'each' });
  if (!applied.length) console.log('migrations: nothing to apply');
  for (const m of applied) console.log(`migrations: applied ${m.name}`);
});
