import { defineErrors } from '../../core/errors/domain-error';

export const ComplianceErrors = defineErrors({
  PHASE_NOT_FOUND: { status: 404, ja: '期が見つかりません。', en: 'Phase not found.' },
  PHASE_EXISTS: { status: 409, ja: '同じ名前またはコードの期がすでにあります。', en: 'A phase with this name or code exists.' },
  ALREADY_IN_PHASE: { status: 409, ja: 'この目標保有者はすでにこの期に参加しています。', en: 'The holder already takes part in this phase.' },
  BANKING_NOT_OPEN: {
    status: 422,
    ja: 'バンキング申請は償却期限の経過後に行えます。',
    en: 'Banking can be applied for only after the retirement deadline.',
  },
  BANKING_WINDOW_CLOSED: { status: 422, ja: 'バンキング申請の受付期間は終了しました。', en: 'The banking window has ended.' },
  BANKING_NOT_ELIGIBLE: {
    status: 422,
    ja: '償却義務を達成した目標保有者のみバンキングを申請できます。',
    en: 'Only a holder whose standing is met may apply for banking.',
  },
  BANKING_EXCEEDS_HOLDING: {
    status: 422,
    ja: '申請中のものと合わせて、保有するこの期の排出枠（バンキング済みを除く）を超えています。',
    en: "Together with pending applications this exceeds the applicant's unbanked units of the phase.",
  },
  BANKING_PENDING: {
    status: 409,
    ja: '未処理のバンキング申請があるため、期を終了できません。',
    en: 'Banking applications of this phase are still pending.',
  },
  BANKING_WINDOW_OPEN: {
    status: 409,
    ja: 'バンキング申請の受付期間が終わるまで、期を終了できません。',
    en: 'The phase cannot be closed before its banking window ends.',
  },
  DEADLINE_PASSED: { status: 409, ja: '償却期限を過ぎているため延長できません。', en: 'The deadline has passed and cannot be extended.' },
  DEADLINE_NOT_LATER: { status: 422, ja: '新しい償却期限は現在の期限より後の日付にしてください。', en: 'The new deadline must be later than the current one.' },
  NO_PHASE_TO_RETIRE_FOR: {
    status: 422,
    ja: '償却の対象となる期がありません（参加中の期の償却義務はすべて満たされているか、終了しています）。',
    en: 'There is no open phase whose obligation is not yet covered; name the phase.',
  },
});
