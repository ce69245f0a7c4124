/**
 * The ledger moves units; which phase a retirement counts toward is a phase rule. The ledger
 * declares this interface and the compliance module implements it (provided under
 * RETIREMENT_PHASES), so the ledger depends on no phase tables.
 */
export interface RetirementPhases {
  /**
   * The vintage code of the phase a holder's retirement counts toward: the phase `phaseId` names
   * (refused when the holder is not in it), else the default (docs/domain.md §5). Throws a
   * DomainError when there is none.
   */
  retirementPhase(targetHolderId: string, phaseId: string | null): Promise<string>;
}

export const RETIREMENT_PHASES = Symbol('RETIREMENT_PHASES');
