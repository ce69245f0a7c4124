import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Report } from './report.entity';

/** Every state change of a report: who, in which role, when, with what comment. Append-only. */
@Entity('report_transitions')
@Index('ix_report_transitions_report', ['reportId', 'at'])
export class ReportTransition {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'pk_report_transitions' })
  id: string;

  @ManyToOne(() => Report, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_report_transitions_report' })
  report?: Report;
  @Column({ name: 'report_id', type: 'uuid' })
  reportId: string;

  @Column({ name: 'from_status', type: 'varchar', length: 32 })
  fromStatus: string;
  @Column({ type: 'varchar', length: 32 })
  action: string;
  @Column({ name: 'to_status', type: 'varchar', length: 32 })
  toStatus: string;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_report_transitions_actor' })
  actor?: unknown;
  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;
  @Column({ name: 'actor_role', type: 'varchar', length: 32 })
  actorRole: string;

  @Column({ type: 'varchar', length: 4000, nullable: true })
  comment: string | null;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at: Date;
}
