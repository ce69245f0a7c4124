import type { Role } from '../../core/auth/roles';
import type { ReportKind, ReportStatus } from './entities/report.entity';

export const REPORT_ACTIONS = ['upload', 'request_verification', 'request_send_back', 'send_back', 'request_approval', 'approve', 'submit', 'receive'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

export interface Transition {
  kinds: readonly ReportKind[];
  from: ReportStatus;
  action: ReportAction;
  roles: readonly Role[];
  to: ReportStatus;
}

const VERIFIED = ['base_year', 'target_year'] as const;
const ADJUSTMENT = ['adjustment_year'] as const;
const HOLDER = ['holder_a', 'holder_b'] as const;

/** docs/domain.md §4 as data: the service decides with it, and the tests enumerate it. */
export const TRANSITIONS: readonly Transition[] = [
  { kinds: VERIFIED, from: 'not_submitted', action: 'upload', roles: HOLDER, to: 'registered' },
  { kinds: VERIFIED, from: 'registered', action: 'upload', roles: HOLDER, to: 'registered' },
  { kinds: VERIFIED, from: 'registered', action: 'request_verification', roles: HOLDER, to: 'verification_requested' },
  { kinds: VERIFIED, from: 'verification_requested', action: 'request_send_back', roles: HOLDER, to: 'registered' },
  { kinds: VERIFIED, from: 'verification_requested', action: 'send_back', roles: ['verifier'], to: 'registered' },
  { kinds: VERIFIED, from: 'verification_requested', action: 'request_approval', roles: ['verifier'], to: 'approval_requested' },
  { kinds: VERIFIED, from: 'approval_requested', action: 'send_back', roles: ['secretariat'], to: 'verification_requested' },
  { kinds: VERIFIED, from: 'approval_requested', action: 'approve', roles: ['secretariat'], to: 'approved' },
  { kinds: ADJUSTMENT, from: 'not_submitted', action: 'upload', roles: HOLDER, to: 'registered' },
  { kinds: ADJUSTMENT, from: 'registered', action: 'upload', roles: HOLDER, to: 'registered' },
  { kinds: ADJUSTMENT, from: 'registered', action: 'submit', roles: HOLDER, to: 'submitted' },
  { kinds: ADJUSTMENT, from: 'submitted', action: 'receive', roles: ['secretariat'], to: 'received' },
];

export type Decision = { ok: true; to: ReportStatus } | { ok: false; reason: 'role' | 'state' };

/** role: this role never does this action on this kind of report (403); state: not from here (409). */
export function decide(kind: ReportKind, from: ReportStatus, action: ReportAction, role: Role): Decision {
  const forRole = TRANSITIONS.filter((t) => t.kinds.includes(kind) && t.action === action && t.roles.includes(role));
  if (!forRole.length) return { ok: false, reason: 'role' };
  const match = forRole.find((t) => t.from === from);
  return match ? { ok: true, to: match.to } : { ok: false, reason: 'state' };
}
