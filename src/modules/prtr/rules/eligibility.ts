import Decimal from 'decimal.js';
import { DomainError } from '../../../core/errors/domain-error';
import type { IndustryRef, SubstanceRef } from '../content';
import { parseAmount } from './rounding';

/**
 * Who must file (PRTR Act): a target industry AND at least 21 employees company-wide AND a facility that
 * handles at least 1 t/yr of a Class I designated substance (0.5 t for a Specified Class I substance)
 * or has a special facility.
 */

export const SPECIAL_FACILITIES = ['mining', 'sewage_plant', 'waste_disposal', 'dioxin_facility'] as const;
export type SpecialFacility = (typeof SPECIAL_FACILITIES)[number];

export const SPECIAL_FACILITY_LABELS: Record<SpecialFacility, { ja: string; en: string }> = {
  mining: { ja: '鉱山保安法に規定する特定施設', en: 'specified facility under the Mine Safety Act' },
  sewage_plant: { ja: '下水道終末処理施設', en: 'sewage treatment plant' },
  waste_disposal: {
    ja: '廃棄物処理法に規定する一般廃棄物処理施設又は産業廃棄物処理施設',
    en: 'waste disposal facility under the Waste Management Act',
  },
  dioxin_facility: {
    ja: 'ダイオキシン類対策特別措置法に規定する特定施設',
    en: 'specified facility under the Act on Special Measures against Dioxins',
  },
};

export const MIN_EMPLOYEES = 21;
export const HANDLED_THRESHOLD_KG = new Decimal(1000);
export const SPECIFIED_HANDLED_THRESHOLD_KG = new Decimal(500);

export interface EligibilitySubstanceInput {
  /** 政令番号 */
  number: number;
  /** Annual handled amount in kg, a decimal string */
  handledKg: string;
}

export interface EligibilityFacilityInput {
  name?: string;
  specialFacilities?: SpecialFacility[];
  substances?: EligibilitySubstanceInput[];
}

export interface EligibilityInput {
  industryCode: string;
  /** Employees regularly employed, company-wide */
  employees: number;
  facilities: EligibilityFacilityInput[];
}

export interface EligibilityMaster {
  industry(code: string): IndustryRef | undefined;
  substance(n: number): SubstanceRef | undefined;
}

export interface Reason {
  code: string;
  ja: string;
  en: string;
  substanceNumber?: number;
}

export interface FacilityEligibility {
  index: number;
  name: string | null;
  /** The company conditions hold and this facility meets a handling threshold or has a special facility. */
  mustFile: boolean;
  /** This facility's own reasons (thresholds, special facilities). */
  reasons: Reason[];
}

export interface EligibilityResult {
  mustFile: boolean;
  reasons: Reason[];
  facilities: FacilityEligibility[];
}

type FieldProblem = { field: string; problems: string[] };

function problem(ja: string, en: string): string {
  return `${ja} (${en})`;
}

function facilityLabel(index: number, name: string | null): { ja: string; en: string } {
  return name
    ? { ja: `事業所「${name}」`, en: `facility "${name}"` }
    : { ja: `${index + 1}番目の事業所`, en: `facility #${index + 1}` };
}

interface CheckedSubstance {
  ref: SubstanceRef;
  handledKg: string;
  amount: Decimal;
}

/** Checks the input shape and the master references; throws VALIDATION_FAILED listing every problem. */
function checkInput(input: EligibilityInput, master: EligibilityMaster): CheckedSubstance[][] {
  const fields: FieldProblem[] = [];
  const add = (field: string, ja: string, en: string) => fields.push({ field, problems: [problem(ja, en)] });

  if (typeof input?.industryCode !== 'string' || !input.industryCode.trim()) {
    add('industryCode', '業種コードを入力してください', 'the industry code is required');
  }
  if (!Number.isInteger(input?.employees) || input.employees < 0) {
    add('employees', '従業員数は0以上の整数で入力してください', 'employees must be an integer ≥ 0');
  }
  const facilities = Array.isArray(input?.facilities) ? input.facilities : null;
  if (!facilities) add('facilities', '事業所の一覧を入力してください', 'facilities must be a list');

  const checked: CheckedSubstance[][] = [];
  (facilities ?? []).forEach((facility, fi) => {
    const base = `facilities[${fi}]`;
    const list: CheckedSubstance[] = [];
    checked.push(list);
    (facility?.specialFacilities ?? []).forEach((sf, si) => {
      if (!(SPECIAL_FACILITIES as readonly string[]).includes(sf)) {
        add(
          `${base}.specialFacilities[${si}]`,
          `特別要件施設の種類が正しくありません（${SPECIAL_FACILITIES.join('、')}のいずれか）`,
          `unknown special facility; one of ${SPECIAL_FACILITIES.join(', ')}`,
        );
      }
    });
    const seen = new Set<number>();
    (facility?.substances ?? []).forEach((s, si) => {
      const path = `${base}.substances[${si}]`;
      const ref = Number.isInteger(s?.number) ? master.substance(s.number) : undefined;
      if (!ref) {
        add(
          `${path}.number`,
          `政令番号 ${String(s?.number)} の第一種指定化学物質はありません`,
          `no Class I designated substance has number ${String(s?.number)}`,
        );
      } else if (seen.has(ref.number)) {
        add(
          `${path}.number`,
          `政令番号 ${ref.number}（${ref.name}）が同じ事業所で重複しています`,
          `substance ${ref.number} (${ref.name}) is listed twice for this facility`,
        );
      }
      if (ref) seen.add(ref.number);
      const amount = parseAmount(s?.handledKg);
      if (!amount) {
        add(
          `${path}.handledKg`,
          '年間取扱量はkg単位の0以上の数値（小数点以下6桁まで）で入力してください',
          'the handled amount must be a non-negative decimal number of kg (up to 6 decimals)',
        );
      }
      if (ref && amount) list.push({ ref, handledKg: s.handledKg, amount });
    });
  });
  if (fields.length) throw new DomainError('VALIDATION_FAILED', { fields });
  return checked;
}

export function checkEligibility(input: EligibilityInput, master: EligibilityMaster): EligibilityResult {
  const substances = checkInput(input, master);
  const reasons: Reason[] = [];

  const code = input.industryCode.trim();
  const industry = master.industry(code);
  if (industry) {
    reasons.push({
      code: 'TARGET_INDUSTRY',
      ja: `業種「${industry.name}」（${industry.code}）は対象業種です。`,
      en: `Industry ${industry.code} (${industry.name}) is a target industry.`,
    });
  } else {
    reasons.push({
      code: 'NOT_TARGET_INDUSTRY',
      ja: `業種コード ${code} は対象業種ではありません。`,
      en: `Industry ${code} is not a target industry.`,
    });
  }

  const enoughEmployees = input.employees >= MIN_EMPLOYEES;
  reasons.push(
    enoughEmployees
      ? {
          code: 'EMPLOYEES_AT_LEAST_21',
          ja: `常時使用する従業員の数（全社）が${input.employees}人で、21人以上です。`,
          en: `${input.employees} employees company-wide: 21 or more.`,
        }
      : {
          code: 'EMPLOYEES_BELOW_21',
          ja: `常時使用する従業員の数（全社）が${input.employees}人で、21人未満です。`,
          en: `${input.employees} employees company-wide: fewer than 21.`,
        },
  );
  const companyQualifies = !!industry && enoughEmployees;

  const facilities: FacilityEligibility[] = input.facilities.map((facility, index) => {
    const name = typeof facility.name === 'string' && facility.name.trim() ? facility.name.trim() : null;
    const own: Reason[] = [];
    for (const sf of new Set(facility.specialFacilities ?? [])) {
      const label = SPECIAL_FACILITY_LABELS[sf];
      own.push({ code: 'SPECIAL_FACILITY', ja: `${label.ja}を設置しています。`, en: `Has a ${label.en}.` });
    }
    for (const { ref, handledKg, amount } of substances[index]) {
      // Dioxins are measured in mg-TEQ: they count through the dioxin facility, not a handled amount.
      if (ref.unit !== 'kg') continue;
      if (ref.specified && amount.greaterThanOrEqualTo(SPECIFIED_HANDLED_THRESHOLD_KG)) {
        own.push({
          code: 'SPECIFIED_HANDLED_AT_LEAST_0_5T',
          ja: `特定第一種指定化学物質「${ref.name}」（政令番号${ref.number}）の年間取扱量が${handledKg} kgで、0.5トン以上です。`,
          en: `Handles ${handledKg} kg/yr of the Specified Class I substance ${ref.number} (${ref.name}): 0.5 t or more.`,
          substanceNumber: ref.number,
        });
      } else if (amount.greaterThanOrEqualTo(HANDLED_THRESHOLD_KG)) {
        own.push({
          code: 'HANDLED_AT_LEAST_1T',
          ja: `第一種指定化学物質「${ref.name}」（政令番号${ref.number}）の年間取扱量が${handledKg} kgで、1トン以上です。`,
          en: `Handles ${handledKg} kg/yr of the Class I substance ${ref.number} (${ref.name}): 1 t or more.`,
          substanceNumber: ref.number,
        });
      }
    }
    const qualifies = own.length > 0;
    if (!qualifies) {
      own.push({
        code: 'BELOW_THRESHOLD',
        ja: '年間取扱量が1トン以上（特定第一種指定化学物質は0.5トン以上）の第一種指定化学物質がなく、特別要件施設もありません。',
        en: 'No Class I substance handled at 1 t/yr or more (0.5 t for Specified Class I) and no special facility.',
      });
    }
    return { index, name, mustFile: companyQualifies && qualifies, reasons: own };
  });

  const qualifying = facilities.filter((f) => f.reasons.some((r) => r.code !== 'BELOW_THRESHOLD'));
  for (const f of qualifying) {
    const label = facilityLabel(f.index, f.name);
    reasons.push({
      code: 'FACILITY_MEETS_THRESHOLD',
      ja: `${label.ja}が取扱量又は特別要件施設の要件を満たしています。`,
      en: `${label.en[0].toUpperCase()}${label.en.slice(1)} meets the handled-amount or special-facility requirement.`,
    });
  }
  if (!qualifying.length) {
    reasons.push({
      code: 'NO_FACILITY_OVER_THRESHOLD',
      ja: '取扱量の要件（1トン以上、特定第一種指定化学物質は0.5トン以上）又は特別要件施設の要件を満たす事業所がありません。',
      en: 'No facility handles a Class I substance at 1 t/yr or more (0.5 t for Specified Class I) or has a special facility.',
    });
  }

  return { mustFile: companyQualifies && qualifying.length > 0, reasons, facilities };
}
