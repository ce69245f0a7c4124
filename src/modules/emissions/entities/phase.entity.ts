import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 期: a cohort of the scheme over Japanese fiscal years (April–March). */
@Entity('phases')
@Index('uq_phases_name', ['name'], { unique: true })
@Check('ck_phases_years', `"base_fiscal_year" < "target_fiscal_year" AND "target_fiscal_year" < "adjustment_fiscal_year"`)
export class Phase {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_phases' })
  id: string;
  @Column({ type: 'varchar', length: 32 })
  name: string;
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
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
