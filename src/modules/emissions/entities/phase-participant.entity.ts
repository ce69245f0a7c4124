import Decimal from 'decimal.js';
import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { decimalTransformer } from '../../../core/database/decimal.transformer';
import { Phase } from './phase.entity';

/** A target holder in a phase, with its reduction target and what approvals have confirmed. */
@Entity('phase_participants')
@Check('ck_phase_participants_target', `"reduction_target" >= 0`)
@Check('ck_phase_participants_banked', `"banked" >= 0 AND "banked" = trunc("banked")`)
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

  /** JAA approved for banking after the deadline. */
  @Column({ type: 'numeric', precision: 20, scale: 0, default: 0, transformer: decimalTransformer })
  banked: Decimal;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt: Date;
}
