import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 期: a cohort of the scheme over Japanese fiscal years (April–March). */
@Entity('phases')
@Index('uq_phases_name', ['name'], { unique: true })
@Index('uq_phases_code', ['code'], { unique: true })
@Check('ck_phases_code', `"code" ~ '^[A-Z0-9]{1,12}$'`)
@Check('ck_phases_banking_window', `"banking_window_days" BETWEEN 0 AND 366`)
@Check('ck_phases_years', `"base_fiscal_year" < "target_fiscal_year" AND "target_fiscal_year" < "adjustment_fiscal_year"`)
export class Phase {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_phases' })
  id: string;
  @Column({ type: 'varchar', length: 32 })
  name: string;
  /** The vintage code of the phase's JAA (serials JAA-<code>-000000001…), e.g. P2013. */
  @Column({ type: 'varchar', length: 12 })
  code: string;
  @Column({ name: 'adopted_fiscal_year', type: 'integer' })
  adoptedFiscalYear: number;
  /** 設備導入年度 (base year). */
  @Column({ name: 'base_fiscal_year', type: 'integer' })
  baseFiscalYear: number;
  /** 削減目標年度. */
  @Column({ name: 'target_fiscal_year', type: 'integer' })
  targetFiscalYear: number;
  /** 調整・自主削減年度. */
  @Column({ name: 'adjustment_fiscal_year', type: 'integer' })
  adjustmentFiscalYear: number;
  /** Retirement deadline (default Nov 30 of the adjustment year, Asia/Tokyo, end of day). */
  @Column({ name: 'retirement_deadline', type: 'date' })
  retirementDeadline: string;
  /** Days after the deadline during which banking may be applied for (docs/domain.md §6). */
  @Column({ name: 'banking_window_days', type: 'integer', default: 30 })
  bankingWindowDays: number;
  /** Set by phase close: standings are final, unbanked units of the vintage have expired. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
