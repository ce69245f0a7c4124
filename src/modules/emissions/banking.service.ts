import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { DomainError } from '../../core/errors/domain-error';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import { BankingApplication } from './entities/banking-application.entity';
import { PhaseParticipant } from './entities/phase-participant.entity';
import type { Phase } from './entities/phase.entity';
import './emissions-errors';

/** The retirement deadline is the end of its day in Japan (UTC+9). */
export function deadlinePassed(phase: Phase, now = new Date()): boolean {
  return now.getTime() > Date.parse(`${phase.retirementDeadline}T23:59:59.999+09:00`);
}

@Injectable()
export class BankingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly notifications: NotificationsService,
  ) {}

  async apply(actor: Actor, phaseId: string, quantity: string) {
    const participant = await this.db.getRepository(PhaseParticipant).findOne({
      where: { phaseId, targetHolderId: actor.targetHolderId! },
      relations: { phase: true },
    });
    if (!participant) throw new DomainError('PHASE_NOT_FOUND');
    if (!deadlinePassed(participant.phase!)) {
      throw new DomainError('BANKING_NOT_OPEN', { retirementDeadline: participant.phase!.retirementDeadline });
    }
    const figures = await this.ledger.complianceFigures(actor.targetHolderId!);
    const q = new Decimal(quantity);
    const available = (figures?.balance ?? new Decimal(0)).minus(participant.banked);
    if (q.gt(available)) throw new DomainError('INSUFFICIENT_BALANCE', { balance: available.toFixed(0), requested: q.toFixed(0) });
    const saved = await this.db.getRepository(BankingApplication).save({ phaseId, targetHolderId: actor.targetHolderId!, quantity: q, submittedBy: actor.id });
    return this.view(saved);
  }

  async list(actor: Actor) {
    const where = actor.role === 'secretariat' ? {} : { targetHolderId: actor.targetHolderId! };
    const items = await this.db.getRepository(BankingApplication).find({ where, order: { submittedAt: 'DESC' }, take: 200 });
    return { items: items.map((a) => this.view(a)) };
  }

  async decide(actor: Actor, id: string, approve: boolean, reason?: string) {
    return this.db.transaction(async (m) => {
      const app = await m.findOne(BankingApplication, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!app) throw new DomainError('APPLICATION_NOT_FOUND');
      if (app.status !== 'submitted') throw new DomainError('APPLICATION_ALREADY_DECIDED', { status: app.status });
      if (approve) {
        const participant = await m.findOneOrFail(PhaseParticipant, {
          where: { phaseId: app.phaseId, targetHolderId: app.targetHolderId },
          lock: { mode: 'pessimistic_write' },
        });
        const figures = await this.ledger.complianceFigures(app.targetHolderId);
        const banked = participant.banked.plus(app.quantity);
        if (banked.gt(figures?.balance ?? 0)) {
          throw new DomainError('INSUFFICIENT_BALANCE', { balance: (figures?.balance ?? new Decimal(0)).toFixed(0), requested: banked.toFixed(0) });
        }
        await m.update(PhaseParticipant, { phaseId: app.phaseId, targetHolderId: app.targetHolderId }, { banked });
      }
      await m.update(BankingApplication, { id }, {
        status: approve ? 'approved' : 'rejected',
        rejectionReason: approve ? null : reason!,
        decidedBy: actor.id,
        decidedAt: () => 'now()',
      } as Record<string, unknown>);
      const [holder] = await m.query(`SELECT holder_number, representative_name, contact_email_a FROM target_holders WHERE id = $1`, [app.targetHolderId]);
      const event = approve ? 'banking.approved' : 'banking.rejected';
      await this.notifications.enqueue(m, {
        event,
        key: `${event}:${app.id}`,
        recipients: [holder.contact_email_a], // allowance information: login A only
        payload: {
          holderNumber: holder.holder_number,
          holderName: holder.representative_name,
          quantity: app.quantity.toFixed(0),
          applicationId: app.id,
          reason: reason ?? null,
        },
        subjectType: 'banking_application',
        subjectId: app.id,
      });
      return this.view({ ...app, status: approve ? 'approved' : 'rejected', rejectionReason: approve ? null : reason!, decidedAt: new Date() } as BankingApplication);
    });
  }

  private view(a: BankingApplication) {
    return {
      id: a.id,
      phaseId: a.phaseId,
      targetHolderId: a.targetHolderId,
      quantity: a.quantity.toFixed(0),
      status: a.status,
      submittedAt: a.submittedAt.toISOString(),
      decidedAt: a.decidedAt ? a.decidedAt.toISOString() : null,
      rejectionReason: a.rejectionReason,
    };
  }
}
