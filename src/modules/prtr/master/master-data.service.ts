import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import type { IndustryRef, SubstanceRef } from '../content';

/** The master data one fiscal year's filings are checked against. */
export interface MasterView {
  listFy: number;
  substance(n: number): SubstanceRef | undefined;
  industry(code: string): IndustryRef | undefined;
  ministerName(code: string): string | undefined;
}

/** Read side of the master data. Lists are small (≈650 substances): read per use, no cache to go stale. */
@Injectable()
export class MasterDataService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The list in force for a fiscal year: the latest imported list effective from that year or earlier. */
  async forFiscalYear(fiscalYear: number, m: EntityManager = this.db.manager): Promise<MasterView> {
    const [list] = await m.query(
      `SELECT effective_from_fy AS fy FROM prtr_substance_lists WHERE effective_from_fy <= $1 ORDER BY effective_from_fy DESC LIMIT 1`,
      [fiscalYear],
    );
    if (!list) {
      const [any] = await m.query(`SELECT min(effective_from_fy) AS fy FROM prtr_substance_lists`);
      throw new DomainError('PRTR_MASTER_DATA_MISSING', { fiscalYear, earliestImportedList: any?.fy ?? null });
    }
    const substances = new Map<number, SubstanceRef>();
    for (const s of await m.query(
      `SELECT number, name, specified, unit FROM prtr_substances WHERE list_fy = $1 AND class = 'I'`,
      [list.fy],
    )) {
      substances.set(s.number, { number: s.number, name: s.name, specified: s.specified, unit: s.unit });
    }
    const { industries, ministers } = await this.industries(m);
    return {
      listFy: list.fy,
      substance: (n) => substances.get(n),
      industry: (code) => industries.get(code),
      ministerName: (code) => ministers.get(code),
    };
  }

  async industries(m: EntityManager = this.db.manager) {
    const industries = new Map<string, IndustryRef>();
    for (const r of await m.query(`SELECT code, name, ministers, default_minister FROM prtr_industries`)) {
      industries.set(r.code, { code: r.code, name: r.name, ministers: r.ministers, defaultMinister: r.default_minister });
    }
    const ministers = new Map<string, string>();
    for (const r of await m.query(`SELECT code, name FROM prtr_ministers`)) ministers.set(r.code, r.name);
    if (!industries.size) throw new DomainError('PRTR_MASTER_DATA_MISSING', { missing: 'industries' });
    return { industries, ministers };
  }

  async prefectures(): Promise<{ code: string; name: string; nameEn: string }[]> {
    return this.db.query(`SELECT code, name, name_en AS "nameEn" FROM prtr_prefectures ORDER BY code`);
  }

  async prefectureName(code: string, m: EntityManager = this.db.manager): Promise<string> {
    const [row] = await m.query(`SELECT name FROM prtr_prefectures WHERE code = $1`, [code]);
    if (!row) throw new DomainError('PRTR_PREFECTURE_NOT_FOUND', { code });
    return row.name;
  }

  /** GET /prtr/master/substances: a fiscal year's Class I list (or Class II), in number order. */
  async substanceList(fiscalYear: number, cls: 'I' | 'II') {
    const view = await this.forFiscalYear(fiscalYear);
    const items = await this.db.query(
      `SELECT number, name, specified, unit FROM prtr_substances WHERE list_fy = $1 AND class = $2 ORDER BY number`,
      [view.listFy, cls],
    );
    return { fiscalYear, listEffectiveFromFy: view.listFy, class: cls, count: items.length, items };
  }

  async industryList() {
    const { industries, ministers } = await this.industries();
    return {
      ministers: [...ministers].map(([code, name]) => ({ code, name })),
      industries: [...industries.values()].sort((a, b) => a.code.localeCompare(b.code)),
    };
  }
}
