import { Account } from './account.entity';

export { Account };
export const LEDGER_ENTITIES = [Account];
