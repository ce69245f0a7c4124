import { Account } from './account.entity';
import { IdempotencyRecord } from './idempotency-record.entity';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerTransaction } from './ledger-transaction.entity';

export { Account, IdempotencyRecord, LedgerEntry, LedgerTransaction };
export const LEDGER_ENTITIES = [Account, LedgerTransaction, LedgerEntry, IdempotencyRecord];
