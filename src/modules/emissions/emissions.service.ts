import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { sqlState } from '../../core/errors/database-errors';
import { DomainError } from '../../core/errors/domain-error';
import { XLSX_MEDIA_TYPE } from '../../core/http/files';
import { requestContext } from '../../core/logging/request-context';
import { DirectoryService } from '../identity/directory.service';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import type { CreatePhaseDto, JoinPhaseDto } from './dto/emissions.dto';
import { PhaseParticipant } from './entities/phase-participant.entity';
import { Phase } from './entities/phase.entity';
import { ReportFile, type ReportFileKind } from './entities/report-file.entity';
import { ReportTransition } from './entities/report-transition.entity';
import { Report, type ReportKind } from './entities/report.entity';
import './emissions-errors';
import { deadlinePassed } from './banking.service';
import { parseReport } from './excel/parse';
import { buildTemplate } from './excel/template';
import { assertPlainXlsx, sniff } from './excel/xlsx-guard';
import { decide, type ReportAction } from './transitions';

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

const MEDIA: Record<string, string> = {
  'xlsx-zip': XLSX_MEDIA_TYPE,
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

/** Phases, reports, their files and their state machine; confirmations feed the ledger. */
@Injectable()
export class EmissionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly directory: DirectoryService,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
  ) {}

  // ---- phases -----------------------------------------------------------------------------

  async createPhase(dto: CreatePhaseDto) {
    if (!(dto.baseFiscalYear < dto.targetFiscalYear && dto.targetFiscalYear < dto.adjustmentFiscalYear)) {
      throw new DomainError('VALIDATION_FAILED', {
        fields: [{ field: 'targetFiscalYear', problems: ['年度は 設備導入年度 < 削減目標年度 < 調整・自主削減年度 の順にしてください (base < target < adjustment fiscal years)'] }],
      });
    }
    // The adjustment fiscal year N runs April N – March N+1; its November is in year N.
    const deadline = dto.retirementDeadline ?? `${dto.adjustmentFiscalYear}-11-30`;
    // DOMAIN.md §3: JAA covering the target year's emissions are retired by the deadline in the
    // adjustment year, i.e. after the target year has ended. A deadline before the adjustment fiscal
    // year starts (April 1) could never be met; this also refuses one before the base year.
    const adjustmentStart = `${dto.adjustmentFiscalYear}-04-01`;
    if (deadline < adjustmentStart) {
      throw new DomainError('VALIDATION_FAILED', {
        fields: [
          {
            field: 'retirementDeadline',
            problems: [`retirementDeadline は調整・自主削減年度の開始日（${adjustmentStart}）以降の日付にしてください (must be on or after the start of the adjustment fiscal year, ${adjustmentStart})`],
          },
        ],
      });
    }
    if (await this.db.getRepository(Phase).exists({ where: { name: dto.name } })) throw new DomainError('PHASE_EXISTS');
    try {
      return await this.db.getRepository(Phase).save({ ...dto, retirementDeadline: deadline });
    } catch (error) {
      // a concurrent request with the same name won the race after the exists-check above
      if (sqlState(error) === '23505' && violatedConstraint(error) === 'uq_phases_name') throw new DomainError('PHASE_EXISTS');
      throw error;
    }
  }

  listPhases() {
    return this.db.getRepository(Phase).find({ order: { adoptedFiscalYear: 'DESC', name: 'ASC' } });
  }

  /** A holder joins a phase with its reduction target: its three reports are created. */
  async joinPhase(phaseId: string, dto: JoinPhaseDto, actor: Actor) {
    const phase = await this.phase(phaseId);
    await this.directory.visibleHolder(actor, dto.targetHolderId);
    return this.db.transaction(async (m) => {
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(PhaseParticipant)
        .values({ phaseId, targetHolderId: dto.targetHolderId, reductionTarget: new Decimal(dto.reductionTarget) })
        .orIgnore()
        .returning(['phase_id'])
        .execute();
      if (!inserted.raw.length) throw new DomainError('ALREADY_IN_PHASE');
      const years: Record<ReportKind, number> = {
        base_year: phase.baseFiscalYear,
        target_year: phase.targetFiscalYear,
        adjustment_year: phase.adjustmentFiscalYear,
      };
      const reports = await m.save(
        (Object.keys(years) as ReportKind[]).map((kind) =>
          m.create(Report, { targetHolderId: dto.targetHolderId, phaseId, kind, fiscalYear: years[kind] }),
        ),
      );
      return { phaseId, targetHolderId: dto.targetHolderId, reductionTarget: new Decimal(dto.reductionTarget).toFixed(), reports: reports.map((r) => this.reportView(r)) };
    });
  }

  private async phase(id: string, m: EntityManager = this.db.manager) {
    const phase = await m.findOneBy(Phase, { id });
    if (!phase) throw new DomainError('PHASE_NOT_FOUND');
    return phase;
  }

  // ---- reports ----------------------------------------------------------------------------

  /** The report if this login may see it (holder A/B own, assigned verifier, secretariat), else 404. */
  async visibleReport(actor: Actor, reportId: string, m: EntityManager = this.db.manager, lock = false) {
    const report = await m.findOne(Report, { where: { id: reportId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!report) throw new DomainError('REPORT_NOT_FOUND');
    try {
      await this.directory.visibleHolder(actor, report.targetHolderId, m);
    } catch {
      throw new DomainError('REPORT_NOT_FOUND');
    }
    return report;
  }

  reportView(r: Report) {
    return {
      id: r.id,
      targetHolderId: r.targetHolderId,
      phaseId: r.phaseId,
      kind: r.kind,
      fiscalYear: r.fiscalYear,
      status: r.status,
      emissions: r.emissions ? r.emissions.toFixed(3) : null,
      currentFileId: r.currentFileId,
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  async holderReports(actor: Actor, holderId: string) {
    await this.directory.visibleHolder(actor, holderId);
    const reports = await this.db.getRepository(Report).find({ where: { targetHolderId: holderId }, relations: { phase: true } });
    const order: ReportKind[] = ['base_year', 'target_year', 'adjustment_year'];
    return {
      items: reports
        .sort((a, b) => b.phase!.adoptedFiscalYear - a.phase!.adoptedFiscalYear || order.indexOf(a.kind) - order.indexOf(b.kind))
        .map((r) => ({ ...this.reportView(r), phaseName: r.phase!.name })),
    };
  }

  async reportDetail(actor: Actor, reportId: string) {
    const report = await this.visibleReport(actor, reportId);
    const transitions = await this.db.getRepository(ReportTransition).find({ where: { reportId }, order: { id: 'ASC' } });
    return {
      ...this.reportView(report),
      history: transitions.map((t) => ({
        from: t.fromStatus,
        action: t.action,
        to: t.toStatus,
        actorRole: t.actorRole,
        comment: t.comment,
        at: t.at.toISOString(),
      })),
      files: await this.files(actor, report),
    };
  }

  /** Holders see the verification report and review documents once a verification report exists. */
  private async files(actor: Actor, report: Report) {
    const files = await this.db.getRepository(ReportFile).find({ where: { reportId: report.id }, order: { uploadedAt: 'ASC' } });
    const verified = files.some((f) => f.kind === 'verification');
    const holder = actor.role === 'holder_a' || actor.role === 'holder_b';
    return files
      .filter((f) => !holder || verified || (f.kind !== 'verification' && f.kind !== 'review'))
      .map((f) => ({
        id: f.id,
        kind: f.kind,
        fileName: f.fileName,
        mediaType: f.mediaType,
        size: f.size,
        sha256: f.sha256,
        comment: f.comment,
        uploadedAt: f.uploadedAt.toISOString(),
        authoritative: f.id === report.currentFileId,
      }));
  }

  async download(actor: Actor, fileId: string) {
    const file = await this.db.getRepository(ReportFile).createQueryBuilder('f').addSelect('f.content').where('f.id = :fileId', { fileId }).getOne();
    if (!file) throw new DomainError('FILE_NOT_FOUND');
    let report: Report;
    try {
      report = await this.visibleReport(actor, file.reportId);
    } catch {
      throw new DomainError('FILE_NOT_FOUND');
    }
    const listed = await this.files(actor, report);
    if (!listed.some((f) => f.id === file.id)) throw new DomainError('FILE_NOT_FOUND');
    return file;
  }

  async template(actor: Actor, reportId?: string) {
    if (!reportId) return buildTemplate();
    const report = await this.visibleReport(actor, reportId);
    const holder = await this.directory.visibleHolder(actor, report.targetHolderId);
    return buildTemplate({ holderNumber: holder.holderNumber, facility: holder.facilityName, fiscalYear: report.fiscalYear, kind: report.kind });
  }

  /** Upload of the calculation report: parsed and recomputed before anything is stored. */
  async uploadCalculation(actor: Actor, reportId: string, file: UploadedFile | undefined) {
    const report = await this.visibleReport(actor, reportId);
    if (!file) throw new DomainError('FILE_REQUIRED');
    this.check(report, 'upload', actor);
    const holder = await this.directory.visibleHolder(actor, report.targetHolderId);
    const parsed = await parseReport(file.buffer, { holderNumber: holder.holderNumber, fiscalYear: report.fiscalYear, kind: report.kind });
    return this.db.transaction(async (m) => {
      const locked = await this.visibleReport(actor, reportId, m, true);
      const to = this.check(locked, 'upload', actor);
      const stored = await this.store(m, locked, 'calculation', file, actor, null, MEDIA['xlsx-zip']);
      await m.update(Report, { id: locked.id }, { status: to, emissions: parsed.total, currentFileId: stored.id });
      await this.record(m, locked, 'upload', to, actor, null);
      requestContext.noteChange(
        { status: locked.status, emissions: locked.emissions?.toFixed(3) ?? null, fileId: locked.currentFileId },
        { status: to, emissions: parsed.total.toFixed(3), fileId: stored.id },
      );
      return {
        ...this.reportView({ ...locked, status: to, emissions: parsed.total, currentFileId: stored.id, updatedAt: new Date() } as Report),
        rows: parsed.rows.length,
        file: { id: stored.id, sha256: stored.sha256, size: stored.size },
      };
    });
  }

  async addAttachment(actor: Actor, reportId: string, file: UploadedFile | undefined) {
    return this.addFile(actor, reportId, file, 'attachment', null, (r) => {
      if (!['not_submitted', 'registered'].includes(r.status)) throw new DomainError('INVALID_TRANSITION', { status: r.status, action: 'attach' });
    });
  }

  async addVerificationReport(actor: Actor, reportId: string, file: UploadedFile | undefined) {
    return this.addFile(actor, reportId, file, 'verification', null, (r) => {
      if (r.kind === 'adjustment_year') throw new DomainError('FORBIDDEN');
      if (r.status !== 'verification_requested') throw new DomainError('INVALID_TRANSITION', { status: r.status, action: 'register_verification_report' });
    });
  }

  async addReviewDocument(actor: Actor, reportId: string, file: UploadedFile | undefined, comment: string | undefined) {
    await this.visibleReport(actor, reportId);
    if (!file && !comment) throw new DomainError('COMMENT_REQUIRED');
    return this.addFile(actor, reportId, file, 'review', comment ?? null, (r) => {
      if (!['verification_requested', 'approval_requested', 'approved'].includes(r.status)) {
        throw new DomainError('INVALID_TRANSITION', { status: r.status, action: 'review_document' });
      }
    }, true);
  }

  private async addFile(
    actor: Actor,
    reportId: string,
    file: UploadedFile | undefined,
    kind: ReportFileKind,
    comment: string | null,
    guard: (r: Report) => void,
    fileOptional = false,
  ) {
    await this.visibleReport(actor, reportId);
    if (!file && !fileOptional) throw new DomainError('FILE_REQUIRED');
    let media = 'text/plain';
    if (file) {
      const sniffed = sniff(file.buffer);
      if (!MEDIA[sniffed]) throw new DomainError('FILE_TYPE_NOT_ALLOWED', { detected: sniffed });
      if (sniffed === 'xlsx-zip') assertPlainXlsx(file.buffer); // no macros, no bombs, even as an attachment
      media = MEDIA[sniffed];
    }
    return this.db.transaction(async (m) => {
      const report = await this.visibleReport(actor, reportId, m, true);
      guard(report);
      const stored = await this.store(m, report, kind, file ?? { originalname: 'comment.txt', mimetype: media, size: 0, buffer: Buffer.alloc(0) }, actor, comment, media);
      if (kind === 'review') await this.notifyReport(m, report, 'review_document', comment ?? '', `report.review_document:${stored.id}`);
      return { id: stored.id, kind, fileName: stored.fileName, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256 };
    });
  }

  private async store(m: EntityManager, report: Report, kind: ReportFileKind, file: UploadedFile, actor: Actor, comment: string | null, media: string) {
    const name = (file.originalname || 'file').replace(/[\\/\0]/g, '_').slice(0, 255);
    const values = {
      reportId: report.id,
      kind,
      fileName: name,
      mediaType: media,
      size: file.buffer.length,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      content: file.buffer,
      comment,
      uploadedBy: actor.id,
    };
    // The upload order decides whether a verification report covers the current calculation file
    // (currentFileVerified). now() is the transaction's start, taken before the report row lock;
    // clock_timestamp() is taken here, under that lock, so the files of one report are strictly
    // ordered by uploaded_at (microseconds) in the order their transactions held the lock.
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(ReportFile)
      .values({ ...values, uploadedAt: () => 'clock_timestamp()' })
      .returning(['id', 'uploaded_at'])
      .execute();
    const row = inserted.raw[0] as { id: string; uploaded_at: Date };
    return m.create(ReportFile, { ...values, id: row.id, uploadedAt: row.uploaded_at });
  }

  /**
   * Whether a verification report was registered after the report's current (authoritative)
   * calculation file: an older one verified figures that have since been replaced.
   */
  private async currentFileVerified(m: EntityManager, report: Report) {
    if (!report.currentFileId) return false;
    const [{ ok }] = await m.query(
      `SELECT EXISTS (
         SELECT 1 FROM report_files v JOIN report_files c ON c.id = $2 AND c.report_id = v.report_id
          WHERE v.report_id = $1 AND v.kind = 'verification' AND v.uploaded_at > c.uploaded_at
       ) AS ok`,
      [report.id, report.currentFileId],
    );
    return ok === true;
  }

  /** Decides with the transition table: 403 for a role that never may, 409 from a wrong state. */
  private check(report: Report, action: ReportAction, actor: Actor) {
    const d = decide(report.kind, report.status, action, actor.role);
    if (!d.ok) {
      if (d.reason === 'role') throw new DomainError('FORBIDDEN', { action });
      throw new DomainError('INVALID_TRANSITION', { status: report.status, action });
    }
    return d.to;
  }

  async transition(actor: Actor, reportId: string, action: ReportAction, comment: string | undefined) {
    return this.db.transaction(async (m) => {
      const report = await this.visibleReport(actor, reportId, m, true);
      const to = this.check(report, action, actor);
      if (action === 'send_back' && !comment?.trim()) throw new DomainError('COMMENT_REQUIRED');
      // A verification report verifies one calculation file: it must postdate the current one.
      if (action === 'request_approval' && !(await this.currentFileVerified(m, report))) {
        throw new DomainError('VERIFICATION_REPORT_REQUIRED', { currentFileId: report.currentFileId });
      }
      await m.update(Report, { id: report.id }, { status: to });
      await this.record(m, report, action, to, actor, comment ?? null);
      if (action === 'approve') await this.confirm(m, report);
      return this.reportView({ ...report, status: to, updatedAt: new Date() } as Report);
    });
  }

  /** Approval confirms emissions: base year → the ledger's issuance terms; target year → the obligation. */
  private async confirm(m: EntityManager, report: Report) {
    const participant = await m.findOneOrFail(PhaseParticipant, {
      where: { phaseId: report.phaseId, targetHolderId: report.targetHolderId },
      lock: { mode: 'pessimistic_write' },
    });
    const phase = await this.phase(report.phaseId, m);
    if (report.kind === 'base_year') {
      await m.update(PhaseParticipant, { phaseId: report.phaseId, targetHolderId: report.targetHolderId }, { baseYearEmissions: report.emissions });
      await this.ledger.setComplianceTerms(
        report.targetHolderId,
        { phase: phase.name, baseYearEmissions: report.emissions!.toFixed(3), reductionTarget: participant.reductionTarget.toFixed(3) },
        m,
      );
    } else if (report.kind === 'target_year') {
      await m.update(PhaseParticipant, { phaseId: report.phaseId, targetHolderId: report.targetHolderId }, { targetYearEmissions: report.emissions });
    }
  }

  private async record(m: EntityManager, report: Report, action: ReportAction, to: string, actor: Actor, comment: string | null) {
    requestContext.noteChange({ status: report.status }, { status: to });
    const inserted = await m.insert(ReportTransition, { reportId: report.id, fromStatus: report.status, action, toStatus: to, actorId: actor.id, actorRole: actor.role, comment });
    await this.notifyReport(m, report, action, comment ?? '', `report.${action}:${inserted.identifiers[0].id}`);
  }

  /** Report events are emissions management: emails A and B; verification requests and send-backs also reach the verifier. */
  private async notifyReport(m: EntityManager, report: Report, action: ReportAction | 'review_document', comment: string, key: string) {
    const [holder] = await m.query(
      `SELECT h.holder_number, h.representative_name, h.contact_email_a, h.contact_email_b, v.email AS verifier_email
         FROM target_holders h
         LEFT JOIN verifier_assignments va ON va.target_holder_id = h.id AND va.ended_at IS NULL
         LEFT JOIN verifiers v ON v.id = va.verifier_id
        WHERE h.id = $1`,
      [report.targetHolderId],
    );
    // Report events are emissions management: emails A and B; verification requests and
    // send-backs also reach the verifier; approval requests reach the secretariat's mailbox.
    const toVerifier = ['request_verification', 'request_send_back', 'send_back', 'review_document'].includes(action);
    await this.notifications.enqueue(m, {
      event: `report.${action}`,
      key,
      recipients: [holder.contact_email_a, holder.contact_email_b, toVerifier ? holder.verifier_email : null],
      toSecretariat: action === 'request_approval',
      payload: {
        holderNumber: holder.holder_number,
        holderName: holder.representative_name,
        kind: report.kind,
        fiscalYear: report.fiscalYear,
        action,
        comment: comment || null,
      },
      subjectType: 'report',
      subjectId: report.id,
    });
  }

  // ---- compliance (home figures) ----------------------------------------------------------

  async compliance(actor: Actor, holderId: string, phaseId?: string, now = new Date()) {
    await this.directory.visibleHolder(actor, holderId);
    const participant = await this.db.getRepository(PhaseParticipant).findOne({
      where: { targetHolderId: holderId, ...(phaseId ? { phaseId } : {}) },
      relations: { phase: true },
      order: { joinedAt: 'DESC' },
    });
    if (!participant) throw new DomainError('PHASE_NOT_FOUND');
    const phase = participant.phase!;
    const emissions = {
      phaseId: phase.id,
      phase: phase.name,
      baseYearEmissions: participant.baseYearEmissions?.toFixed(3) ?? null,
      targetYearEmissions: participant.targetYearEmissions?.toFixed(3) ?? null,
    };
    if (actor.role === 'holder_b') return emissions; // B sees no allowance figures
    const figures = await this.ledger.complianceFigures(holderId);
    const inPhase = figures?.phase === phase.name;
    const obligation = participant.targetYearEmissions ? participant.targetYearEmissions.ceil() : null;
    const retired = inPhase ? figures!.retired : new Decimal(0);
    const status = obligation && retired.gte(obligation) ? 'met' : deadlinePassed(phase, now) ? 'not_met' : 'pending';
    return {
      ...emissions,
      reductionTarget: participant.reductionTarget.toFixed(3),
      jaaIssued: inPhase ? figures!.issued.toFixed(0) : '0',
      jaaRetired: retired.toFixed(0),
      obligation: obligation?.toFixed(0) ?? null,
      retirementDeadline: phase.retirementDeadline,
      banked: participant.banked.toFixed(0),
      status,
    };
  }
}

/** The constraint (or unique index) a server error names: the driver's, or TypeORM's wrapping it. */
function violatedConstraint(error: unknown): string | undefined {
  for (const e of [error, (error as { driverError?: unknown } | null)?.driverError] as ({ constraint?: unknown } | null | undefined)[]) {
    if (e && typeof e === 'object' && typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}
