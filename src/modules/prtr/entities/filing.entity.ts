import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FilingMainForm, IssueTier, LandfillType, ValidationIssue } from '../content';
import { PrtrBusiness, PrtrFacility } from './filer.entity';
import { PrtrMinister, PrtrPrefecture } from './master.entity';

export const FILING_STATUSES = ['draft', 'filed', 'local_accepted', 'ministry_accepted', 'withdrawn', 'superseded'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/**
 * 届出書: one version of a facility's filing for a fiscal year. Amendments (変更届出) are new rows
 * linked to the version they replace; a filed version's content never changes (trigger).
 */
@Entity('prtr_filings')
@Index('uq_prtr_filings_reference', ['referenceNumber'], { unique: true })
@Index('uq_prtr_filings_version', ['facilityId', 'fiscalYear', 'version'], { unique: true })
@Index('uq_prtr_filings_one_draft', ['facilityId', 'fiscalYear'], { unique: true, where: `"status" = 'draft'` })
@Index('uq_prtr_filings_one_current', ['facilityId', 'fiscalYear'], {
  unique: true,
  where: `"status" IN ('filed','local_accepted','ministry_accepted')`,
})
@Index('ix_prtr_filings_prefecture', ['prefectureCode', 'fiscalYear'])
@Index('ix_prtr_filings_minister', ['ministerCode', 'fiscalYear'])
@Index('ix_prtr_filings_business', ['businessId', 'fiscalYear'])
@Check('ck_prtr_filings_status', `"status" IN ('draft','filed','local_accepted','ministry_accepted','withdrawn','superseded')`)
@Check('ck_prtr_filings_reference', `("status" = 'draft') = ("reference_number" IS NULL)`)
@Check('ck_prtr_filings_filed', `("status" = 'draft') = ("filed_at" IS NULL)`)
@Check('ck_prtr_filings_local', `("status" IN ('local_accepted','ministry_accepted')) <= ("local_accepted_at" IS NOT NULL)`)
@Check('ck_prtr_filings_ministry', `("status" = 'ministry_accepted') <= ("ministry_accepted_at" IS NOT NULL)`)
@Check('ck_prtr_filings_version', `"version" >= 1 AND ("version" = 1) = ("amends_filing_id" IS NULL)`)
@Check('ck_prtr_filings_fiscal_year', `"fiscal_year" BETWEEN 2000 AND 2100`)
export class PrtrFiling {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_filings' })
  id: string;

  @ManyToOne(() => PrtrBusiness, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'business_id', foreignKeyConstraintName: 'fk_prtr_filings_business' })
  business?: PrtrBusiness;
  @Column({ name: 'business_id', type: 'uuid' })
  businessId: string;

  @ManyToOne(() => PrtrFacility, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'facility_id', foreignKeyConstraintName: 'fk_prtr_filings_facility' })
  facility?: PrtrFacility;
  @Column({ name: 'facility_id', type: 'uuid' })
  facilityId: string;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear: number;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @ManyToOne(() => PrtrFiling, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'amends_filing_id', foreignKeyConstraintName: 'fk_prtr_filings_amends' })
  amends?: PrtrFiling | null;
  @Column({ name: 'amends_filing_id', type: 'uuid', nullable: true })
  amendsFilingId: string | null;

  @Column({ type: 'varchar', length: 20, default: 'draft' })
  status: FilingStatus;

  @Column({ name: 'reference_number', type: 'varchar', length: 32, nullable: true })
  referenceNumber: string | null;

  @ManyToOne(() => PrtrPrefecture, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prefecture_code', foreignKeyConstraintName: 'fk_prtr_filings_prefecture' })
  prefecture?: PrtrPrefecture;
  @Column({ name: 'prefecture_code', type: 'varchar', length: 2 })
  prefectureCode: string;

  /** Derived from the main industry code (or the filer's choice among those allowed); null while unknown in a draft. */
  @ManyToOne(() => PrtrMinister, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'minister_code', foreignKeyConstraintName: 'fk_prtr_filings_minister' })
  minister?: PrtrMinister | null;
  @Column({ name: 'minister_code', type: 'varchar', length: 8, nullable: true })
  ministerCode: string | null;

  @Column({ name: 'main_form', type: 'jsonb' })
  mainForm: FilingMainForm;

  /** The last validation's findings (blocking, warning, prior-year). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  issues: ValidationIssue[];

  @Column({ name: 'blocking_count', type: 'integer', default: 0 })
  blockingCount: number;

  @Column({ type: 'boolean', default: false })
  late: boolean;

  @Column({ name: 'filed_at', type: 'timestamptz', nullable: true })
  filedAt: Date | null;

  @Column({ name: 'filed_by', type: 'uuid', nullable: true })
  filedBy: string | null;

  @Column({ name: 'local_accepted_at', type: 'timestamptz', nullable: true })
  localAcceptedAt: Date | null;

  @Column({ name: 'local_accepted_by', type: 'uuid', nullable: true })
  localAcceptedBy: string | null;

  @Column({ name: 'ministry_accepted_at', type: 'timestamptz', nullable: true })
  ministryAcceptedAt: Date | null;

  @Column({ name: 'ministry_accepted_by', type: 'uuid', nullable: true })
  ministryAcceptedBy: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_prtr_filings_created_by' })
  creator?: unknown;
  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** 別紙: one substance of a filing. Amounts are numeric as written (scale kept: "0.0" stays 0.0). */
@Entity('prtr_filing_sheets')
@Index('uq_prtr_filing_sheets_substance', ['filingId', 'substanceNumber'], { unique: true })
@Check('ck_prtr_filing_sheets_amounts', `"air" >= 0 AND "water" >= 0 AND "soil" >= 0 AND "landfill" >= 0 AND "sewer" >= 0 AND "offsite" >= 0`)
@Check('ck_prtr_filing_sheets_landfill_type', `"landfill_type" IS NULL OR "landfill_type" IN ('stable','controlled','isolated')`)
@Check('ck_prtr_filing_sheets_sheet_no', `"sheet_no" >= 1`)
export class PrtrFilingSheet {
  @PrimaryColumn({ name: 'filing_id', type: 'uuid', primaryKeyConstraintName: 'pk_prtr_filing_sheets' })
  filingId: string;

  @PrimaryColumn({ name: 'sheet_no', type: 'integer', primaryKeyConstraintName: 'pk_prtr_filing_sheets' })
  sheetNo: number;

  @ManyToOne(() => PrtrFiling, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'filing_id', foreignKeyConstraintName: 'fk_prtr_filing_sheets_filing' })
  filing?: PrtrFiling;

  @Column({ name: 'substance_number', type: 'integer' })
  substanceNumber: number;

  @Column({ type: 'numeric' })
  air: string;

  @Column({ type: 'numeric' })
  water: string;

  @Column({ name: 'water_body_name', type: 'varchar', length: 200, nullable: true })
  waterBodyName: string | null;

  @Column({ type: 'numeric' })
  soil: string;

  @Column({ type: 'numeric' })
  landfill: string;

  @Column({ name: 'landfill_type', type: 'varchar', length: 16, nullable: true })
  landfillType: LandfillType | null;

  @Column({ type: 'numeric' })
  sewer: string;

  @Column({ name: 'sewage_plant_name', type: 'varchar', length: 200, nullable: true })
  sewagePlantName: string | null;

  @Column({ type: 'numeric' })
  offsite: string;

  @Column({ name: 'offsite_treatment_method', type: 'varchar', length: 200, nullable: true })
  offsiteTreatmentMethod: string | null;

  @Column({ name: 'offsite_waste_type', type: 'varchar', length: 200, nullable: true })
  offsiteWasteType: string | null;
}

export const INQUIRY_ANSWERS = ['no_change', 'amendment', 'withdrawal_request'] as const;
export type InquiryAnswer = (typeof INQUIRY_ANSWERS)[number];

/** 照会: a local government's question on a filing, and the filer's answer. */
@Entity('prtr_inquiries')
@Index('uq_prtr_inquiries_open', ['filingId'], { unique: true, where: `"status" <> 'closed'` })
@Check('ck_prtr_inquiries_status', `"status" IN ('open','answered','closed')`)
@Check('ck_prtr_inquiries_answer_type', `"answer_type" IS NULL OR "answer_type" IN ('no_change','amendment','withdrawal_request')`)
@Check('ck_prtr_inquiries_answered', `("status" = 'open') = ("answered_at" IS NULL) AND ("answered_at" IS NULL) = ("answer_type" IS NULL)`)
@Check(
  'ck_prtr_inquiries_decision',
  `("status" = 'closed') = ("decision" IS NOT NULL) AND ("decision" IS NULL OR "decision" IN ('accepted','withdrawal_confirmed','withdrawal_declined')) AND ("decision" IS NULL OR ("answer_type" = 'withdrawal_request') = ("decision" <> 'accepted'))`,
)
@Check('ck_prtr_inquiries_amendment', `("answer_type" = 'amendment') = ("amendment_filing_id" IS NOT NULL)`)
export class PrtrInquiry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_inquiries' })
  id: string;

  @ManyToOne(() => PrtrFiling, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'filing_id', foreignKeyConstraintName: 'fk_prtr_inquiries_filing' })
  filing?: PrtrFiling;
  @Column({ name: 'filing_id', type: 'uuid' })
  filingId: string;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: 'open' | 'answered' | 'closed';

  @Column({ type: 'varchar', length: 2000 })
  message: string;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'raised_by', foreignKeyConstraintName: 'fk_prtr_inquiries_raised_by' })
  raiser?: unknown;
  @Column({ name: 'raised_by', type: 'uuid' })
  raisedBy: string;

  @CreateDateColumn({ name: 'raised_at', type: 'timestamptz' })
  raisedAt: Date;

  @Column({ name: 'answer_type', type: 'varchar', length: 24, nullable: true })
  answerType: InquiryAnswer | null;

  @Column({ name: 'answer_text', type: 'varchar', length: 2000, nullable: true })
  answerText: string | null;

  @ManyToOne(() => PrtrFiling, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'amendment_filing_id', foreignKeyConstraintName: 'fk_prtr_inquiries_amendment' })
  amendment?: PrtrFiling | null;
  @Column({ name: 'amendment_filing_id', type: 'uuid', nullable: true })
  amendmentFilingId: string | null;

  @Column({ name: 'answered_by', type: 'uuid', nullable: true })
  answeredBy: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  /** Closed by the local government: the answer is accepted (or the withdrawal confirmed). */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  /** How the local government closed it: the answer accepted, or a withdrawal request confirmed or declined. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  decision: 'accepted' | 'withdrawal_confirmed' | 'withdrawal_declined' | null;

  @Column({ name: 'decision_note', type: 'varchar', length: 2000, nullable: true })
  decisionNote: string | null;
}

/** 整理番号 counters: one sequence per prefecture and fiscal year. */
@Entity('prtr_reference_counters')
export class PrtrReferenceCounter {
  @PrimaryColumn({ name: 'prefecture_code', type: 'varchar', length: 2, primaryKeyConstraintName: 'pk_prtr_reference_counters' })
  prefectureCode: string;

  @PrimaryColumn({ name: 'fiscal_year', type: 'integer', primaryKeyConstraintName: 'pk_prtr_reference_counters' })
  fiscalYear: number;

  @Column({ name: 'last_value', type: 'integer' })
  lastValue: number;
}
