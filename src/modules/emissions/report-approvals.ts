import type Decimal from 'decimal.js';
import type { EntityManager } from 'typeorm';
import type { ReportKind } from './entities/report.entity';

/**
 * What the emissions module tells the phase owner, and asks of it. Emissions declares this
 * interface; the compliance module implements it (provided under REPORT_APPROVALS), so emissions
 * reads no phase table.
 */
export interface ReportApprovals {
  /** A base-year or target-year report was approved, in the approval's transaction. */
  reportApproved(m: EntityManager, report: { targetHolderId: string; phaseId: string; kind: ReportKind; emissions: Decimal }): Promise<void>;
  /** Names of phases, and their order (newest first) for report lists. */
  phaseLabels(phaseIds: string[]): Promise<Map<string, { name: string; adoptedFiscalYear: number }>>;
}

export const REPORT_APPROVALS = Symbol('REPORT_APPROVALS');
