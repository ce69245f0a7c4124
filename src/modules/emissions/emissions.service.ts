import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { cutFileName, downloadFileName, XLSX_MEDIA_TYPE } from '../../core/http/files';
import { requestContext } from '../../core/logging/request-context';
import { DirectoryService } from '../identity/directory.service';
import { ModuleRef } from '@nestjs/core';
import { NotificationsService } from '../notifications/notifications.service';
import { ReportFile, type ReportFileKind } from './entities/report-file.entity';
import { ReportTransition } from './entities/report-transition.entity';
import { Report, type ReportKind } from './entities/report.entity';
import './emissions-errors';
import { REPORT_APPROVALS, type ReportApprovals } from './report-approvals';
import { FileWorkers } from '../../core/workers/workers.module';
import { inspectFile, readCalculationReport, writeTemplate } from './excel/tasks';
import { sniff } from './excel/xlsx-guard';
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

/** The file name extensions each accepted type may be uploaded under. */
const EXTENSIONS: Record<string, string[]> = {
  'xlsx-zip': ['xlsx'],
  pdf: ['pdf'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
};

/** Reports, their files and their state machine; approvals are announced to the compliance module. */
@Injectable()
export class EmissionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly directory: DirectoryService,
    private readonly notifications: NotificationsService,
    private readonly moduleRef: ModuleRef,
    private readonly workers: FileWorkers,
  ) {}

  private approvalsPort?: ReportApprovals;
  private approvals(): ReportApprovals {
    this.approvalsPort ??= this.moduleRef.get<ReportApprovals>(REPORT_APPROVALS, { strict: false });
    return this.approvalsPort;
  }

  // ---- reports of a phase (the compliance module creates them when a holder joins) ----------

  /** The holder's three reports of a phase, in the caller's transaction. */
  async createReports(m: EntityManager, targetHolderId: string, phaseId: string, years: Record<ReportKind, number>) {
    const reports = await m.save(
      (Object.keys(years) as ReportKind[]).map((kind) => m.create(Report, { targetHolderId, phaseId, kind, fiscalYear: years[kind] })),
    );
    return reports.map((r) => this.reportView(r));
  }

  /** Report statuses per holder in a phase: holder id → {kind: status}. */
  async reportStatuses(phaseId: string, m: EntityManager = this.db.manager): Promise<Map<string, Record<string, string>>> {
    const rows = await m.find(Report, { where: { phaseId } });
    const out = new Map<string, Record<string, string>>();
    for (const r of rows) out.set(r.targetHolderId, { ...(out.get(r.targetHolderId) ?? {}), [r.kind]: r.status });
    return out;
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
    const reports = await this.db.getRepository(Report).find({ where: { targetHolderId: holderId } });
    const phases = await this.approvals().phaseLabels([...new Set(reports.map((r) => r.phaseId))]);
    const order: ReportKind[] = ['base_year', 'target_year', 'adjustment_year'];
    const year = (r: Report) => phases.get(r.phaseId)?.adoptedFiscalYear ?? 0;
    return {
      items: reports
        .sort((a, b) => year(b) - year(a) || order.indexOf(a.kind) - order.indexOf(b.kind))
        .map((r) => ({ ...this.reportView(r), phaseName: phases.get(r.phaseId)?.name ?? '' })),
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

  /** The blank form depends on nothing in the request: written once (in a file worker) and kept. */
  private blankTemplate?: Promise<Buffer>;

  /** The designated form: blank (written once), or its header prefilled for a report (written per request); both in a file worker. */
  async template(actor: Actor, reportId?: string) {
    if (!reportId) {
      const blank = (this.blankTemplate ??= writeTemplate(this.workers));
      blank.catch(() => {
        if (this.blankTemplate === blank) this.blankTemplate = undefined; // a refusal (busy pool, shutdown) is not kept
      });
      return blank;
    }
    const report = await this.visibleReport(actor, reportId);
    const holder = await this.directory.visibleHolder(actor, report.targetHolderId);
    return writeTemplate(this.workers, { holderNumber: holder.holderNumber, facility: holder.facilityName, fiscalYear: report.fiscalYear, kind: report.kind });
  }

  /** Upload of the calculation report: parsed and recomputed before anything is stored. */
  async uploadCalculation(actor: Actor, reportId: string, file: UploadedFile | undefined) {
    const report = await this.visibleReport(actor, reportId);
    if (!file) throw new DomainError('FILE_REQUIRED');
    this.check(report, 'upload', actor);
    const holder = await this.directory.visibleHolder(actor, report.targetHolderId);
    // guard, parse and recomputation run in a file worker (time and memory limited), never on the event loop
    const parsed = await readCalculationReport(this.workers, file.buffer, { holderNumber: holder.holderNumber, fiscalYear: report.fiscalYear, kind: report.kind });
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
      // the name a download is saved under must say what the bytes are (no page.html holding a PDF)
      const saved = downloadFileName(file.originalname || 'file');
      const extension = saved.includes('.') ? saved.slice(saved.lastIndexOf('.') + 1).toLowerCase() : '';
      if (!EXTENSIONS[sniffed].includes(extension)) throw new DomainError('FILE_TYPE_MISMATCH', { detected: sniffed, extension, expected: EXTENSIONS[sniffed] });
      // xlsx: no macros, no bombs, nothing active, even as an attachment; PDF: no scripts or actions;
      // PNG, JPEG: nothing after the image, no archive inside (in a file worker)
      await inspectFile(this.workers, file.buffer);
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
    const name = cutFileName((file.originalname || 'file').replace(/[\\/\0]/g, '_'));
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

  /** Approval confirms emissions: the compliance module fixes the issuance or the obligation. */
  private async confirm(m: EntityManager, report: Report) {
    if (report.kind === 'adjustment_year') return;
    await this.approvals().reportApproved(m, { targetHolderId: report.targetHolderId, phaseId: report.phaseId, kind: report.kind, emissions: report.emissions! });
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
}
