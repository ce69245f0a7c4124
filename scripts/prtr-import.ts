// npm run prtr:import -- --substances <file> [--effective-from <fiscal year>] --industries <file>
// Loads the PRTR master data (formats of shared/data) into DATABASE_URL, or into the embedded
// database in DATA_DIR when it is unset (stop the registry first: one process per data folder).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importMasterData, MasterDataError } from '../src/modules/prtr/master/import';
import { withDatabase } from './with-database';

const { values } = parseArgs({
  options: {
    substances: { type: 'string' },
    industries: { type: 'string' },
    'effective-from': { type: 'string' },
  },
});
if (!values.substances && !values.industries) {
  console.error('usage: npm run prtr:import -- --substances ../shared/data/prtr-substances.json --industries ../shared/data/prtr-industries.json [--effective-from 2023]');
  process.exit(64);
}
const readJson = (file: string) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    process.exit(66);
  }
};

void withDatabase(async (db) => {
  // the embedded database migrates itself at every start; do the same here so a fresh data folder works
  if (!process.env.DATABASE_URL) await db.runMigrations({ transaction: 'each' });
  else if (await db.showMigrations()) {
    console.error('the database has pending migrations: run `npm run migration:run` first');
    return 69;
  }
  try {
    const summary = await importMasterData(db, {
      substances: values.substances ? readJson(values.substances) : undefined,
      industries: values.industries ? readJson(values.industries) : undefined,
      effectiveFromFy: values['effective-from'] ? Number(values['effective-from']) : undefined,
    });
    if (summary.industries) console.log(`industries: ${summary.industries.industries} codes, ${summary.industries.ministers} ministers`);
    if (summary.substances) {
      const s = summary.substances;
      console.log(`substances in force from FY${s.effectiveFromFy}: Class I ${s.classI} (Specified ${s.specified}), Class II ${s.classII}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof MasterDataError) {
      console.error(error.message);
      return 65;
    }
    throw error;
  }
});
