import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
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

/**
 * JAA the holder has banked, over every phase: one balance backs all of a holder's banking, so
 * banking in a later phase may not claim the JAA an earlier phase's banking already holds (the same
 * 200 JAA were once banked in two phases). `lock` takes the holder's participant rows FOR UPDATE,
 * so that approvals in different phases are decided one after the other.
 */
async function totalBanked(db: DataSource | EntityManager, targetHolderId: string, lock = false): Promise<Decimal> {
  const rows: { banked: string }[] = await db.query(
    `SELECT banked::text AS banked FROM phase_participants WHERE target_holder_id = $1 ORDER BY phase_id${lock ? ' FOR UPDATE' : ''}`,
    [targetHolderId],
  );
  return rows.reduce((sum, r) => sum.plus(r.banked), new Decimal(0));
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
    const available = (figures?.balance ?? new Decimal(0)).minus(await totalBanked(this.db, actor.targetHolderId!));
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
      if (!approve && !reason?.trim()) {
        throw new DomainError('VALIDATION_FAILED', { fields: [{ field: 'reason', problems: ['理由を入力してください (a reason is required)'] }] });
      }
      if (approve) {
        const allPhases = await totalBanked(m, app.targetHolderId, true);
        const participant = await m.findOneOrFail(PhaseParticipant, { where: { phaseId: app.phaseId, targetHolderId: app.targetHolderId } });
        const figures = await this.ledger.complianceFigures(app.targetHolderId);
        if (allPhases.plus(app.quantity).gt(figures?.balance ?? 0)) {
          throw new DomainError('INSUFFICIENT_BALANCE', {
            balance: (figures?.balance ?? new Decimal(0)).toFixed(0),
            banked: allPhases.toFixed(0),
            requested: app.quantity.toFixed(0),
          });
        }
        await m.update(PhaseParticipant, { phaseId: app.phaseId, targetHolderId: app.targetHolderId }, { banked: participant.banked.plus(app.quantity) });
      }
      await m.update(BankingApplication, { id }, {
        status: approve ? 'approved' : 'rejected',
        rejectionReason: approve ? null : reason!.trim(),
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
          reason: reason?.trim() ?? null,
        },
        subjectType: 'banking_application',
        subjectId: app.id,
      });
      return this.view({ ...app, status: approve ? 'approved' : 'rejected', rejectionReason: approve ? null : reason!.trim(), decidedAt: new Date() } as BankingApplication);
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
