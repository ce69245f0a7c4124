import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { Clock } from '../../core/clock/clock';
import { DomainError } from '../../core/errors/domain-error';
import { EmissionsService } from '../emissions/emissions.service';
import { DirectoryService } from '../identity/directory.service';
import { LedgerService } from '../ledger/ledger.service';
import { allowanceFigures } from './compliance.service';
import { PhaseParticipant } from './entities/phase-participant.entity';
import { Phase } from './entities/phase.entity';
import { deadlineEnd, standing } from './rules';

/**
 * A name Excel accepts for a worksheet, whatever the phase is called: none of * ? : \ / [ ],
 * no leading or trailing apostrophe, not empty, not "History", at most 31 characters
 * (UTF-16 units, as Excel counts; a surrogate pair is never split).
 */
export function worksheetName(wanted: string): string {
  let name = wanted.replace(/[*?:\\/[\]\u0000-\u001f]/g, '_');
  name = name.replace(/^[\s']+|[\s']+$/g, '');
  let kept = '';
  for (const ch of name) {
    if (kept.length + ch.length > 31) break;
    kept += ch;
  }
  name = kept.replace(/^[\s']+|[\s']+$/g, '');
  if (!name || name.toLowerCase() === 'history') name = '一覧 Overview';
  return name;
}

const STATUS_LABELS: Record<string, string> = { met: '達成 / met', not_met: '未達 / not met', pending: '未確定 / pending' };

/** The secretariat's view of a phase: every holder with report statuses, figures and standing. */
@Injectable()
export class OverviewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly ledger: LedgerService,
    private readonly emissions: EmissionsService,
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

  async workbook(phaseId: string, filter: { status?: string; q?: string }) {
    const { phase, items } = await this.overview(phaseId, filter);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(worksheetName(`${phase.name} 一覧`));
    ws.addRow([`${phase.name}（${phase.code}） 目標保有者一覧 / Target holders (償却期限 / deadline ${phase.retirementDeadline})`]).font = { bold: true };
    const head = ws.addRow([
      '目標保有者番号 / Holder', '代表事業者 / Representative', '施設 / Facility', '削減目標量 / Target (t-CO2)',
      '基準年度報告 / Base-year report', '削減目標年度報告 / Target-year report', '調整年度報告 / Adjustment report',
      '基準年度排出量 / Base-year emissions', '削減目標年度排出量 / Target-year emissions', '発行量 / Issued (JAA)',
      '償却量 / Retired (JAA)', 'うち期限内 / Retired by the deadline (JAA)', 'うち期限後 / Retired late (JAA)',
      '償却義務量 / Obligation (JAA)', '不足量 / Shortfall (JAA)', '保有量 / Held (JAA)', 'バンキング / Banked (JAA)', '状況 / Status',
    ]);
    head.font = { bold: true };
    const num = (x: string | null) => (x === null ? '' : Number(x));
    for (const i of items) {
      ws.addRow([
        i.holderNumber, i.name, i.facility, num(i.reductionTarget), i.reports.base_year ?? '', i.reports.target_year ?? '',
        i.reports.adjustment_year ?? '', num(i.baseYearEmissions), num(i.targetYearEmissions), num(i.jaaIssued), num(i.jaaRetired),
        num(i.jaaRetiredOnTime), num(i.jaaRetiredLate), num(i.obligation), num(i.shortfall), num(i.holding), num(i.banked),
        STATUS_LABELS[i.status] + (i.final ? '（確定 / final）' : ''),
      ]);
    }
    ws.columns.forEach((c) => (c.width = 20));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
