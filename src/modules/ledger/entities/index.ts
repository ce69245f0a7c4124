import { AccountVintage } from './account-vintage.entity';
import { Account } from './account.entity';
import { IdempotencyRecord } from './idempotency-record.entity';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerTransaction } from './ledger-transaction.entity';
import { UnitBlock } from './unit-block.entity';
import { Vintage } from './vintage.entity';

export { Account, AccountVintage, IdempotencyRecord, LedgerEntry, LedgerTransaction, UnitBlock, Vintage };
export const LEDGER_ENTITIES = [Account, LedgerTransaction, LedgerEntry, IdempotencyRecord, Vintage, AccountVintage, UnitBlock];
