import Decimal from 'decimal.js';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An allowance account (口座). The identity module opens compliance and holding accounts through
 * LedgerService when it creates a target holder or trading participant; the ledger (balances,
 * entries) builds on this table.
 */
@Entity('accounts')
@Index('uq_accounts_account_number', ['accountNumber'], { unique: true })
@Index('uq_accounts_target_holder', ['targetHolderId'], { unique: true, where: '"target_holder_id" IS NOT NULL' })
@Index('uq_accounts_trading_participant', ['tradingParticipantId'], {
  unique: true,
  where: '"trading_participant_id" IS NOT NULL',
})
@Check('ck_accounts_type', `"type" IN ('issuance','compliance','holding','retirement','cancellation','offset')`)
@Check('ck_accounts_status', `"status" IN ('open','blocked','closed')`)
@Check('ck_accounts_number_format', `"account_number" ~ '^AST-[0-9]+$'`)
@Check('ck_accounts_balance_non_negative', `"type" = 'issuance' OR "balance" >= 0`)
@Check('ck_accounts_closed_empty', `"status" <> 'closed' OR "balance" = 0`)
@Check('ck_accounts_system_open', `"type" IN ('compliance','holding') OR "status" = 'open'`)
@Check('ck_accounts_whole_units', `"balance" = trunc("balance")`)
@Check(
  'ck_accounts_owner',
  `("type" = 'compliance') = ("target_holder_id" IS NOT NULL) AND ("type" = 'holding') = ("trading_participant_id" IS NOT NULL)`,
)
export class Account {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_accounts' })
  id: string;

  @Column({ name: 'account_number', type: 'varchar', length: 16 })
  accountNumber: string;

  @Column({ type: 'varchar', length: 16 })
  type: 'issuance' | 'compliance' | 'holding' | 'retirement' | 'cancellation' | 'offset';

  /** Account name shown to counterparties (口座名). */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: 'open' | 'blocked' | 'closed';

  // Owners are referenced by entity name: the foreign keys exist, the identity module's classes stay its own.
  @ManyToOne('TargetHolder', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_accounts_target_holder' })
  targetHolder?: unknown;
  @Column({ name: 'target_holder_id', type: 'uuid', nullable: true })
  targetHolderId: string | null;

  @ManyToOne('TradingParticipant', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trading_participant_id', foreignKeyConstraintName: 'fk_accounts_trading_participant' })
  tradingParticipant?: unknown;
  @Column({ name: 'trading_participant_id', type: 'uuid', nullable: true })
  tradingParticipantId: string | null;

  /** Running balance, written only by the ledger functions (ledger_post_batch / ledger_post) (JAA, whole units). */
  @Column({ type: 'numeric', precision: 20, scale: 0, default: 0, transformer: decimalTransformer })
  balance: Decimal;

  /** Entries posted so far, and the hash of the last one: the head of the account's hash chain. */
  @Column({ name: 'entry_count', type: 'bigint', default: 0 })
  entryCount: string;
  @Column({ name: 'last_hash', type: 'varchar', length: 64, nullable: true })
  lastHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
