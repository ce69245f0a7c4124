import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';

/**
 * A block of serial numbers of one vintage held by one account: what the account's balance is
 * made of (Σ blocks = balance, checked by the ledger functions at every batch and by
 * ledger:verify). Banked units (approved banking) stay valid after their phase closes.
 * Changed only by the ledger functions.
 */
@Entity('unit_blocks')
// only the account is indexed: a posting shortens a block from its start, and an update that
// touches no indexed column stays on its page (HOT; the table keeps room for it, fillfactor 70)
@Index('ix_unit_blocks_account', ['accountId'])
@Check('ck_unit_blocks_range', `"serial_start" >= 1 AND "serial_end" >= "serial_start"`)
export class UnitBlock {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_unit_blocks' })
  id: string;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_unit_blocks_account' })
  account?: Account;
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  // No foreign key to ledger_vintages on purpose: every insert would take a KEY SHARE lock on the
  // vintage's row (one row shared by every posting of the vintage); vintages cannot be deleted
  // (ledger_vintages_no_delete) and ledger:verify checks every block's vintage.
  @Column({ name: 'vintage_id', type: 'integer' })
  vintageId: number;

  @Column({ name: 'serial_start', type: 'bigint' })
  serialStart: string;

  @Column({ name: 'serial_end', type: 'bigint' })
  serialEnd: string;

  @Column({ type: 'boolean', default: false })
  banked: boolean;
}
