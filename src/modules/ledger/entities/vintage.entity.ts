import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A vintage of JAA: the units issued for one phase (its code, e.g. P2013), with serial numbers
 * 1, 2, 3… that are never reused (next_serial only grows). The ledger knows of a vintage only its
 * order among vintages (rank: earlier vintages have a smaller rank), the instant its commitment
 * reserves end, and whether it is closed; the phase rules behind these belong to the compliance
 * module (docs/domain.md §5).
 */
@Entity('ledger_vintages')
@Index('uq_ledger_vintages_code', ['code'], { unique: true })
@Check('ck_ledger_vintages_code', `"code" ~ '^[A-Z0-9]{1,12}$'`)
@Check('ck_ledger_vintages_next_serial', `"next_serial" >= 1`)
export class Vintage {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_ledger_vintages' })
  id: number;

  @Column({ type: 'varchar', length: 12 })
  code: string;

  /** Order among vintages: smaller is earlier (ties: the smaller id). */
  @Column({ type: 'integer' })
  rank: number;

  /** The next serial number to issue (serials are bigint; 1 is the first). */
  @Column({ name: 'next_serial', type: 'bigint', default: 1 })
  nextSerial: string;

  /** Commitment reserves on this vintage apply up to and including this instant, then lapse. */
  @Column({ name: 'reserve_ends_at', type: 'timestamptz' })
  reserveEndsAt: Date;

  /** Closed: no retirement counts toward it any more; its unbanked units have expired. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
