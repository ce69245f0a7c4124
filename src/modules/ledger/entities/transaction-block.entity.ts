import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LedgerTransaction } from './ledger-transaction.entity';
import { Vintage } from './vintage.entity';

/** The serial ranges a transaction moved (or created, for an issuance). Append-only. */
@Entity('ledger_transaction_blocks')
@Index('ix_ledger_transaction_blocks_transaction', ['transactionId'])
@Check('ck_ledger_transaction_blocks_range', `"serial_start" >= 1 AND "serial_end" >= "serial_start"`)
export class TransactionBlock {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_ledger_transaction_blocks' })
  id: string;

  @ManyToOne(() => LedgerTransaction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'transaction_id', foreignKeyConstraintName: 'fk_ledger_transaction_blocks_transaction' })
  transaction?: LedgerTransaction;
  @Column({ name: 'transaction_id', type: 'uuid' })
  transactionId: string;

  @ManyToOne(() => Vintage, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vintage_id', foreignKeyConstraintName: 'fk_ledger_transaction_blocks_vintage' })
  vintage?: Vintage;
  @Column({ name: 'vintage_id', type: 'integer' })
  vintageId: number;

  @Column({ name: 'serial_start', type: 'bigint' })
  serialStart: string;

  @Column({ name: 'serial_end', type: 'bigint' })
  serialEnd: string;

  @Column({ type: 'boolean' })
  banked: boolean;
}
