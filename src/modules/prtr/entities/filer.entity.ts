import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { PrtrPrefecture } from './master.entity';

/** 電子情報処理組織使用届出書: a business asks to file electronically in one prefecture. */
@Entity('prtr_registrations')
@Index('ix_prtr_registrations_prefecture', ['prefectureCode', 'submittedAt'])
@Check('ck_prtr_registrations_status', `"status" IN ('submitted','approved','rejected')`)
@Check('ck_prtr_registrations_decision', `("status" = 'submitted') = ("decided_at" IS NULL)`)
@Check('ck_prtr_registrations_reason', `("status" = 'rejected') = ("rejection_reason" IS NOT NULL)`)
@Check('ck_prtr_registrations_business', `("status" = 'approved') = ("business_id" IS NOT NULL)`)
export class PrtrRegistration {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_registrations' })
  id: string;

  @Column({ type: 'varchar', length: 16, default: 'submitted' })
  status: 'submitted' | 'approved' | 'rejected';

  @ManyToOne(() => PrtrPrefecture, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prefecture_code', foreignKeyConstraintName: 'fk_prtr_registrations_prefecture' })
  prefecture?: PrtrPrefecture;
  @Column({ name: 'prefecture_code', type: 'varchar', length: 2 })
  prefectureCode: string;

  @Column({ name: 'business_name', type: 'varchar', length: 200 })
  businessName: string;

  /** The whole form as submitted (business, contact person, facilities). */
  @Column({ type: 'jsonb' })
  body: Record<string, unknown>;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @ManyToOne('Login', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_prtr_registrations_decided_by' })
  decider?: unknown;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 1000, nullable: true })
  rejectionReason: string | null;

  @ManyToOne('PrtrBusiness', { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'business_id', foreignKeyConstraintName: 'fk_prtr_registrations_business' })
  business?: unknown;
  @Column({ name: 'business_id', type: 'uuid', nullable: true })
  businessId: string | null;
}

/** A business registered to file electronically in one prefecture (one login, one current certificate). */
@Entity('prtr_businesses')
@Index('ix_prtr_businesses_prefecture', ['prefectureCode'])
export class PrtrBusiness {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_businesses' })
  id: string;

  @ManyToOne(() => PrtrPrefecture, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prefecture_code', foreignKeyConstraintName: 'fk_prtr_businesses_prefecture' })
  prefecture?: PrtrPrefecture;
  @Column({ name: 'prefecture_code', type: 'varchar', length: 2 })
  prefectureCode: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200 })
  address: string;

  @Column({ name: 'representative_name', type: 'varchar', length: 200, nullable: true })
  representativeName: string | null;

  @Column({ name: 'corporate_number', type: 'varchar', length: 13, nullable: true })
  corporateNumber: string | null;

  @Column({ name: 'contact_department', type: 'varchar', length: 200, nullable: true })
  contactDepartment: string | null;

  @Column({ name: 'contact_name', type: 'varchar', length: 200 })
  contactName: string;

  @Column({ name: 'contact_phone', type: 'varchar', length: 30 })
  contactPhone: string;

  @Column({ name: 'contact_email', type: 'varchar', length: 254 })
  contactEmail: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** 事業所: a facility the business files for, in the business's registration prefecture. */
@Entity('prtr_facilities')
@Index('uq_prtr_facilities_name', ['businessId', 'name'], { unique: true })
export class PrtrFacility {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_facilities' })
  id: string;

  @ManyToOne(() => PrtrBusiness, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'business_id', foreignKeyConstraintName: 'fk_prtr_facilities_business' })
  business?: PrtrBusiness;
  @Column({ name: 'business_id', type: 'uuid' })
  businessId: string;

  @ManyToOne(() => PrtrPrefecture, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'prefecture_code', foreignKeyConstraintName: 'fk_prtr_facilities_prefecture' })
  prefecture?: PrtrPrefecture;
  @Column({ name: 'prefecture_code', type: 'varchar', length: 2 })
  prefectureCode: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200 })
  address: string;

  @Column({ name: 'main_industry_code', type: 'varchar', length: 4, nullable: true })
  mainIndustryCode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The registry's own certificate authority for PRTR client certificates (one row). */
@Entity('prtr_certificate_authority')
@Check('ck_prtr_certificate_authority_single', `"id" = 1`)
export class PrtrCertificateAuthority {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_prtr_certificate_authority' })
  id: number;

  @Column({ name: 'cert_pem', type: 'text' })
  certPem: string;

  @Column({ name: 'key_pem', type: 'text' })
  keyPem: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A client certificate issued to a filer's login; the PKCS#12 is kept only until it is downloaded. */
@Entity('prtr_certificates')
@Index('uq_prtr_certificates_serial', ['serialNumber'], { unique: true })
@Index('uq_prtr_certificates_fingerprint', ['fingerprint256'], { unique: true })
@Index('uq_prtr_certificates_token', ['downloadTokenHash'], { unique: true })
@Index('uq_prtr_certificates_current', ['loginId'], { unique: true, where: '"revoked_at" IS NULL' })
@Check('ck_prtr_certificates_delivered_once', `"downloaded_at" IS NULL OR "p12" IS NULL`)
@Check('ck_prtr_certificates_revocation', `("revoked_at" IS NULL) = ("revocation_reason" IS NULL)`)
export class PrtrCertificate {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_prtr_certificates' })
  id: string;

  @ManyToOne(() => PrtrBusiness, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'business_id', foreignKeyConstraintName: 'fk_prtr_certificates_business' })
  business?: PrtrBusiness;
  @Column({ name: 'business_id', type: 'uuid' })
  businessId: string;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'login_id', foreignKeyConstraintName: 'fk_prtr_certificates_login' })
  login?: unknown;
  @Column({ name: 'login_id', type: 'uuid' })
  loginId: string;

  @Column({ name: 'serial_number', type: 'varchar', length: 64 })
  serialNumber: string;

  @Column({ name: 'fingerprint256', type: 'varchar', length: 100 })
  fingerprint256: string;

  @Column({ type: 'varchar', length: 500 })
  subject: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter: Date;

  @Column({ name: 'cert_pem', type: 'text' })
  certPem: string;

  @Column({ type: 'bytea', nullable: true })
  p12: Buffer | null;

  @Column({ name: 'download_token_hash', type: 'varchar', length: 64 })
  downloadTokenHash: string;

  @Column({ name: 'download_expires_at', type: 'timestamptz' })
  downloadExpiresAt: Date;

  @Column({ name: 'downloaded_at', type: 'timestamptz', nullable: true })
  downloadedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 200, nullable: true })
  revocationReason: string | null;

  @ManyToOne('Login', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'issued_by', foreignKeyConstraintName: 'fk_prtr_certificates_issued_by' })
  issuer?: unknown;
  @Column({ name: 'issued_by', type: 'uuid' })
  issuedBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
