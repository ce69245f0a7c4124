import Decimal from 'decimal.js';
import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Phase } from './phase.entity';

/** A target holder in a phase, with its reduction target and what approvals have confirmed. */
@Entity('phase_participants')
@Check('ck_phase_participants_target', `"reduction_target" >= 0`)
@Check('ck_phase_participants_final_status', `"final_status" IS NULL OR "final_status" IN ('met','not_met')`)
export class PhaseParticipant {
  @ManyToOne(() => Phase, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'phase_id', foreignKeyConstraintName: 'fk_phase_participants_phase' })
  phase?: Phase;
  @PrimaryColumn({ name: 'phase_id', type: 'uuid', primaryKeyConstraintName: 'pk_phase_participants' })
  phaseId: string;

  @ManyToOne('TargetHolder', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_phase_participants_target_holder' })
  targetHolder?: unknown;
  @PrimaryColumn({ name: 'target_holder_id', type: 'uuid', primaryKeyConstraintName: 'pk_phase_participants' })
  targetHolderId: string;

  /** 削減目標量 (t-CO2). */
  @Column({ name: 'reduction_target', type: 'numeric', precision: 20, scale: 3, transformer: decimalTransformer })
  reductionTarget: Decimal;

  /** Confirmed by the base-year report's approval. */
  @Column({ name: 'base_year_emissions', type: 'numeric', precision: 20, scale: 3, nullable: true, transformer: decimalTransformer })
  baseYearEmissions: Decimal | null;

  /** Confirmed by the target-year report's approval. */
  @Column({ name: 'target_year_emissions', type: 'numeric', precision: 20, scale: 3, nullable: true, transformer: decimalTransformer })
  targetYearEmissions: Decimal | null;

  /** The standing made final by phase close (met / not_met), with the shortfall then. */
  @Column({ name: 'final_status', type: 'varchar', length: 16, nullable: true })
  finalStatus: 'met' | 'not_met' | null;
  @Column({ name: 'final_shortfall', type: 'numeric', precision: 20, scale: 0, nullable: true, transformer: decimalTransformer })
  finalShortfall: Decimal | null;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt: Date;
}
