import Decimal from 'decimal.js';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';

export const REPORT_KINDS = ['base_year', 'target_year', 'adjustment_year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_STATUSES = [
  'not_submitted',
  'registered',
  'verification_requested',
  'approval_requested',
  'approved',
  'submitted',
  'received',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** 算定報告書: one per holder, phase and kind; its emissions come from the latest uploaded file. */
@Entity('reports')
@Index('uq_reports_holder_phase_kind', ['targetHolderId', 'phaseId', 'kind'], { unique: true })
@Check('ck_reports_kind', `"kind" IN ('base_year','target_year','adjustment_year')`)
@Check(
  'ck_reports_status',
  `"status" IN ('not_submitted','registered','verification_requested','approval_requested','approved','submitted','received')`,
)
@Check('ck_reports_emissions', `"emissions" IS NULL OR "emissions" >= 0`)
@Check('ck_reports_file', `("status" = 'not_submitted') = ("current_file_id" IS NULL)`)
export class Report {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_reports' })
  id: string;

  @ManyToOne('TargetHolder', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_reports_target_holder' })
  targetHolder?: unknown;
  @Column({ name: 'target_holder_id', type: 'uuid' })
  targetHolderId: string;

  // The phase belongs to the compliance module: referenced by entity name, never read from here.
  @ManyToOne('Phase', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'phase_id', foreignKeyConstraintName: 'fk_reports_phase' })
  phase?: unknown;
  @Column({ name: 'phase_id', type: 'uuid' })
  phaseId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReportKind;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear: number;

  @Column({ type: 'varchar', length: 32, default: 'not_submitted' })
  status: ReportStatus;

  /** t-CO2 read from the authoritative (latest) calculation-report file. */
  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true, transformer: decimalTransformer })
  emissions: Decimal | null;

  @ManyToOne('ReportFile', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'current_file_id', foreignKeyConstraintName: 'fk_reports_current_file' })
  currentFile?: unknown;
  @Column({ name: 'current_file_id', type: 'uuid', nullable: true })
  currentFileId: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
