import { REPORT_STATUSES, REPORT_KINDS } from './entities/report.entity';
import { decide, REPORT_ACTIONS, TRANSITIONS } from './transitions';
import { ROLES } from '../../core/auth/roles';

describe('report transition table', () => {
  it('answers every (kind, status, action, role) from the table and nothing else', () => {
    let allowed = 0;
    for (const kind of REPORT_KINDS)
      for (const from of REPORT_STATUSES)
        for (const action of REPORT_ACTIONS)
          for (const role of ROLES) {
            const rows = TRANSITIONS.filter((t) => t.kinds.includes(kind) && t.action === action && t.roles.includes(role) && t.from === from);
            const d = decide(kind, from, action, role);
            if (rows.length) {
              allowed++;
              expect(d).toEqual({ ok: true, to: rows[0].to });
            } else expect(d.ok).toBe(false);
          }
    expect(allowed).toBe(TRANSITIONS.reduce((n, t) => n + t.kinds.length * t.roles.length, 0));
  });

  it('follows docs/domain.md §4', () => {
    expect(decide('base_year', 'registered', 'request_verification', 'holder_b')).toEqual({ ok: true, to: 'verification_requested' });
    expect(decide('target_year', 'approval_requested', 'send_back', 'secretariat')).toEqual({ ok: true, to: 'verification_requested' });
    expect(decide('base_year', 'verification_requested', 'send_back', 'verifier')).toEqual({ ok: true, to: 'registered' });
    expect(decide('base_year', 'approved', 'upload', 'holder_a')).toEqual({ ok: false, reason: 'state' });
    expect(decide('base_year', 'registered', 'approve', 'holder_a')).toEqual({ ok: false, reason: 'role' });
    expect(decide('adjustment_year', 'registered', 'request_verification', 'holder_a')).toEqual({ ok: false, reason: 'role' });
    expect(decide('adjustment_year', 'submitted', 'receive', 'secretariat')).toEqual({ ok: true, to: 'received' });
  });
});
