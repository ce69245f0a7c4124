import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../core/clock/clock';
import { FileWorkers } from '../../core/workers/workers.module';
import { DomainError } from '../../core/errors/domain-error';
import { EmissionsService } from '../emissions/emissions.service';
import { DirectoryService } from '../identity/directory.service';
import { LedgerService } from '../ledger/ledger.service';
import { allowanceFigures } from './compliance.service';
import { PhaseParticipant } from './entities/phase-participant.entity';
import { Phase } from './entities/phase.entity';
import { deadlineEnd, standing } from './rules';
import { buildOverviewWorkbook } from './tasks';

export { worksheetName } from './tasks';

/** The secretariat's view of a phase: every holder with report statuses, figures and standing. */
@Injectable()
export class OverviewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly ledger: LedgerService,
    private readonly emissions: EmissionsService,
    private readonly workers: FileWorkers,
  ) {}

  async overview(phaseId: string, filter: { status?: string; q?: string } = {}, now = this.clock.now()) {
    const phase = await this.db.getRepository(Phase).findOneBy({ id: phaseId });
    if (!phase) throw new DomainError('PHASE_NOT_FOUND');
    const participants = await this.db.getRepository(PhaseParticipant).find({ where: { phaseId } });
    const ids = participants.map((p) => p.targetHolderId);
    const [contacts, figures, reports] = [
      await this.directory.holderContacts(ids),
      await this.ledger.vintageFigures(phase.code, ids, deadlineEnd(phase)),
      await this.emissions.reportStatuses(phaseId),
    ];
    const items = participants
      .map((p) => {
        const c = contacts.get(p.targetHolderId)!;
        const f = figures.get(p.targetHolderId);
        return {
          targetHolderId: p.targetHolderId,
          holderNumber: c.holderNumber,
          name: c.name,
          facility: c.facility,
          reductionTarget: p.reductionTarget.toFixed(3),
          reports: reports.get(p.targetHolderId) ?? {},
          baseYearEmissions: p.baseYearEmissions?.toFixed(3) ?? null,
          targetYearEmissions: p.targetYearEmissions?.toFixed(3) ?? null,
          ...allowanceFigures(f, standing(phase, f, now, p)),
        };
      })
      .sort((a, b) => a.holderNumber.localeCompare(b.holderNumber));
    const q = filter.q?.trim();
    return {
      phase: { id: phase.id, name: phase.name, code: phase.code, retirementDeadline: phase.retirementDeadline, closedAt: phase.closedAt?.toISOString() ?? null },
      items: items.filter((i) => (!filter.status || i.status === filter.status) && (!q || i.holderNumber.includes(q) || i.name.includes(q))),
    };
  }

  /** The overview as .xlsx, written in a file worker. */
  async workbook(phaseId: string, filter: { status?: string; q?: string }) {
    const { phase, items } = await this.overview(phaseId, filter);
    return buildOverviewWorkbook(this.workers, { phase: { name: phase.name, code: phase.code, retirementDeadline: phase.retirementDeadline }, items });
  }
}
