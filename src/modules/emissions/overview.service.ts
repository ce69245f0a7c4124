import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { DomainError } from '../../core/errors/domain-error';
import { deadlinePassed } from './banking.service';
import { Phase } from './entities/phase.entity';

export interface OverviewRow {
  targetHolderId: string;
  holderNumber: string;
  name: string;
  facility: string;
  reductionTarget: string;
  reports: Record<string, string>;
  baseYearEmissions: string | null;
  targetYearEmissions: string | null;
  jaaIssued: string;
  jaaRetired: string;
  obligation: string | null;
  banked: string;
  status: 'met' | 'not_met' | 'pending';
}

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

/** The secretariat's view of a phase: every holder with report statuses and compliance figures. */
@Injectable()
export class OverviewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async overview(phaseId: string, filter: { status?: string; q?: string } = {}, now = new Date()) {
    const phase = await this.db.getRepository(Phase).findOneBy({ id: phaseId });
    if (!phase) throw new DomainError('PHASE_NOT_FOUND');
    const rows: Record<string, string | null>[] = await this.db.query(
      `SELECT h.id, h.holder_number, h.representative_name, h.facility_name, pp.reduction_target::text,
              pp.base_year_emissions::text, pp.target_year_emissions::text, pp.banked::text,
              CASE WHEN a.phase = $2 THEN a.issued ELSE 0 END::text AS issued,
              CASE WHEN a.phase = $2 THEN a.retired ELSE 0 END::text AS retired,
              (SELECT json_object_agg(r.kind, r.status) FROM reports r WHERE r.target_holder_id = h.id AND r.phase_id = $1)::text AS reports
         FROM phase_participants pp
         JOIN target_holders h ON h.id = pp.target_holder_id
         LEFT JOIN accounts a ON a.target_holder_id = h.id AND a.type = 'compliance'
        WHERE pp.phase_id = $1
        ORDER BY h.holder_number`,
      [phaseId, phase.name],
    );
    const passed = deadlinePassed(phase, now);
    const items: OverviewRow[] = rows.map((r) => {
      const obligation = r.target_year_emissions ? new Decimal(r.target_year_emissions).ceil() : null;
      const retired = new Decimal(r.retired ?? 0);
      return {
        targetHolderId: r.id!,
        holderNumber: r.holder_number!,
        name: r.representative_name!,
        facility: r.facility_name!,
        reductionTarget: new Decimal(r.reduction_target!).toFixed(3),
        reports: JSON.parse(r.reports ?? '{}'),
        baseYearEmissions: r.base_year_emissions ? new Decimal(r.base_year_emissions).toFixed(3) : null,
        targetYearEmissions: r.target_year_emissions ? new Decimal(r.target_year_emissions).toFixed(3) : null,
        jaaIssued: new Decimal(r.issued ?? 0).toFixed(0),
        jaaRetired: retired.toFixed(0),
        obligation: obligation?.toFixed(0) ?? null,
        banked: new Decimal(r.banked ?? 0).toFixed(0),
        status: obligation && retired.gte(obligation) ? 'met' : passed ? 'not_met' : 'pending',
      };
    });
    const q = filter.q?.trim();
    return {
      phase: { id: phase.id, name: phase.name, retirementDeadline: phase.retirementDeadline },
      items: items.filter((i) => (!filter.status || i.status === filter.status) && (!q || i.holderNumber.includes(q) || i.name.includes(q))),
    };
  }

  async workbook(phaseId: string, filter: { status?: string; q?: string }) {
    const { phase, items } = await this.overview(phaseId, filter);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(worksheetName(`${phase.name} 一覧`));
    ws.addRow([`${phase.name} 目標保有者一覧 / Target holders (償却期限 / deadline ${phase.retirementDeadline})`]).font = { bold: true };
    const head = ws.addRow([
      '目標保有者番号 / Holder', '代表事業者 / Representative', '施設 / Facility', '削減目標量 / Target (t-CO2)',
      '基準年度報告 / Base-year report', '削減目標年度報告 / Target-year report', '調整年度報告 / Adjustment report',
      '基準年度排出量 / Base-year emissions', '削減目標年度排出量 / Target-year emissions', '発行量 / Issued (JAA)',
      '償却量 / Retired (JAA)', '償却義務量 / Obligation (JAA)', 'バンキング / Banked (JAA)', '状況 / Status',
    ]);
    head.font = { bold: true };
    for (const i of items) {
      ws.addRow([
        i.holderNumber, i.name, i.facility, i.reductionTarget, i.reports.base_year ?? '', i.reports.target_year ?? '',
        i.reports.adjustment_year ?? '', i.baseYearEmissions ?? '', i.targetYearEmissions ?? '', i.jaaIssued, i.jaaRetired,
        i.obligation ?? '', i.banked, { met: '達成 / met', not_met: '未達 / not met', pending: '未確定 / pending' }[i.status],
      ]);
    }
    ws.columns.forEach((c) => (c.width = 20));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
