import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/roles';
import { sqlState, violatedConstraint } from '../../core/errors/database-errors';
import { Clock } from '../../core/clock/clock';
import { DomainError } from '../../core/errors/domain-error';
import { requestContext } from '../../core/logging/request-context';
import { EmissionsService } from '../emissions/emissions.service';
import type { ReportKind } from '../emissions/entities/report.entity';
import type { ReportApprovals } from '../emissions/report-approvals';
import { DirectoryService } from '../identity/directory.service';
import type { PostingResult } from '../ledger/dto/ledger.dto';
import { LedgerService, type VintageFigures } from '../ledger/ledger.service';
import type { RetirementPhases } from '../ledger/retirement-phases';
import { NotificationsService } from '../notifications/notifications.service';
import './compliance-errors';
import type { CreatePhaseDto, ExtendDeadlineDto, JoinPhaseDto } from './dto/compliance.dto';
import { BankingApplication } from './entities/banking-application.entity';
import { PhaseParticipant } from './entities/phase-participant.entity';
import { Phase } from './entities/phase.entity';
import { bankingWindowEnd, deadlineEnd, deadlinePassed, stage, standing, type Standing } from './rules';

/**
 * Phases (期), their participants, compliance per phase, deadline extension and phase close; the
 * compliance module's side of the ledger (which phase a retirement counts toward) and of emissions
 * (what approvals fix). Rules: docs/domain.md §3–§6.
 */
@Injectable()
export class ComplianceService implements RetirementPhases, ReportApprovals {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly ledger: LedgerService,
    private readonly emissions: EmissionsService,
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
    const code = dto.code ?? `P${dto.adoptedFiscalYear}`;
    if (await this.db.getRepository(Phase).exists({ where: [{ name: dto.name }, { code }] })) throw new DomainError('PHASE_EXISTS', { code });
    try {
      return await this.db.transaction(async (m) => {
        const phase = await m.save(
          m.create(Phase, { ...dto, code, retirementDeadline: deadline, bankingWindowDays: dto.bankingWindowDays ?? 30 }),
        );
        // the phase's JAA: a vintage ordered by the adopted fiscal year, its reserves ending with the deadline
        await this.ledger.createVintage(m, { code, rank: dto.adoptedFiscalYear, reserveEndsAt: deadlineEnd(phase) });
        return this.phaseView(phase);
      });
    } catch (error) {
      // a concurrent request with the same name or code won the race after the check above
      const c = violatedConstraint(error);
      if (sqlState(error) === '23505' && (c === 'uq_phases_name' || c === 'uq_phases_code' || c === 'uq_ledger_vintages_code')) {
        throw new DomainError('PHASE_EXISTS', { code });
      }
      throw error;
    }
  }

  async listPhases() {
    const phases = await this.db.getRepository(Phase).find({ order: { adoptedFiscalYear: 'DESC', name: 'ASC' } });
    return phases.map((p) => this.phaseView(p));
  }

  phaseView(p: Phase, now = this.clock.now()) {
    return {
      id: p.id,
      name: p.name,
      code: p.code,
      adoptedFiscalYear: p.adoptedFiscalYear,
      baseFiscalYear: p.baseFiscalYear,
      targetFiscalYear: p.targetFiscalYear,
      adjustmentFiscalYear: p.adjustmentFiscalYear,
      retirementDeadline: p.retirementDeadline,
      deadlineEndsAt: deadlineEnd(p).toISOString(),
      bankingWindowDays: p.bankingWindowDays,
      bankingWindowEndsAt: bankingWindowEnd(p).toISOString(),
      stage: stage(p, now),
      closedAt: p.closedAt?.toISOString() ?? null,
      createdAt: p.createdAt.toISOString(),
    };
  }

  async phase(id: string, m: EntityManager = this.db.manager, lock = false): Promise<Phase> {
    const phase = await m.findOne(Phase, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!phase) throw new DomainError('PHASE_NOT_FOUND');
    return phase;
  }

  /** A holder joins a phase with its reduction target: its ledger terms and three reports are created. */
  async joinPhase(phaseId: string, dto: JoinPhaseDto, actor: Actor) {
    await this.directory.visibleHolder(actor, dto.targetHolderId);
    return this.db.transaction(async (m) => {
      const phase = await this.phase(phaseId, m, true);
      if (phase.closedAt) throw new DomainError('PHASE_CLOSED', { phase: phase.code });
      const reductionTarget = new Decimal(dto.reductionTarget);
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(PhaseParticipant)
        .values({ phaseId, targetHolderId: dto.targetHolderId, reductionTarget })
        .orIgnore()
        .returning(['phase_id'])
        .execute();
      if (!inserted.raw.length) throw new DomainError('ALREADY_IN_PHASE');
      await this.ledger.openTerms(m, dto.targetHolderId, phase.code, reductionTarget);
      const reports = await this.emissions.createReports(m, dto.targetHolderId, phaseId, {
        base_year: phase.baseFiscalYear,
        target_year: phase.targetFiscalYear,
        adjustment_year: phase.adjustmentFiscalYear,
      });
      return { phaseId, targetHolderId: dto.targetHolderId, reductionTarget: reductionTarget.toFixed(), reports };
    });
  }

  /** The secretariat moves a deadline that has not passed to a later day, with a reason (audited, notified). */
  async extendDeadline(phaseId: string, dto: ExtendDeadlineDto, now = this.clock.now()) {
    const reason = dto.reason.trim();
    if (!reason) throw new DomainError('REASON_REQUIRED');
    return this.db.transaction(async (m) => {
      const phase = await this.phase(phaseId, m, true);
      if (phase.closedAt) throw new DomainError('PHASE_CLOSED', { phase: phase.code });
      if (deadlinePassed(phase, now)) throw new DomainError('DEADLINE_PASSED', { retirementDeadline: phase.retirementDeadline });
      if (dto.retirementDeadline <= phase.retirementDeadline) {
        throw new DomainError('DEADLINE_NOT_LATER', { retirementDeadline: phase.retirementDeadline, requested: dto.retirementDeadline });
      }
      const previous = phase.retirementDeadline;
      const updated = { ...phase, retirementDeadline: dto.retirementDeadline };
      await m.update(Phase, { id: phase.id }, { retirementDeadline: dto.retirementDeadline });
      await this.ledger.setReserveEnd(m, phase.code, deadlineEnd(updated));
      requestContext.noteChange({ phase: phase.code, retirementDeadline: previous }, { phase: phase.code, retirementDeadline: dto.retirementDeadline, reason });
      const participants = await m.find(PhaseParticipant, { where: { phaseId } });
      const contacts = await this.directory.holderContacts(participants.map((p) => p.targetHolderId), m);
      for (const p of participants) {
        await this.notifications.enqueue(m, {
          event: 'phase.deadline_extended',
          key: `phase.deadline_extended:${phase.id}:${dto.retirementDeadline}:${p.targetHolderId}`,
          recipients: [contacts.get(p.targetHolderId)?.emailA],
          payload: { phaseName: phase.name, previousDeadline: previous, retirementDeadline: dto.retirementDeadline, reason },
          subjectType: 'phase',
          subjectId: phase.id,
        });
      }
      return this.phaseView(updated, now);
    });
  }

  /**
   * Phase close, after the banking window: standings become final and every unbanked unit of the
   * phase's vintage, in any account, expires to the cancellation account; each holder is told.
   */
  async closePhase(actor: Actor, phaseId: string, now = this.clock.now()) {
    return this.db.transaction(async (m) => {
      const phase = await this.phase(phaseId, m, true);
      if (phase.closedAt) throw new DomainError('PHASE_CLOSED', { phase: phase.code });
      if (now <= bankingWindowEnd(phase)) throw new DomainError('BANKING_WINDOW_OPEN', { bankingWindowEndsAt: bankingWindowEnd(phase).toISOString() });
      const pending = await m.count(BankingApplication, { where: { phaseId, status: 'submitted' } });
      if (pending > 0) throw new DomainError('BANKING_PENDING', { pending });
      const participants = await m.find(PhaseParticipant, { where: { phaseId }, lock: { mode: 'pessimistic_write' } });
      const ids = participants.map((p) => p.targetHolderId);
      const figures = await this.ledger.vintageFigures(phase.code, ids, deadlineEnd(phase), m);
      // after the banking window the deadline has passed: every standing is met or not_met
      const standings = participants.map((p) => {
        const s = standing(phase, figures.get(p.targetHolderId), now);
        return { participant: p, status: s.status === 'met' ? ('met' as const) : ('not_met' as const), shortfall: s.shortfall };
      });
      for (const { participant, status, shortfall } of standings) {
        await m.update(PhaseParticipant, { phaseId, targetHolderId: participant.targetHolderId }, { finalStatus: status, finalShortfall: shortfall });
      }
      const expired = await this.ledger.expireVintage(m, actor, phase.code);
      await m.update(Phase, { id: phase.id }, { closedAt: now });
      const contacts = await this.directory.holderContacts(ids, m);
      for (const { participant, status, shortfall } of standings) {
        const f = figures.get(participant.targetHolderId);
        const c = contacts.get(participant.targetHolderId);
        await this.notifications.enqueue(m, {
          event: 'phase.closed',
          key: `phase.closed:${phase.id}:${participant.targetHolderId}`,
          recipients: [c?.emailA],
          payload: {
            holderNumber: c?.holderNumber,
            holderName: c?.name,
            phaseName: phase.name,
            status,
            shortfall: shortfall?.toFixed(0) ?? null,
            obligation: f?.obligation?.toFixed(0) ?? null,
            retiredOnTime: (f?.retiredOnTime ?? new Decimal(0)).toFixed(0),
            expired: expired.find((e) => e.accountNumber === f?.accountNumber)?.quantity ?? '0',
          },
          subjectType: 'phase',
          subjectId: phase.id,
        });
      }
      requestContext.noteChange({ phase: phase.code, closedAt: null }, { phase: phase.code, closedAt: now.toISOString(), expired: expired.length });
      return {
        phase: this.phaseView({ ...phase, closedAt: now }, now),
        standings: standings.map(({ participant, status, shortfall }) => ({
          targetHolderId: participant.targetHolderId,
          status,
          shortfall: shortfall?.toFixed(0) ?? null,
        })),
        expired,
      };
    });
  }

  // ---- compliance per phase (home figures) ------------------------------------------------

  /** Home figures for every phase of the holder, current first (open phases by deadline, then closed ones). */
  async compliance(actor: Actor, holderId: string, phaseId?: string, now = this.clock.now()) {
    await this.directory.visibleHolder(actor, holderId);
    const participants = await this.db.getRepository(PhaseParticipant).find({
      where: { targetHolderId: holderId, ...(phaseId ? { phaseId } : {}) },
      relations: { phase: true },
    });
    if (phaseId && !participants.length) throw new DomainError('PHASE_NOT_FOUND');
    participants.sort((a, b) => {
      const pa = a.phase!, pb = b.phase!;
      if (!!pa.closedAt !== !!pb.closedAt) return pa.closedAt ? 1 : -1;
      return pa.closedAt ? pb.retirementDeadline.localeCompare(pa.retirementDeadline) : pa.retirementDeadline.localeCompare(pb.retirementDeadline);
    });
    const items = [];
    for (const p of participants) {
      const phase = p.phase!;
      const emissions = {
        phaseId: phase.id,
        phase: phase.name,
        code: phase.code,
        stage: stage(phase, now),
        retirementDeadline: phase.retirementDeadline,
        daysLeft: daysLeft(phase, now),
        baseYearEmissions: p.baseYearEmissions?.toFixed(3) ?? null,
        targetYearEmissions: p.targetYearEmissions?.toFixed(3) ?? null,
      };
      if (actor.role === 'holder_b') {
        items.push(emissions); // B sees no allowance figures
        continue;
      }
      const f = (await this.ledger.vintageFigures(phase.code, [holderId], deadlineEnd(phase))).get(holderId);
      const s = standing(phase, f, now, p);
      items.push({
        ...emissions,
        reductionTarget: p.reductionTarget.toFixed(3),
        ...allowanceFigures(f, s),
        bankingWindowEndsAt: bankingWindowEnd(phase).toISOString(),
      });
    }
    return { items };
  }

  // ---- issuance ---------------------------------------------------------------------------

  /** Issues the amount the holder's base-year approval fixed, in the phase's vintage. */
  async issue(actor: Actor, targetHolderId: string, phaseId: string, key?: string): Promise<PostingResult> {
    const phase = await this.phase(phaseId);
    return this.ledger.issue(actor, targetHolderId, phase.code, key, { targetHolderId, phaseId });
  }

  // ---- RetirementPhases (for the ledger) ---------------------------------------------------

  async retirementPhase(targetHolderId: string, phaseId: string | null, now = this.clock.now()): Promise<string> {
    if (phaseId) {
      const p = await this.db.getRepository(PhaseParticipant).findOne({ where: { targetHolderId, phaseId }, relations: { phase: true } });
      if (!p) throw new DomainError('NOT_IN_PHASE', { phaseId });
      return p.phase!.code;
    }
    // Default (docs/domain.md §5): the open phase with the nearest deadline whose obligation is not
    // yet covered, preferring phases whose deadline is still ahead.
    const participants = await this.db.getRepository(PhaseParticipant).find({ where: { targetHolderId }, relations: { phase: true } });
    const open = participants.map((p) => p.phase!).filter((p) => !p.closedAt);
    open.sort((a, b) => Number(deadlinePassed(a, now)) - Number(deadlinePassed(b, now)) || a.retirementDeadline.localeCompare(b.retirementDeadline));
    for (const phase of open) {
      const f = (await this.ledger.vintageFigures(phase.code, [targetHolderId], deadlineEnd(phase))).get(targetHolderId);
      if (!f?.obligation || f.retired.lt(f.obligation)) return phase.code;
    }
    throw new DomainError('NO_PHASE_TO_RETIRE_FOR');
  }

  // ---- ReportApprovals (for emissions) -----------------------------------------------------

  async reportApproved(m: EntityManager, r: { targetHolderId: string; phaseId: string; kind: ReportKind; emissions: Decimal }) {
    const participant = await m.findOneOrFail(PhaseParticipant, {
      where: { phaseId: r.phaseId, targetHolderId: r.targetHolderId },
      lock: { mode: 'pessimistic_write' },
    });
    const phase = await this.phase(r.phaseId, m);
    if (r.kind === 'base_year') {
      await m.update(PhaseParticipant, { phaseId: r.phaseId, targetHolderId: r.targetHolderId }, { baseYearEmissions: r.emissions });
      await this.ledger.fixIssuable(m, r.targetHolderId, phase.code, r.emissions.minus(participant.reductionTarget).floor());
    } else if (r.kind === 'target_year') {
      await m.update(PhaseParticipant, { phaseId: r.phaseId, targetHolderId: r.targetHolderId }, { targetYearEmissions: r.emissions });
      await this.ledger.fixObligation(m, r.targetHolderId, phase.code, r.emissions.ceil());
    }
  }

  async phaseLabels(phaseIds: string[]) {
    const out = new Map<string, { name: string; adoptedFiscalYear: number }>();
    if (!phaseIds.length) return out;
    for (const p of await this.db.getRepository(Phase).find({ where: { id: In(phaseIds) } })) out.set(p.id, { name: p.name, adoptedFiscalYear: p.adoptedFiscalYear });
    return out;
  }
}

/** Whole days from today (Japan) to the deadline day; negative once it has passed. */
export function daysLeft(phase: Phase, now: Date): number {
  const today = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  return Math.round((Date.parse(phase.retirementDeadline) - Date.parse(today)) / 86_400_000);
}

/** The allowance side of a holder's figures in a phase (login A and the secretariat). */
export function allowanceFigures(f: VintageFigures | undefined, s: Standing) {
  const zero = new Decimal(0);
  return {
    accountNumber: f?.accountNumber ?? null,
    issuable: f?.issuable?.toFixed(0) ?? null,
    jaaIssued: (f?.issued ?? zero).toFixed(0),
    jaaRetired: (f?.retired ?? zero).toFixed(0),
    jaaRetiredOnTime: (f?.retiredOnTime ?? zero).toFixed(0),
    jaaRetiredLate: (f ? f.retired.minus(f.retiredOnTime) : zero).toFixed(0),
    obligation: f?.obligation?.toFixed(0) ?? null,
    holding: (f?.holding ?? zero).toFixed(0),
    banked: (f?.banked ?? zero).toFixed(0),
    status: s.status,
    final: s.final,
    shortfall: s.shortfall?.toFixed(0) ?? null,
  };
}
