import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Login } from './login.entity';
import { TargetHolder } from './target-holder.entity';
import { Verifier } from './verifier.entity';

/** Which verifier serves which target holder; history kept, one current assignment per holder. */
@Entity('verifier_assignments')
@Index('uq_verifier_assignments_current', ['targetHolderId'], { unique: true, where: '"ended_at" IS NULL' })
@Index('ix_verifier_assignments_verifier', ['verifierId'])
@Check('ck_verifier_assignments_period', `"ended_at" IS NULL OR "ended_at" >= "assigned_at"`)
export class VerifierAssignment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_verifier_assignments' })
  id: string;

  @ManyToOne(() => TargetHolder, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_holder_id', foreignKeyConstraintName: 'fk_verifier_assignments_target_holder' })
  targetHolder?: TargetHolder;
  @Column({ name: 'target_holder_id', type: 'uuid' })
  targetHolderId: string;

  @ManyToOne(() => Verifier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'verifier_id', foreignKeyConstraintName: 'fk_verifier_assignments_verifier' })
  verifier?: Verifier;
  @Column({ name: 'verifier_id', type: 'uuid' })
  verifierId: string;

  @ManyToOne(() => Login, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_by', foreignKeyConstraintName: 'fk_verifier_assignments_assigned_by' })
  assignedByLogin?: Login;
  @Column({ name: 'assigned_by', type: 'uuid' })
  assignedBy: string;

  @Column({ name: 'assigned_at', type: 'timestamptz', default: () => 'now()' })
  assignedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
