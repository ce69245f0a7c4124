import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { DomainError } from '../../core/errors/domain-error';
import { paginate, type Page } from '../../core/http/pagination';
import { requestContext } from '../../core/logging/request-context';
import { NotificationsService } from '../notifications/notifications.service';
import { PrtrClock } from './clock';
import type { FilingContent, FilingMainForm, FilingSheet, ValidationIssue } from './content';
import type { CreateFilingDto, FilingListQuery } from './dto/prtr.dto';
import { PrtrBusiness, PrtrFacility, PrtrFiling, PrtrFilingSheet, type FilingStatus } from './entities/index';
import type { FilingRecord } from './exports/record';
import { MasterDataService, type MasterView } from './master/master-data.service';
import { hasBlocking, sortSheets, validateFiling } from './rules/validation';
import { amendmentCutoffDate, amendmentsOpen, filingWindow, filingYearOf, parseElectronicDeadlines, windowStatus } from './rules/window';

/** The notice addresses of the active officers of a prefecture or a minister. */
export async function officerEmails(m: EntityManager, scope: { prefectureCode: string } | { ministerCode: string }): Promise<string[]> {
  const [column, value] = 'prefectureCode' in scope ? ['prtr_prefecture_code', scope.prefectureCode] : ['prtr_minister_code', scope.ministerCode];
  const rows: { contact_email: string }[] = await m.query(
    `SELECT contact_email FROM logins WHERE ${column} = $1 AND status = 'active' AND contact_email IS NOT NULL ORDER BY login_id`,
    [value],
  );
  return rows.map((r) => r.contact_email);
}

/** Versions that count as "the" filing of a facility and year. */
export const CURRENT_STATUSES: FilingStatus[] = ['filed', 'local_accepted', 'ministry_accepted'];

type SheetRow = PrtrFilingSheet;

const toSheet = (s: SheetRow): FilingSheet => ({
  substanceNumber: s.substanceNumber,
  releases: { air: s.air, water: s.water, waterBodyName: s.waterBodyName, soil: s.soil, landfill: s.landfill, landfillType: s.landfillType },
  transfers: {
    sewer: s.sewer,
    sewagePlantName: s.sewagePlantName,
    offsite: s.offsite,
    offsiteTreatmentMethod: s.offsiteTreatmentMethod,
    offsiteWasteType: s.offsiteWasteType,
  },
});

const blank = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v);

/**
 * Filings (届出書) per facility and fiscal year: drafts, validation in tiers, filing within the
 * window, acceptance by the local government then the ministry, amendments as new linked versions.
 */
@Injectable()
export class FilingsService {
  private readonly deadlines: Record<number, string>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly master: MasterDataService,
    private readonly notifications: NotificationsService,
    readonly clock: PrtrClock,
  ) {
    this.deadlines = parseElectronicDeadlines(config.env.PRTR_ELECTRONIC_DEADLINES);
  }

  // ---- scope -------------------------------------------------------------------------------

  /** A filing the actor may see, else 404 (never 403: another holder's IDs reveal nothing). */
  async visible(actor: Actor, id: string, m: EntityManager = this.db.manager, lock = false): Promise<PrtrFiling> {
    const f = await m.getRepository(PrtrFiling).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!f || !this.canSee(actor, f)) throw new DomainError('PRTR_FILING_NOT_FOUND');
    return f;
  }

  private canSee(actor: Actor, f: PrtrFiling): boolean {
    switch (actor.role) {
      case 'prtr_filer':
        return f.businessId === actor.prtrBusinessId;
      case 'prtr_local_gov':
        return f.status !== 'draft' && f.prefectureCode === actor.prtrPrefectureCode;
      case 'prtr_ministry':
        return f.status !== 'draft' && f.ministerCode === actor.prtrMinisterCode;
      default:
        return false;
    }
  }

  // ---- drafts ------------------------------------------------------------------------------

  async createDraft(actor: Actor, dto: CreateFilingDto) {
    const id = await this.db.transaction(async (m) => {
      const facility = await m.getRepository(PrtrFacility).findOne({ where: { id: dto.facilityId }, lock: { mode: 'pessimistic_write' } });
      if (!facility || facility.businessId !== actor.prtrBusinessId) throw new DomainError('PRTR_FACILITY_NOT_FOUND');
      return this.insertVersion(m, actor, facility, dto.fiscalYear, { mainForm: dto.mainForm, sheets: dto.sheets }, null);
    });
    return this.view(actor, id);
  }

  /** Inserts a draft (version 1, or the next version amending `amends`), validated. */
  private async insertVersion(
    m: EntityManager,
    actor: Actor,
    facility: PrtrFacility,
    fiscalYear: number,
    content: FilingContent,
    amends: PrtrFiling | null,
  ): Promise<string> {
    const existing: { status: FilingStatus }[] = await m.query(
      `SELECT status FROM prtr_filings WHERE facility_id = $1 AND fiscal_year = $2 AND status IN ('draft','filed','local_accepted','ministry_accepted')`,
      [facility.id, fiscalYear],
    );
    if (existing.some((e) => e.status === 'draft')) throw new DomainError('PRTR_DRAFT_EXISTS');
    if (!amends && existing.length) throw new DomainError('PRTR_ALREADY_FILED');
    const view = await this.master.forFiscalYear(fiscalYear, m);
    const sheets = sortSheets(content.sheets);
    const [{ next }] = await m.query(
      `SELECT coalesce(max(version), 0) + 1 AS next FROM prtr_filings WHERE facility_id = $1 AND fiscal_year = $2`,
      [facility.id, fiscalYear],
    );
    const filing = m.create(PrtrFiling, {
      businessId: facility.businessId,
      facilityId: facility.id,
      fiscalYear,
      version: amends ? next : Math.max(1, next),
      amendsFilingId: amends?.id ?? null,
      status: 'draft',
      prefectureCode: facility.prefectureCode,
      createdBy: actor.id,
    });
    if (!amends && next > 1) {
      // an earlier version was withdrawn: the new one starts a fresh chain but keeps counting versions
      filing.amendsFilingId = null;
      filing.version = next;
    }
    await this.applyContent(m, filing, { mainForm: content.mainForm, sheets }, view);
    if (filing.version > 1 && !filing.amendsFilingId) {
      // ck_prtr_filings_version ties version 1 to "no predecessor": link to the last version
      const [last] = await m.query(`SELECT id FROM prtr_filings WHERE facility_id = $1 AND fiscal_year = $2 ORDER BY version DESC LIMIT 1`, [facility.id, fiscalYear]);
      filing.amendsFilingId = last.id;
    }
    const saved = await m.save(filing);
    await this.writeSheets(m, saved.id, sheets);
    return saved.id;
  }

  async updateDraft(actor: Actor, id: string, content: FilingContent) {
    await this.db.transaction(async (m) => {
      const filing = await this.ownDraft(m, actor, id);
      const view = await this.master.forFiscalYear(filing.fiscalYear, m);
      const sheets = sortSheets(content.sheets);
      await this.applyContent(m, filing, { mainForm: content.mainForm, sheets }, view);
      await m.save(filing);
      await m.query(`DELETE FROM prtr_filing_sheets WHERE filing_id = $1`, [filing.id]);
      await this.writeSheets(m, filing.id, sheets);
    });
    return this.view(actor, id);
  }

  async deleteDraft(actor: Actor, id: string) {
    await this.db.transaction(async (m) => {
      const filing = await this.ownDraft(m, actor, id);
      await m.query(`DELETE FROM prtr_filings WHERE id = $1`, [filing.id]);
    });
  }

  private async ownDraft(m: EntityManager, actor: Actor, id: string): Promise<PrtrFiling> {
    const filing = await this.visible(actor, id, m, true);
    if (actor.role !== 'prtr_filer') throw new DomainError('PRTR_FILING_NOT_FOUND');
    if (filing.status !== 'draft') throw new DomainError('PRTR_FILING_NOT_DRAFT', { status: filing.status });
    return filing;
  }

  /** Sets the content, the derived minister and the validation findings on an (unsaved) draft. */
  private async applyContent(m: EntityManager, filing: PrtrFiling, content: FilingContent, view: MasterView) {
    const numbers = content.sheets.map((s) => s.substanceNumber);
    const twice = [...new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))];
    if (twice.length) {
      // one sheet per substance: a duplicate cannot even be kept as a draft
      throw new DomainError('VALIDATION_FAILED', {
        fields: [{ field: 'sheets', problems: [`同じ物質の別紙が複数あります (a substance appears on more than one sheet): ${twice.join(', ')}`] }],
      });
    }
    const mainForm: FilingMainForm = { ...content.mainForm, secondaryIndustryCodes: content.mainForm.secondaryIndustryCodes ?? [] };
    filing.mainForm = mainForm;
    const industry = view.industry(mainForm.mainIndustryCode);
    const chosen = blank(mainForm.ministerCode ?? null);
    filing.ministerCode = industry
      ? chosen && industry.ministers.includes(chosen)
        ? chosen
        : !chosen
          ? industry.defaultMinister ?? (industry.ministers.length === 1 ? industry.ministers[0] : null)
          : null
      : null;
    const prior = await this.priorYear(m, filing.facilityId, filing.fiscalYear);
    const issues = validateFiling({ mainForm, sheets: content.sheets }, { fiscalYear: filing.fiscalYear, substance: view.substance, industry: view.industry, priorYear: prior });
    filing.issues = issues;
    filing.blockingCount = issues.filter((i) => i.tier === 'blocking').length;
  }

  /** Last fiscal year's accepted filing of the facility, by substance (for the prior-year alerts). */
  private async priorYear(m: EntityManager, facilityId: string, fiscalYear: number): Promise<Map<number, FilingSheet> | null> {
    const [prior] = await m.query(
      `SELECT id FROM prtr_filings WHERE facility_id = $1 AND fiscal_year = $2 AND status IN ('local_accepted','ministry_accepted')`,
      [facilityId, fiscalYear - 1],
    );
    if (!prior) return null;
    const rows = await m.getRepository(PrtrFilingSheet).find({ where: { filingId: prior.id } });
    return new Map(rows.map((r) => [r.substanceNumber, toSheet(r)]));
  }

  private async writeSheets(m: EntityManager, filingId: string, sheets: FilingSheet[]) {
    if (!sheets.length) return;
    await m.insert(
      PrtrFilingSheet,
      sheets.map((s, i) => ({
        filingId,
        sheetNo: i + 1,
        substanceNumber: s.substanceNumber,
        air: s.releases.air,
        water: s.releases.water,
        waterBodyName: blank(s.releases.waterBodyName),
        soil: s.releases.soil,
        landfill: s.releases.landfill,
        landfillType: s.releases.landfillType ?? null,
        sewer: s.transfers.sewer,
        sewagePlantName: blank(s.transfers.sewagePlantName),
        offsite: s.transfers.offsite,
        offsiteTreatmentMethod: blank(s.transfers.offsiteTreatmentMethod),
        offsiteWasteType: blank(s.transfers.offsiteWasteType),
      })),
    );
  }

  // ---- filing --------------------------------------------------------------------------------

  /** POST /prtr/filings/{id}/submit: validates again, checks the window, numbers and files it. */
  async submit(actor: Actor, id: string) {
    await this.db.transaction(async (m) => {
      const filing = await this.ownDraft(m, actor, id);
      await this.fileDraft(m, actor, filing);
    });
    return this.view(actor, id);
  }

  private async fileDraft(m: EntityManager, actor: Actor, filing: PrtrFiling, viaInquiry = false) {
    const view = await this.master.forFiscalYear(filing.fiscalYear, m);
    const sheets = (await m.getRepository(PrtrFilingSheet).find({ where: { filingId: filing.id }, order: { sheetNo: 'ASC' } })).map(toSheet);
    await this.applyContent(m, filing, { mainForm: filing.mainForm, sheets }, view);
    if (filing.blockingCount > 0) {
      await m.save(filing);
      throw new DomainError('PRTR_FILING_HAS_BLOCKING_ERRORS', { issues: filing.issues.filter((i) => i.tier === 'blocking') });
    }
    const now = this.clock.now();
    const filingYear = filingYearOf(filing.fiscalYear);
    const status = windowStatus(now, filingYear, this.deadlines);
    if (status === 'not_open') throw new DomainError('PRTR_FILING_WINDOW_NOT_OPEN', { window: filingWindow(filingYear, this.deadlines) });
    let reference: string;
    let late = status === 'late';
    if (filing.amendsFilingId) {
      const previous = await m.getRepository(PrtrFiling).findOne({ where: { id: filing.amendsFilingId }, lock: { mode: 'pessimistic_write' } });
      if (previous && CURRENT_STATUSES.includes(previous.status)) {
        if (!viaInquiry) await this.assertNoOpenInquiry(m, previous.id);
        late = previous.late; // an amendment is as timely as the filing it replaces
        if (!amendmentsOpen(now, filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF)) {
          throw new DomainError('PRTR_AMENDMENT_CUTOFF_PASSED', { cutoff: amendmentCutoffDate(filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF) });
        }
        await m.query(`UPDATE prtr_filings SET status = 'superseded', closed_at = now(), updated_at = now() WHERE id = $1`, [previous.id]);
      }
      const base = (previous?.referenceNumber ?? (await this.nextReference(m, filing))).replace(/-V\d+$/, '');
      reference = `${base}-V${filing.version}`;
    } else {
      reference = await this.nextReference(m, filing);
    }
    filing.status = 'filed';
    filing.referenceNumber = reference;
    filing.filedAt = now;
    filing.filedBy = actor.id;
    filing.late = late;
    await m.save(filing);
    await this.notify(m, filing, 'prtr.filing.filed', { filedAt: now.toISOString(), late: filing.late });
    await this.notify(m, filing, 'prtr.filing.received', { late: filing.late }, 'local');
    requestContext.noteChange({ status: 'draft' }, { status: 'filed', referenceNumber: reference, late: filing.late });
  }

  /** 整理番号: prefecture-fiscal year-sequence, e.g. 13-2025-000001. */
  private async nextReference(m: EntityManager, filing: PrtrFiling): Promise<string> {
    const [{ last_value }] = await m.query(
      `INSERT INTO prtr_reference_counters (prefecture_code, fiscal_year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (prefecture_code, fiscal_year) DO UPDATE SET last_value = prtr_reference_counters.last_value + 1
       RETURNING last_value`,
      [filing.prefectureCode, filing.fiscalYear],
    );
    return `${filing.prefectureCode}-${filing.fiscalYear}-${String(last_value).padStart(6, '0')}`;
  }

  /** POST /prtr/filings/{id}/amendments: a new draft version of a current filing (変更届出). */
  async createAmendment(actor: Actor, id: string, content: FilingContent) {
    const newId = await this.db.transaction((m) => this.amend(m, actor, id, content));
    return this.view(actor, newId);
  }

  /** Used by the amendment route and by an inquiry's amendment answer (which then files it at once). */
  async amend(m: EntityManager, actor: Actor, id: string, content: FilingContent, viaInquiry = false): Promise<string> {
    const original = await this.visible(actor, id, m, true);
    if (actor.role !== 'prtr_filer') throw new DomainError('PRTR_FILING_NOT_FOUND');
    if (!CURRENT_STATUSES.includes(original.status)) throw new DomainError('PRTR_INVALID_STATUS', { status: original.status });
    if (!viaInquiry) await this.assertNoOpenInquiry(m, original.id);
    const filingYear = filingYearOf(original.fiscalYear);
    if (!amendmentsOpen(this.clock.now(), filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF)) {
      throw new DomainError('PRTR_AMENDMENT_CUTOFF_PASSED', { cutoff: amendmentCutoffDate(filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF) });
    }
    const facility = await m.getRepository(PrtrFacility).findOneByOrFail({ id: original.facilityId });
    return this.insertVersion(m, actor, facility, original.fiscalYear, content, original);
  }

  /** The filer's current filing with this reference number (an imported file names what it amends). */
  async currentByReference(actor: Actor, referenceNumber: string, facilityId: string | null): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT id, facility_id FROM prtr_filings WHERE business_id = $1 AND status IN ('filed','local_accepted','ministry_accepted')
          AND regexp_replace(reference_number, '-V[0-9]+$', '') = regexp_replace($2, '-V[0-9]+$', '')`,
      [actor.prtrBusinessId, referenceNumber],
    );
    if (row && facilityId && row.facility_id !== facilityId) {
      throw new DomainError('VALIDATION_FAILED', {
        fields: [{ field: 'facilityId', problems: ['整理番号の届出と事業所が一致しません (the reference number belongs to another facility)'] }],
      });
    }
    return row?.id ?? null;
  }

  /** Files a draft inside the caller's transaction (an inquiry's amendment answer). */
  async fileInTransaction(m: EntityManager, actor: Actor, id: string) {
    const filing = await this.ownDraft(m, actor, id);
    await this.fileDraft(m, actor, filing, true);
  }

  /** An open or answered inquiry is settled first: by its answer, then the local government's close. */
  private async assertNoOpenInquiry(m: EntityManager, filingId: string) {
    const [open] = await m.query(`SELECT id FROM prtr_inquiries WHERE filing_id = $1 AND status <> 'closed'`, [filingId]);
    if (open) throw new DomainError('PRTR_INQUIRY_OPEN', { inquiryId: open.id });
  }

  // ---- acceptance ----------------------------------------------------------------------------

  /** The two acceptance steps: the local government's (of a filed filing), then the ministry's. */
  private static readonly ACCEPTANCE = {
    local: { from: 'filed', to: 'local_accepted', at: 'localAcceptedAt', by: 'localAcceptedBy' },
    ministry: { from: 'local_accepted', to: 'ministry_accepted', at: 'ministryAcceptedAt', by: 'ministryAcceptedBy' },
  } as const;

  async accept(actor: Actor, id: string, stage: keyof typeof FilingsService.ACCEPTANCE) {
    const step = FilingsService.ACCEPTANCE[stage];
    await this.db.transaction(async (m) => {
      const filing = await this.visible(actor, id, m, true);
      if (filing.status !== step.from) throw new DomainError('PRTR_INVALID_STATUS', { status: filing.status, expected: step.from });
      await this.assertNoOpenInquiry(m, filing.id);
      const now = this.clock.now();
      filing.status = step.to;
      filing[step.at] = now;
      filing[step.by] = actor.id;
      await m.save(filing);
      await this.notify(m, filing, `prtr.filing.${step.to}`, { acceptedAt: now.toISOString() });
      if (stage === 'local') await this.notify(m, filing, 'prtr.filing.ready_for_ministry', {}, 'ministry');
      requestContext.noteChange({ status: step.from }, { status: step.to });
    });
    return this.view(actor, id);
  }

  /**
   * Queues a notice about a filing: to the filer's contact person, or to the officers of the
   * filing's prefecture (`local`) or of its minister (`ministry`).
   */
  async notify(m: EntityManager, filing: PrtrFiling, event: string, extra: Record<string, unknown>, to: 'filer' | 'local' | 'ministry' = 'filer') {
    const business = await m.getRepository(PrtrBusiness).findOneByOrFail({ id: filing.businessId });
    const facility = await m.getRepository(PrtrFacility).findOneByOrFail({ id: filing.facilityId });
    const prefectureName = await this.master.prefectureName(filing.prefectureCode, m);
    const recipients =
      to === 'filer'
        ? [business.contactEmail]
        : await officerEmails(m, to === 'local' ? { prefectureCode: filing.prefectureCode } : { ministerCode: filing.ministerCode! });
    await this.notifications.enqueue(m, {
      event,
      key: `${event}:${filing.id}:${String(extra.key ?? '')}`,
      recipients,
      payload: {
        businessName: business.name,
        contactName: business.contactName,
        referenceNumber: filing.referenceNumber,
        facilityName: facility.name,
        fiscalYear: filing.fiscalYear,
        prefectureName,
        ...extra,
      },
      subjectType: 'prtr_filing',
      subjectId: filing.id,
    });
  }

  // ---- read ----------------------------------------------------------------------------------

  async list(actor: Actor, query: FilingListQuery): Promise<Page<Record<string, unknown>>> {
    const qb = this.db.getRepository(PrtrFiling).createQueryBuilder('f').leftJoinAndSelect('f.facility', 'facility');
    if (actor.role === 'prtr_filer') qb.andWhere('f.business_id = :b', { b: actor.prtrBusinessId });
    else if (actor.role === 'prtr_local_gov') qb.andWhere(`f.prefecture_code = :p AND f.status <> 'draft'`, { p: actor.prtrPrefectureCode });
    else if (actor.role === 'prtr_ministry') qb.andWhere(`f.minister_code = :mc AND f.status <> 'draft'`, { mc: actor.prtrMinisterCode });
    else qb.andWhere('false');
    if (query.status) qb.andWhere('f.status = :status', { status: query.status });
    if (query.fiscalYear) qb.andWhere('f.fiscal_year = :fy', { fy: query.fiscalYear });
    const page = await paginate(qb, query, { timeColumn: 'f.updated_at', idColumn: 'f.id', time: (f) => f.updatedAt, id: (f) => f.id });
    return {
      items: page.items.map((f) => ({
        id: f.id,
        referenceNumber: f.referenceNumber,
        fiscalYear: f.fiscalYear,
        version: f.version,
        status: f.status,
        late: f.late,
        facility: { id: f.facilityId, name: f.facility?.name },
        prefectureCode: f.prefectureCode,
        ministerCode: f.ministerCode,
        blockingCount: f.blockingCount,
        filedAt: f.filedAt,
        updatedAt: f.updatedAt,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** The whole filing as an export takes it (scope-checked). */
  async record(actor: Actor, id: string, m: EntityManager = this.db.manager): Promise<FilingRecord> {
    const f = await this.visible(actor, id, m);
    return this.toRecord(f, m);
  }

  async toRecord(f: PrtrFiling, m: EntityManager = this.db.manager): Promise<FilingRecord> {
    const view = await this.master.forFiscalYear(f.fiscalYear, m);
    const rows = await m.getRepository(PrtrFilingSheet).find({ where: { filingId: f.id }, order: { sheetNo: 'ASC' } });
    const substances = new Map(rows.flatMap((r) => { const s = view.substance(r.substanceNumber); return s ? [[r.substanceNumber, s] as const] : []; }));
    const [amends] = f.amendsFilingId ? await m.query(`SELECT reference_number FROM prtr_filings WHERE id = $1`, [f.amendsFilingId]) : [];
    return {
      id: f.id,
      referenceNumber: f.referenceNumber,
      fiscalYear: f.fiscalYear,
      version: f.version,
      amendsReferenceNumber: amends?.reference_number ?? null,
      status: f.status,
      filedAt: f.filedAt,
      late: f.late,
      localAcceptedAt: f.localAcceptedAt,
      ministryAcceptedAt: f.ministryAcceptedAt,
      facilityId: f.facilityId,
      prefecture: { code: f.prefectureCode, name: await this.master.prefectureName(f.prefectureCode, m) },
      minister: { code: f.ministerCode ?? '', name: f.ministerCode ? view.ministerName(f.ministerCode) ?? f.ministerCode : '' },
      mainIndustryName: view.industry(f.mainForm.mainIndustryCode)?.name ?? null,
      content: { mainForm: f.mainForm, sheets: rows.map(toSheet) },
      substances,
    };
  }

  async view(actor: Actor, id: string) {
    const f = await this.visible(actor, id);
    const record = await this.toRecord(f);
    const filingYear = filingYearOf(f.fiscalYear);
    const window = filingWindow(filingYear, this.deadlines);
    const group = (tier: ValidationIssue['tier']) => f.issues.filter((i) => i.tier === tier);
    const inquiries = await this.db.query(
      `SELECT id, status, message, raised_at AS "raisedAt", answer_type AS "answerType", answer_text AS "answerText",
              amendment_filing_id AS "amendmentFilingId", answered_at AS "answeredAt", closed_at AS "closedAt",
              decision, decision_note AS "decisionNote"
         FROM prtr_inquiries WHERE filing_id = $1 ORDER BY raised_at`,
      [f.id],
    );
    return {
      id: f.id,
      referenceNumber: f.referenceNumber,
      fiscalYear: f.fiscalYear,
      version: f.version,
      amendsFilingId: f.amendsFilingId,
      amendsReferenceNumber: record.amendsReferenceNumber,
      status: f.status,
      late: f.late,
      filedAt: f.filedAt,
      localAcceptedAt: f.localAcceptedAt,
      ministryAcceptedAt: f.ministryAcceptedAt,
      businessId: f.businessId,
      facilityId: f.facilityId,
      prefecture: record.prefecture,
      minister: f.ministerCode ? record.minister : null,
      mainForm: f.mainForm,
      sheets: record.content.sheets.map((s, i) => ({
        sheetNumber: i + 1,
        substanceName: record.substances.get(s.substanceNumber)?.name ?? null,
        unit: record.substances.get(s.substanceNumber)?.unit ?? null,
        ...s,
      })),
      validation: { blocking: group('blocking'), warnings: group('warning'), priorYear: group('prior_year'), canFile: !hasBlocking(f.issues) },
      window: {
        ...window,
        status: windowStatus(this.clock.now(), filingYear, this.deadlines),
        amendmentCutoff: amendmentCutoffDate(filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF),
      },
      inquiries,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
    };
  }

  /** Accepted filings addressed to a ministry for a fiscal year (the public CSV's rows). */
  async acceptedForMinistry(actor: Actor, fiscalYear: number): Promise<FilingRecord[]> {
    const filings = await this.db.getRepository(PrtrFiling).find({
      where: { ministerCode: actor.prtrMinisterCode!, fiscalYear, status: 'ministry_accepted' },
      order: { referenceNumber: 'ASC' },
    });
    const records: FilingRecord[] = [];
    for (const f of filings) records.push(await this.toRecord(f));
    return records;
  }
}
