import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { Clock } from '../../core/clock/clock';
import { DomainError } from '../../core/errors/domain-error';
import { requestContext } from '../../core/logging/request-context';
import { DirectoryService } from '../identity/directory.service';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import './compliance-errors';
import { BankingApplication } from './entities/banking-application.entity';
import { PhaseParticipant } from './entities/phase-participant.entity';
import { Phase } from './entities/phase.entity';
import { bankingWindowEnd, deadlineEnd, deadlinePassed, standing } from './rules';

/**
 * Banking (docs/domain.md §6, our rules): after a phase's deadline and within its banking window,
 * login A of a holder whose standing is met, or a trading participant, applies to bank up to its
 * unbanked units of the phase's vintage (pending applications together never exceed them); the
 * secretariat's approval marks those units banked in the ledger.
 */
@Injectable()
export class BankingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
  ) {}

  async apply(actor: Actor, phaseId: string, quantity: string, now = this.clock.now()) {
    const phase = await this.db.getRepository(Phase).findOne({ where: { id: phaseId } });
    if (!phase) throw new DomainError('PHASE_NOT_FOUND');
    if (phase.closedAt) throw new DomainError('PHASE_CLOSED', { phase: phase.code });
    if (!deadlinePassed(phase, now)) throw new DomainError('BANKING_NOT_OPEN', { retirementDeadline: phase.retirementDeadline });
    if (now > bankingWindowEnd(phase)) throw new DomainError('BANKING_WINDOW_CLOSED', { bankingWindowEndsAt: bankingWindowEnd(phase).toISOString() });
    const owner = actor.role === 'holder_a' ? { targetHolderId: actor.targetHolderId! } : { tradingParticipantId: actor.tradingParticipantId! };
    if (owner.targetHolderId) {
      const participant = await this.db.getRepository(PhaseParticipant).findOne({ where: { phaseId, targetHolderId: owner.targetHolderId } });
      if (!participant) throw new DomainError('PHASE_NOT_FOUND');
      const figures = await this.ledger.vintageFigures(phase.code, [owner.targetHolderId], deadlineEnd(phase));
      const s = standing(phase, figures.get(owner.targetHolderId), now, participant);
      if (s.status !== 'met') throw new DomainError('BANKING_NOT_ELIGIBLE', { status: s.status, shortfall: s.shortfall?.toFixed(0) ?? null });
    }
    const account = await this.ledger.accountOf(owner);
    const q = new Decimal(quantity);
    return this.db.transaction(async (m) => {
      // one applicant's applications are decided one after the other (an advisory lock per account)
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 14))`, [account.accountNumber]);
      const [{ pending }] = await m.query(
        `SELECT coalesce(sum(quantity), 0)::text AS pending FROM banking_applications WHERE account_number = $1 AND phase_id = $2 AND status = 'submitted'`,
        [account.accountNumber, phaseId],
      );
      const holding = await this.ledger.unbankedHolding(account.accountNumber, phase.code, m);
      if (new Decimal(pending).plus(q).gt(holding)) {
        throw new DomainError('BANKING_EXCEEDS_HOLDING', { holding: holding.toFixed(0), pending: new Decimal(pending).toFixed(0), requested: q.toFixed(0) });
      }
      const saved = await m.save(
        m.create(BankingApplication, {
          phaseId,
          targetHolderId: owner.targetHolderId ?? null,
          tradingParticipantId: owner.tradingParticipantId ?? null,
          accountNumber: account.accountNumber,
          quantity: q,
          submittedBy: actor.id,
        }),
      );
      return this.view(saved, phase.code);
    });
  }

  async list(actor: Actor) {
    const where =
      actor.role === 'secretariat' ? {} : actor.role === 'holder_a' ? { targetHolderId: actor.targetHolderId! } : { tradingParticipantId: actor.tradingParticipantId! };
    const items = await this.db.getRepository(BankingApplication).find({ where, relations: { phase: true }, order: { submittedAt: 'DESC' }, take: 200 });
    return { items: items.map((a) => this.view(a, a.phase!.code)) };
  }

  async decide(actor: Actor, id: string, approve: boolean, reason?: string) {
    return this.db.transaction(async (m) => {
      const app = await m.findOne(BankingApplication, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!app) throw new DomainError('APPLICATION_NOT_FOUND');
      if (app.status !== 'submitted') throw new DomainError('APPLICATION_ALREADY_DECIDED', { status: app.status });
      if (!approve && !reason?.trim()) {
        throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'reason', problems: ['理由を入力してください (a reason is required)'] }] });
      }
      const phase = await m.findOneOrFail(Phase, { where: { id: app.phaseId } });
      let serials: BankingApplication['serials'] = null;
      if (approve) {
        if (phase.closedAt) throw new DomainError('PHASE_CLOSED', { phase: phase.code });
        // the ledger marks the lowest unbanked serials of the vintage banked (refused if they are gone)
        serials = (await this.ledger.bankUnits(m, app.accountNumber, phase.code, app.quantity)).map(({ vintage, from, to }) => ({ vintage, from, to }));
      }
      const decided = {
        status: approve ? ('approved' as const) : ('rejected' as const),
        rejectionReason: approve ? null : reason!.trim(),
        serials,
        decidedBy: actor.id,
        decidedAt: new Date(),
      };
      await m.update(BankingApplication, { id }, decided);
      requestContext.noteChange({ status: app.status }, { status: decided.status, quantity: app.quantity.toFixed(0), serials });
      const recipient = await this.applicant(app, m);
      const event = approve ? 'banking.approved' : 'banking.rejected';
      await this.notifications.enqueue(m, {
        event,
        key: `${event}:${app.id}`,
        recipients: [recipient.email],
        payload: {
          holderNumber: recipient.number,
          holderName: recipient.name,
          quantity: app.quantity.toFixed(0),
          applicationId: app.id,
          reason: reason?.trim() ?? null,
        },
        subjectType: 'banking_application',
        subjectId: app.id,
      });
      return this.view({ ...app, ...decided }, phase.code);
    });
  }

  /** Whom a decision is sent to: the holder's email A (allowance information: never B) or the participant's contact. */
  private async applicant(app: BankingApplication, m: EntityManager) {
    if (app.targetHolderId) {
      const h = (await this.directory.holderContacts([app.targetHolderId], m)).get(app.targetHolderId)!;
      return { number: h.holderNumber, name: h.name, email: h.emailA };
    }
    const p = await this.directory.participantContact(app.tradingParticipantId!, m);
    return { number: p.participantNumber, name: p.name, email: p.email };
  }

  private view(a: BankingApplication, vintage: string) {
    return {
      id: a.id,
      phaseId: a.phaseId,
      vintage,
      targetHolderId: a.targetHolderId,
      tradingParticipantId: a.tradingParticipantId,
      accountNumber: a.accountNumber,
      quantity: a.quantity.toFixed(0),
      status: a.status,
      serials: a.serials,
      submittedAt: a.submittedAt.toISOString(),
      decidedAt: a.decidedAt ? a.decidedAt.toISOString() : null,
      rejectionReason: a.rejectionReason,
    };
  }
}
