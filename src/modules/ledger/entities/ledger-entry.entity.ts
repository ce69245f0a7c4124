import Decimal from 'decimal.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Account } from './account.entity';
import { LedgerTransaction } from './ledger-transaction.entity';

/**
 * One side of a transaction: the signed amount, the account's balance after it, and the account's
 * hash chain (sha256 of the previous hash and this entry's content). Append-only.
 */
@Entity('ledger_entries')
@Index('uq_ledger_entries_account_seq', ['accountId', 'seq'], { unique: true })
@Index('ix_ledger_entries_transaction', ['transactionId'])
@Check('ck_ledger_entries_amount', `"amount" <> 0 AND "amount" = trunc("amount")`)
@Check('ck_ledger_entries_seq', `"seq" >= 1`)
export class LedgerEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_ledger_entries' })
  id: string;

  @ManyToOne(() => LedgerTransaction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'transaction_id', foreignKeyConstraintName: 'fk_ledger_entries_transaction' })
  transaction?: LedgerTransaction;
  @Column({ name: 'transaction_id', type: 'uuid' })
  transactionId: string;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_ledger_entries_account' })
  account?: Account;
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  /** Position in the account's chain, 1, 2, 3… */
  @Column({ type: 'bigint' })
  seq: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: decimalTransformer })
  amount: Decimal;

  @Column({ name: 'balance_after', type: 'numeric', precision: 20, scale: 0, transformer: decimalTransformer })
  balanceAfter: Decimal;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64, nullable: true })
  prevHash: string | null;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
