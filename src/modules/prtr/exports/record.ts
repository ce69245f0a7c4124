import type { FilingContent, SubstanceRef } from '../content';
import { jstDate } from '../rules/window';

/**
 * One filing version as every export reads it: the stored row with its master data already resolved
 * (prefecture, minister, main industry name, substance names and units). Exports never query anything.
 */
export interface FilingRecord {
  /** uuid */
  id: string;
  /** 整理番号, null for a draft */
  referenceNumber: string | null;
  /** The reporting year (data year) */
  fiscalYear: number;
  /** 1, 2 for the first amendment, ... */
  version: number;
  amendsReferenceNumber: string | null;
  status: FilingRecordStatus;
  filedAt: Date | null;
  late: boolean;
  localAcceptedAt: Date | null;
  ministryAcceptedAt: Date | null;
  facilityId: string;
  /** e.g. { code: '13', name: '東京都' } */
  prefecture: { code: string; name: string };
  /** e.g. { code: 'METI', name: '経済産業大臣' } */
  minister: { code: string; name: string };
  mainIndustryName: string | null;
  /** Sheets already in ascending substance order. */
  content: FilingContent;
  /** Names and units for the sheets' substances. */
  substances: Map<number, SubstanceRef>;
}

export type FilingRecordStatus = 'draft' | 'filed' | 'local_accepted' | 'ministry_accepted' | 'withdrawn' | 'superseded';

export const STATUS_LABELS: Record<FilingRecordStatus, [ja: string, en: string]> = {
  draft: ['下書き', 'draft'],
  filed: ['届出済', 'filed'],
  local_accepted: ['自治体受理完了', 'accepted by the local government'],
  ministry_accepted: ['省庁受理完了', 'accepted by the ministry'],
  withdrawn: ['取下げ', 'withdrawn'],
  superseded: ['変更届出により置換', 'superseded by an amendment'],
};

/** The Japan calendar date ('YYYY-MM-DD') of an instant, or '' when there is none. */
export function jstDateOrEmpty(d: Date | null | undefined): string {
  return d ? jstDate(d) : '';
}
