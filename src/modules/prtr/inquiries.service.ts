import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { DomainError } from '../../core/errors/domain-error';
import { requestContext } from '../../core/logging/request-context';
import type { InquiryAnswerDto, InquiryCloseDto } from './dto/prtr.dto';
import { PrtrFiling, PrtrInquiry } from './entities/index';
import { CURRENT_STATUSES, FilingsService } from './filings.service';
import { amendmentCutoffDate, amendmentsOpen, filingYearOf } from './rules/window';

const ANSWER_LABELS = { no_change: '変更なし', amendment: '変更届出', withdrawal_request: '取下げ願い' } as const;

/**
 * 照会: the local government asks about a filed filing; the filer answers with no change (reason),
 * an amendment (a new full version, validated and filed at once) or a withdrawal request, which the
 * local government confirms. Closing an inquiry is the local government's.
 */
@Injectable()
export class InquiriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    private readonly filings: FilingsService,
  ) {}

  async raise(actor: Actor, filingId: string, message: string) {
    return this.db.transaction(async (m) => {
      const filing = await this.filings.visible(actor, filingId, m, true);
      if (actor.role !== 'prtr_local_gov') throw new DomainError('PRTR_FILING_NOT_FOUND');
      if (!CURRENT_STATUSES.includes(filing.status)) throw new DomainError('PRTR_INVALID_STATUS', { status: filing.status });
      const [open] = await m.query(`SELECT id FROM prtr_inquiries WHERE filing_id = $1 AND status <> 'closed'`, [filing.id]);
      if (open) throw new DomainError('PRTR_INQUIRY_OPEN', { inquiryId: open.id });
      const inquiry = await m.save(m.create(PrtrInquiry, { filingId: filing.id, message, raisedBy: actor.id, status: 'open' }));
      const cutoff = amendmentCutoffDate(filingYearOf(filing.fiscalYear), this.config.env.PRTR_AMENDMENT_CUTOFF);
      await this.filings.notify(m, filing, 'prtr.inquiry.raised', { key: inquiry.id, message, cutoff });
      return this.view(inquiry);
    });
  }

  /** The inquiry, if the actor may see its filing (filer of the business, officer of the prefecture). */
  private async visible(actor: Actor, id: string, m = this.db.manager, lock = false) {
    const inquiry = await m.getRepository(PrtrInquiry).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!inquiry) throw new DomainError('PRTR_INQUIRY_NOT_FOUND');
    try {
      const filing = await this.filings.visible(actor, inquiry.filingId, m, lock);
      return { inquiry, filing };
    } catch (error) {
      // the filing out of the actor's sight: the inquiry is not there either (other errors pass through)
      if (error instanceof DomainError && error.code === 'PRTR_FILING_NOT_FOUND') throw new DomainError('PRTR_INQUIRY_NOT_FOUND');
      throw error;
    }
  }

  async get(actor: Actor, id: string) {
    return this.view((await this.visible(actor, id)).inquiry);
  }

  async answer(actor: Actor, id: string, dto: InquiryAnswerDto) {
    const fields: { field: string; problems: string[] }[] = [];
    const text = dto.text?.trim() ?? '';
    if (dto.type !== 'amendment' && !text) fields.push({ field: 'text', problems: ['理由を入力してください (give the reason)'] });
    if (dto.type === 'amendment' && !dto.filing) fields.push({ field: 'filing', problems: ['変更後の届出内容が必要です (the amended filing is required)'] });
    if (dto.type !== 'amendment' && dto.filing) fields.push({ field: 'filing', problems: ['変更届出のときだけ指定します (only with an amendment)'] });
    if (fields.length) throw new DomainError('VALIDATION_FAILED', { fields });
    return this.db.transaction(async (m) => {
      if (actor.role !== 'prtr_filer') throw new DomainError('PRTR_INQUIRY_NOT_FOUND');
      const { inquiry, filing } = await this.visible(actor, id, m, true);
      if (inquiry.status !== 'open') throw new DomainError('PRTR_INQUIRY_NOT_OPEN', { status: inquiry.status });
      if (!CURRENT_STATUSES.includes(filing.status)) throw new DomainError('PRTR_INVALID_STATUS', { status: filing.status });
      const filingYear = filingYearOf(filing.fiscalYear);
      if (dto.type !== 'no_change' && !amendmentsOpen(this.filings.clock.now(), filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF)) {
        throw new DomainError('PRTR_AMENDMENT_CUTOFF_PASSED', { cutoff: amendmentCutoffDate(filingYear, this.config.env.PRTR_AMENDMENT_CUTOFF) });
      }
      let amendmentId: string | null = null;
      if (dto.type === 'amendment') {
        // the same path as any amendment: a new full version, validated; blocking errors refuse it all
        amendmentId = await this.filings.amend(m, actor, filing.id, { mainForm: dto.filing!.mainForm, sheets: dto.filing!.sheets }, true);
        await this.filings.fileInTransaction(m, actor, amendmentId);
      }
      inquiry.status = 'answered';
      inquiry.answerType = dto.type;
      inquiry.answerText = text || null;
      inquiry.amendmentFilingId = amendmentId;
      inquiry.answeredBy = actor.id;
      inquiry.answeredAt = this.filings.clock.now();
      await m.save(inquiry);
      await this.filings.notify(
        m,
        filing,
        'prtr.inquiry.answered',
        { key: inquiry.id, answerType: dto.type, answerLabel: ANSWER_LABELS[dto.type], answerText: text || null },
        'local',
      );
      requestContext.noteChange({ status: 'open' }, { status: 'answered', answerType: dto.type, amendmentFilingId: amendmentId });
      return this.view(inquiry);
    });
  }

  /**
   * The local government closes an answered inquiry. A withdrawal request is confirmed (the filing is
   * withdrawn) or declined (it stands); any other answer is simply accepted.
   */
  async close(actor: Actor, id: string, dto: InquiryCloseDto) {
    return this.db.transaction(async (m) => {
      if (actor.role !== 'prtr_local_gov') throw new DomainError('PRTR_INQUIRY_NOT_FOUND');
      const { inquiry, filing } = await this.visible(actor, id, m, true);
      if (inquiry.status !== 'answered') throw new DomainError('PRTR_INVALID_STATUS', { status: inquiry.status, expected: 'answered' });
      const isWithdrawal = inquiry.answerType === 'withdrawal_request';
      if (isWithdrawal && !dto.withdrawal) {
        throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'withdrawal', problems: ['取下げ願いには confirm または decline を指定してください (confirm or decline the withdrawal request)'] }] });
      }
      if (!isWithdrawal && dto.withdrawal) throw new DomainError('PRTR_NOT_A_WITHDRAWAL_REQUEST', { answerType: inquiry.answerType });
      const withdrawn = isWithdrawal && dto.withdrawal === 'confirm';
      inquiry.decision = !isWithdrawal ? 'accepted' : withdrawn ? 'withdrawal_confirmed' : 'withdrawal_declined';
      inquiry.decisionNote = dto.note?.trim() || null;
      if (withdrawn) {
        if (!CURRENT_STATUSES.includes(filing.status)) throw new DomainError('PRTR_INVALID_STATUS', { status: filing.status });
        await m.update(PrtrFiling, { id: filing.id }, { status: 'withdrawn', closedAt: this.filings.clock.now() });
        // a pending amendment of the withdrawn filing would otherwise bring it back when filed
        await m.query(`DELETE FROM prtr_filings WHERE amends_filing_id = $1 AND status = 'draft'`, [filing.id]);
      }
      inquiry.status = 'closed';
      inquiry.closedAt = this.filings.clock.now();
      inquiry.closedBy = actor.id;
      await m.save(inquiry);
      await this.filings.notify(m, filing, 'prtr.inquiry.closed', { key: inquiry.id, withdrawn, decision: inquiry.decision, note: inquiry.decisionNote });
      requestContext.noteChange({ status: 'answered' }, { status: 'closed', decision: inquiry.decision });
      return this.view(inquiry);
    });
  }

  private view(i: PrtrInquiry) {
    return {
      id: i.id,
      filingId: i.filingId,
      status: i.status,
      message: i.message,
      raisedAt: i.raisedAt,
      answerType: i.answerType,
      answerText: i.answerText,
      amendmentFilingId: i.amendmentFilingId,
      answeredAt: i.answeredAt,
      closedAt: i.closedAt,
      decision: i.decision,
      decisionNote: i.decisionNote,
    };
  }
}
