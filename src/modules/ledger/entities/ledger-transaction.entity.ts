import Decimal from 'decimal.js';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Account } from './account.entity';

export const TRANSACTION_TYPES = ['issuance', 'transfer', 'retirement', 'cancellation', 'offset', 'correction', 'expiry'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** A completed movement of JAA between two accounts. Append-only; written by the ledger functions (ledger_post_batch / ledger_post). */
@Entity('ledger_transactions')
@Index('uq_ledger_transactions_idempotency', ['initiatorId', 'idempotencyKey'], { unique: true, where: '"idempotency_key" IS NOT NULL' })
@Index('uq_ledger_transactions_issuance_phase', ['toAccountId', 'phase'], { unique: true, where: `"type" = 'issuance'` })
@Index('ix_ledger_transactions_retirement_phase', ['fromAccountId', 'phase', 'createdAt'], { where: `"type" = 'retirement'` })
@Check('ck_ledger_transactions_type', `"type" IN ('issuance','transfer','retirement','cancellation','offset','correction','expiry')`)
@Check('ck_ledger_transactions_quantity', `"quantity" > 0 AND "quantity" = trunc("quantity")`)
@Check('ck_ledger_transactions_accounts', `"from_account_id" <> "to_account_id"`)
@Check('ck_ledger_transactions_reason', `"type" <> 'correction' OR "reason" IS NOT NULL`)
export class LedgerTransaction {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_ledger_transactions' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  type: TransactionType;

  @Column({ type: 'varchar', length: 16, default: 'completed' })
  status: 'completed';

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_account_id', foreignKeyConstraintName: 'fk_ledger_transactions_from' })
  fromAccount?: Account;
  @Column({ name: 'from_account_id', type: 'uuid' })
  fromAccountId: string;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_account_id', foreignKeyConstraintName: 'fk_ledger_transactions_to' })
  toAccount?: Account;
  @Column({ name: 'to_account_id', type: 'uuid' })
  toAccountId: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: decimalTransformer })
  quantity: Decimal;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'initiator_id', foreignKeyConstraintName: 'fk_ledger_transactions_initiator' })
  initiator?: unknown;
  @Column({ name: 'initiator_id', type: 'uuid' })
  initiatorId: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128, nullable: true })
  idempotencyKey: string | null;

  /** The vintage code: issued (issuance), counted toward (retirement), expired (expiry). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  phase: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  /** The serial ranges moved ([{vintage, from, to, banked}]); NULL for postings made before vintages existed. */
  @Column({ type: 'jsonb', nullable: true })
  serials: { vintage: string; from: string; to: string; banked: boolean }[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
