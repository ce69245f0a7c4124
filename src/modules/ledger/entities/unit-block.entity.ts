import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
import { Vintage } from './vintage.entity';

/**
 * A block of serial numbers of one vintage held by one account: what the account's balance is
 * made of (Σ blocks = balance, checked by the ledger functions at every batch and by
 * ledger:verify). Banked units (approved banking) stay valid after their phase closes.
 * Changed only by the ledger functions.
 */
@Entity('unit_blocks')
@Index('ix_unit_blocks_account', ['accountId', 'vintageId', 'serialStart'])
@Check('ck_unit_blocks_range', `"serial_start" >= 1 AND "serial_end" >= "serial_start"`)
export class UnitBlock {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_unit_blocks' })
  id: string;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_unit_blocks_account' })
  account?: Account;
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ManyToOne(() => Vintage, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vintage_id', foreignKeyConstraintName: 'fk_unit_blocks_vintage' })
  vintage?: Vintage;
  @Column({ name: 'vintage_id', type: 'integer' })
  vintageId: number;

  @Column({ name: 'serial_start', type: 'bigint' })
  serialStart: string;

  @Column({ name: 'serial_end', type: 'bigint' })
  serialEnd: string;

  @Column({ type: 'boolean', default: false })
  banked: boolean;
}
