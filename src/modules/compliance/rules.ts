import Decimal from 'decimal.js';
import type { VintageFigures } from '../ledger/ledger.service';
import type { PhaseParticipant } from './entities/phase-participant.entity';
import type { Phase } from './entities/phase.entity';

/** The retirement deadline is the end of its day in Japan (UTC+9): the last millisecond of that day. */
export function deadlineEnd(phase: Pick<Phase, 'retirementDeadline'>): Date {
  return new Date(Date.parse(`${phase.retirementDeadline}T23:59:59.999+09:00`));
}

export function deadlinePassed(phase: Pick<Phase, 'retirementDeadline'>, now = new Date()): boolean {
  return now.getTime() > deadlineEnd(phase).getTime();
}

/** Banking may be applied for from the deadline's end for bankingWindowDays days. */
export function bankingWindowEnd(phase: Pick<Phase, 'retirementDeadline' | 'bankingWindowDays'>): Date {
  return new Date(deadlineEnd(phase).getTime() + phase.bankingWindowDays * 86_400_000);
}

/** Where a phase is in its year: open, banking window, awaiting close, closed (docs/domain.md §3). */
export function stage(phase: Pick<Phase, 'retirementDeadline' | 'bankingWindowDays' | 'closedAt'>, now: Date) {
  if (phase.closedAt) return 'closed' as const;
  if (!deadlinePassed(phase, now)) return 'open' as const;
  return now <= bankingWindowEnd(phase) ? ('banking_window' as const) : ('awaiting_close' as const);
}

export interface Standing {
  status: 'pending' | 'met' | 'not_met';
  /** Obligation − JAA retired by the deadline, when not met and the obligation is known. */
  shortfall: Decimal | null;
  /** Made final by phase close. */
  final: boolean;
}

/**
 * A holder's standing in a phase (docs/domain.md §5): pending until the deadline; after it, met
 * when the JAA retired toward the phase by the deadline (end of that day, Japan time) cover the
 * obligation, else not met with the shortfall (no confirmed obligation after the deadline: not
 * met, shortfall unknown). Retirements after the deadline are late and change nothing. Phase close
 * freezes the standing.
 */
export function standing(phase: Phase, f: VintageFigures | undefined, now: Date, participant?: PhaseParticipant): Standing {
  if (participant?.finalStatus) return { status: participant.finalStatus, shortfall: participant.finalShortfall, final: true };
  if (!deadlinePassed(phase, now)) return { status: 'pending', shortfall: null, final: false };
  const obligation = f?.obligation ?? null;
  const onTime = f?.retiredOnTime ?? new Decimal(0);
  if (obligation !== null && onTime.gte(obligation)) return { status: 'met', shortfall: null, final: false };
  return { status: 'not_met', shortfall: obligation === null ? null : obligation.minus(onTime), final: false };
}
