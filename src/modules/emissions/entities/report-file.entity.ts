import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Report } from './report.entity';

export type ReportFileKind = 'calculation' | 'attachment' | 'verification' | 'review';

/** Every file of a report, every version kept: calculation reports, attachments, verification reports, review documents. */
@Entity('report_files')
@Index('ix_report_files_report_kind', ['reportId', 'kind', 'uploadedAt'])
@Check('ck_report_files_kind', `"kind" IN ('calculation','attachment','verification','review')`)
@Check('ck_report_files_size', `"size" = octet_length("content")`)
export class ReportFile {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_report_files' })
  id: string;

  @ManyToOne(() => Report, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_report_files_report' })
  report?: Report;
  @Column({ name: 'report_id', type: 'uuid' })
  reportId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReportFileKind;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName: string;

  @Column({ name: 'media_type', type: 'varchar', length: 128 })
  mediaType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'bytea', select: false })
  content: Buffer;

  /** Review documents and comments: the text exchanged with the file (or alone). */
  @Column({ type: 'varchar', length: 4000, nullable: true })
  comment: string | null;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'fk_report_files_uploaded_by' })
  uploader?: unknown;
  @Column({ name: 'uploaded_by', type: 'uuid' })
  uploadedBy: string;

  @CreateDateColumn({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt: Date;
}
