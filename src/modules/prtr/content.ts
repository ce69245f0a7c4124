/**
 * The content of one PRTR filing (届出書): the main form (本紙) and one sheet (別紙) per substance.
 * This is the contract shared by the HTTP DTOs, validation, the stored rows and every export.
 * Amounts are decimal strings (kg; mg-TEQ for dioxins), never JS numbers.
 */

/** 埋立処分の場所: 安定型 / 管理型 / 遮断型. */
export const LANDFILL_TYPES = ['stable', 'controlled', 'isolated'] as const;
export type LandfillType = (typeof LANDFILL_TYPES)[number];

export const LANDFILL_TYPE_LABELS: Record<LandfillType, [ja: string, en: string]> = {
  stable: ['安定型', 'stable'],
  controlled: ['管理型', 'controlled'],
  isolated: ['遮断型', 'isolated'],
};

export interface FilingContact {
  /** 部署名 */
  department?: string | null;
  /** 担当者氏名 */
  name: string;
  /** 電話番号 */
  phone: string;
  email?: string | null;
}

/** 本紙. Names and addresses as the filer states them; derived values (minister, prefecture) live on the filing. */
export interface FilingMainForm {
  /** 届出者: 氏名又は名称 (at the submission date) */
  filerName: string;
  /** 届出者: 住所 (at the submission date) */
  filerAddress: string;
  /** 法人の場合: 代表者の氏名 */
  representativeName?: string | null;
  /** 事業者の名称 (as of April 1 of the reporting year) */
  businessName: string;
  /** 事業所の名称 (as of April 1 of the reporting year) */
  facilityName: string;
  /** 事業所の所在地 (as of April 1 of the reporting year) */
  facilityAddress: string;
  /** 事業所において常時使用される従業員の数 */
  employees: number;
  /** 主たる業種 (4-digit industry code) */
  mainIndustryCode: string;
  /** 従たる業種 */
  secondaryIndustryCodes: string[];
  /** 届出先の大臣: a choice only when the main industry allows several ministers (e.g. 1600, 9210). */
  ministerCode?: string | null;
  /** 第6条第1項の請求 (confidentiality claim) */
  confidentialityClaim: boolean;
  contact: FilingContact;
}

/** 別紙: one designated Class I substance. Amounts are decimal strings; "0.0" where none. */
export interface FilingSheet {
  /** 政令番号 of the Class I substance (1..515 in the FY2023 list) */
  substanceNumber: number;
  releases: {
    /** イ 大気への排出 */
    air: string;
    /** ロ 公共用水域への排出 */
    water: string;
    /** 排出先の河川、湖沼、海域等の名称 (required when water > 0) */
    waterBodyName?: string | null;
    /** ハ 当該事業所における土壌への排出 */
    soil: string;
    /** ニ 当該事業所における埋立処分 */
    landfill: string;
    /** 埋立処分の場所 (required when landfill > 0) */
    landfillType?: LandfillType | null;
  };
  transfers: {
    /** イ 下水道への移動 */
    sewer: string;
    /** 移動先の下水道終末処理施設の名称 (required when sewer > 0) */
    sewagePlantName?: string | null;
    /** ロ 当該事業所の外への移動 */
    offsite: string;
    /** 廃棄物の処理方法 (this or the waste type when offsite > 0) */
    offsiteTreatmentMethod?: string | null;
    /** 廃棄物の種類 */
    offsiteWasteType?: string | null;
  };
}

export interface FilingContent {
  mainForm: FilingMainForm;
  sheets: FilingSheet[];
}

/** The amount fields of a sheet, in form order, with their labels (used by validation and every export). */
export const AMOUNT_FIELDS = [
  { path: 'releases.air', ja: '大気への排出', en: 'release to air' },
  { path: 'releases.water', ja: '公共用水域への排出', en: 'release to public water' },
  { path: 'releases.soil', ja: '土壌への排出', en: 'release to soil (on site)' },
  { path: 'releases.landfill', ja: '埋立処分', en: 'landfill (on site)' },
  { path: 'transfers.sewer', ja: '下水道への移動', en: 'transfer to sewer' },
  { path: 'transfers.offsite', ja: '事業所の外への移動', en: 'transfer off site (waste)' },
] as const;
export type AmountPath = (typeof AMOUNT_FIELDS)[number]['path'];

export function amountAt(sheet: FilingSheet, path: AmountPath): string {
  const [group, key] = path.split('.') as ['releases' | 'transfers', string];
  return (sheet[group] as Record<string, string>)[key];
}

/** Master data a filing is checked against (the substance list in force for its fiscal year). */
export interface SubstanceRef {
  number: number;
  name: string;
  specified: boolean;
  /** 'kg', or 'mg-TEQ' for dioxins (No. 278 in the FY2023 list). */
  unit: 'kg' | 'mg-TEQ';
}

export interface IndustryRef {
  code: string;
  name: string;
  ministers: string[];
  defaultMinister: string | null;
}

export type IssueTier = 'blocking' | 'warning' | 'prior_year';

/** One finding of the filing validation; `field` is a path such as `sheets[2].releases.water`. */
export interface ValidationIssue {
  tier: IssueTier;
  code: string;
  field: string;
  ja: string;
  en: string;
  /** The two-significant-digit value offered for a rounding warning. */
  suggestedValue?: string;
  /** For a prior-year alert: last year's accepted value. */
  priorValue?: string;
}
