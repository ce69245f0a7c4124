import Decimal from 'decimal.js';
import {
  AMOUNT_FIELDS,
  amountAt,
  FilingContent,
  FilingSheet,
  IndustryRef,
  IssueTier,
  LANDFILL_TYPES,
  SubstanceRef,
  ValidationIssue,
} from '../content';
import { nonJisCharacters, suggestJisReplacement, suggestJisText } from './jis';
import { isRoundedPrtrAmount, parseAmount, roundPrtrAmount } from './rounding';

/**
 * Validation of a PRTR filing, in three tiers (as the US TRI does): blocking errors prevent submission,
 * warnings ask the filer to check, prior-year alerts compare with last year's accepted filing.
 */

export interface ValidationContext {
  /** The reporting fiscal year: the substance list in force for it applies. */
  fiscalYear: number;
  substance(n: number): SubstanceRef | undefined;
  industry(code: string): IndustryRef | undefined;
  /** Last year's accepted sheets by substance number. */
  priorYear?: Map<number, FilingSheet> | null;
}

export const MAX_TEXT_LENGTH = 200;
export const MAX_PHONE_LENGTH = 30;
export const MAX_EMAIL_LENGTH = 254;
/** More than this factor up or down from last year raises an alert. */
export const PRIOR_YEAR_FACTOR = new Decimal(10);

/** Sheets in ascending substance number (sheet number = index + 1). Stable; does not modify the input. */
export function sortSheets(sheets: FilingSheet[]): FilingSheet[] {
  return [...sheets].sort((a, b) => a.substanceNumber - b.substanceNumber);
}

export function hasBlocking(issues: ValidationIssue[]): boolean {
  return issues.some((i) => i.tier === 'blocking');
}

interface TextField {
  /** Path under mainForm or under a sheet */
  path: string;
  ja: string;
  en: string;
  required?: boolean;
  max: number;
}

const MAIN_TEXT_FIELDS: TextField[] = [
  { path: 'filerName', ja: '届出者の氏名又は名称', en: "the filer's name", required: true, max: MAX_TEXT_LENGTH },
  { path: 'filerAddress', ja: '届出者の住所', en: "the filer's address", required: true, max: MAX_TEXT_LENGTH },
  { path: 'representativeName', ja: '代表者の氏名', en: "the representative's name", max: MAX_TEXT_LENGTH },
  { path: 'businessName', ja: '事業者の名称', en: 'the business name', required: true, max: MAX_TEXT_LENGTH },
  { path: 'facilityName', ja: '事業所の名称', en: 'the facility name', required: true, max: MAX_TEXT_LENGTH },
  { path: 'facilityAddress', ja: '事業所の所在地', en: 'the facility address', required: true, max: MAX_TEXT_LENGTH },
  { path: 'contact.department', ja: '担当部署', en: "the contact's department", max: MAX_TEXT_LENGTH },
  { path: 'contact.name', ja: '担当者の氏名', en: "the contact's name", required: true, max: MAX_TEXT_LENGTH },
  { path: 'contact.phone', ja: '担当者の電話番号', en: "the contact's phone number", required: true, max: MAX_PHONE_LENGTH },
  { path: 'contact.email', ja: '担当者の電子メールアドレス', en: "the contact's e-mail address", max: MAX_EMAIL_LENGTH },
];

const SHEET_TEXT_FIELDS: TextField[] = [
  { path: 'releases.waterBodyName', ja: '排出先の河川、湖沼、海域等の名称', en: 'the receiving water body', max: MAX_TEXT_LENGTH },
  { path: 'transfers.sewagePlantName', ja: '移動先の下水道終末処理施設の名称', en: 'the sewage treatment plant', max: MAX_TEXT_LENGTH },
  { path: 'transfers.offsiteTreatmentMethod', ja: '廃棄物の処理方法', en: 'the waste treatment method', max: MAX_TEXT_LENGTH },
  { path: 'transfers.offsiteWasteType', ja: '廃棄物の種類', en: 'the waste type', max: MAX_TEXT_LENGTH },
];

function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function isBlank(v: unknown): boolean {
  return typeof v !== 'string' || v.trim() === '';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function issue(tier: IssueTier, code: string, field: string, ja: string, en: string, extra: Partial<ValidationIssue> = {}): ValidationIssue {
  return { tier, code, field, ja, en, ...extra };
}

/** Checks a text value's length and characters (a blank value is skipped: required-ness is checked apart). */
function checkText(issues: ValidationIssue[], field: string, value: unknown, f: TextField, where = { ja: '', en: '' }): void {
  if (typeof value !== 'string' || value.trim() === '') return;
  const labelJa = `${where.ja}${f.ja}`;
  const labelEn = `${f.en}${where.en}`;
  const length = [...value].length;
  if (length > f.max) {
    issues.push(
      issue(
        'blocking',
        'TEXT_TOO_LONG',
        field,
        `${labelJa}は${f.max}文字以内で入力してください（現在${length}文字）。`,
        `${capitalize(labelEn)} must be at most ${f.max} characters (it has ${length}).`,
      ),
    );
  }
  const bad = nonJisCharacters(value);
  if (bad.length) {
    const listJa = bad
      .map((ch) => {
        const s = suggestJisReplacement(ch);
        return s === null ? `「${ch}」（置換候補なし）` : `「${ch}」→「${s}」`;
      })
      .join('、');
    const listEn = bad
      .map((ch) => {
        const s = suggestJisReplacement(ch);
        const cp = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
        return s === null ? `"${ch}" (${cp}, no suggestion)` : `"${ch}" (${cp}) → "${s}"`;
      })
      .join(', ');
    const suggested = suggestJisText(value);
    issues.push(
      issue(
        'blocking',
        'NON_JIS_CHARACTER',
        field,
        `${labelJa}にJIS X 0208の範囲外の文字があります。置き換えてください: ${listJa}`,
        `${capitalize(labelEn)} contains characters outside JIS X 0208; please replace: ${listEn}`,
        suggested !== null ? { suggestedValue: suggested } : {},
      ),
    );
  }
}

function requiredIssue(field: string, f: { ja: string; en: string }, where = { ja: '', en: '' }): ValidationIssue {
  return issue(
    'blocking',
    'REQUIRED_FIELD',
    field,
    `${where.ja}${f.ja}を入力してください。`,
    `${capitalize(f.en)}${where.en} is required.`,
  );
}

function validateMainForm(content: FilingContent, ctx: ValidationContext, issues: ValidationIssue[]): void {
  const main = (content?.mainForm ?? {}) as FilingContent['mainForm'];

  for (const f of MAIN_TEXT_FIELDS) {
    const field = `mainForm.${f.path}`;
    const value = valueAt(main, f.path);
    if (f.required && isBlank(value)) issues.push(requiredIssue(field, f));
    else checkText(issues, field, value, f);
  }

  if (!Number.isInteger(main.employees) || main.employees < 0) {
    issues.push(
      issue(
        'blocking',
        'EMPLOYEES_INVALID',
        'mainForm.employees',
        '事業所において常時使用される従業員の数は0以上の整数で入力してください。',
        'The number of employees at the facility must be an integer of 0 or more.',
      ),
    );
  }

  let mainIndustry: IndustryRef | undefined;
  if (isBlank(main.mainIndustryCode)) {
    issues.push(requiredIssue('mainForm.mainIndustryCode', { ja: '主たる業種', en: 'the main industry code' }));
  } else {
    mainIndustry = ctx.industry(main.mainIndustryCode);
    if (!mainIndustry) {
      issues.push(
        issue(
          'blocking',
          'INDUSTRY_CODE_UNKNOWN',
          'mainForm.mainIndustryCode',
          `主たる業種の業種コード ${main.mainIndustryCode} は対象業種にありません。`,
          `The main industry code ${main.mainIndustryCode} is not a target industry.`,
        ),
      );
    }
  }
  const secondary = Array.isArray(main.secondaryIndustryCodes) ? main.secondaryIndustryCodes : [];
  secondary.forEach((code, i) => {
    if (typeof code === 'string' && ctx.industry(code)) return;
    issues.push(
      issue(
        'blocking',
        'INDUSTRY_CODE_UNKNOWN',
        `mainForm.secondaryIndustryCodes[${i}]`,
        `従たる業種の業種コード ${String(code)} は対象業種にありません。`,
        `The secondary industry code ${String(code)} is not a target industry.`,
      ),
    );
  });

  if (mainIndustry) {
    const ministers = mainIndustry.ministers;
    const given = isBlank(main.ministerCode) ? null : (main.ministerCode as string);
    if (given !== null && !ministers.includes(given)) {
      issues.push(
        issue(
          'blocking',
          'MINISTER_NOT_ALLOWED',
          'mainForm.ministerCode',
          `届出先の大臣 ${given} は業種「${mainIndustry.name}」（${mainIndustry.code}）の届出先ではありません（${ministers.join('、')}のいずれか）。`,
          `Minister ${given} does not receive filings for industry ${mainIndustry.code} (${mainIndustry.name}); one of ${ministers.join(', ')}.`,
        ),
      );
    } else if (given === null && !mainIndustry.defaultMinister && ministers.length > 1) {
      issues.push(
        issue(
          'blocking',
          'MINISTER_CHOICE_REQUIRED',
          'mainForm.ministerCode',
          `業種「${mainIndustry.name}」（${mainIndustry.code}）は届出先の大臣が複数あるため、選択してください（${ministers.join('、')}）。`,
          `Industry ${mainIndustry.code} (${mainIndustry.name}) has several ministers; choose one of ${ministers.join(', ')}.`,
        ),
      );
    }
  }
}

interface SheetLabel {
  ja: string;
  en: string;
}

function sheetLabel(index: number, n: number, ref: SubstanceRef | undefined): SheetLabel {
  return ref
    ? { ja: `別紙${index + 1}（政令番号${n} ${ref.name}）`, en: `sheet ${index + 1} (substance ${n}, ${ref.name})` }
    : { ja: `別紙${index + 1}（政令番号${n}）`, en: `sheet ${index + 1} (substance ${n})` };
}

function validateSheets(content: FilingContent, ctx: ValidationContext, issues: ValidationIssue[]): void {
  const sheets = Array.isArray(content?.sheets) ? content.sheets : [];
  if (!sheets.length) {
    issues.push(
      issue(
        'blocking',
        'NO_SHEETS',
        'sheets',
        '別紙（第一種指定化学物質ごとの排出量・移動量）を1枚以上入力してください。',
        'At least one sheet (releases and transfers of one Class I substance) is required.',
      ),
    );
    return;
  }

  const firstIndex = new Map<number, number>();
  sheets.forEach((sheet, i) => {
    const base = `sheets[${i}]`;
    const n = sheet.substanceNumber;
    const ref = Number.isInteger(n) ? ctx.substance(n) : undefined;
    const label = sheetLabel(i, n, ref);
    const where = { ja: `${label.ja}の`, en: ` on ${label.en}` };

    if (!ref) {
      issues.push(
        issue(
          'blocking',
          'SUBSTANCE_NOT_LISTED',
          `${base}.substanceNumber`,
          `${label.ja}: 政令番号 ${String(n)} は${ctx.fiscalYear}年度の第一種指定化学物質にありません。`,
          `${capitalize(label.en)}: number ${String(n)} is not a Class I designated substance for fiscal year ${ctx.fiscalYear}.`,
        ),
      );
    } else {
      const first = firstIndex.get(n);
      if (first !== undefined) {
        issues.push(
          issue(
            'blocking',
            'DUPLICATE_SUBSTANCE',
            `${base}.substanceNumber`,
            `${label.ja}: 政令番号 ${n} は別紙${first + 1}と重複しています。物質ごとに1枚にまとめてください。`,
            `${capitalize(label.en)}: substance ${n} is already reported on sheet ${first + 1}; use one sheet per substance.`,
          ),
        );
      } else {
        firstIndex.set(n, i);
      }
    }

    // Amounts
    const amounts = new Map<string, Decimal>();
    for (const f of AMOUNT_FIELDS) {
      const raw = amountAt(sheet, f.path);
      const d = parseAmount(raw);
      if (d) {
        amounts.set(f.path, d);
        continue;
      }
      issues.push(
        issue(
          'blocking',
          'AMOUNT_INVALID',
          `${base}.${f.path}`,
          `${label.ja}の「${f.ja}」は0以上の数値（整数12桁・小数6桁まで）で入力してください（入力値: ${String(raw ?? '')}）。`,
          `${capitalize(f.en)} on ${label.en} must be a non-negative decimal number (up to 12 digits and 6 decimals); got "${String(raw ?? '')}".`,
        ),
      );
    }
    const positive = (path: string) => amounts.get(path)?.greaterThan(0) === true;
    const rel = (sheet.releases ?? {}) as FilingSheet['releases'];
    const tr = (sheet.transfers ?? {}) as FilingSheet['transfers'];

    if (positive('releases.water') && isBlank(rel.waterBodyName)) {
      issues.push(
        issue(
          'blocking',
          'WATER_BODY_REQUIRED',
          `${base}.releases.waterBodyName`,
          `${label.ja}: 公共用水域への排出量があるため、排出先の河川、湖沼、海域等の名称を入力してください。`,
          `${capitalize(label.en)}: a release to public water needs the name of the receiving water body.`,
        ),
      );
    }
    if (positive('transfers.sewer') && isBlank(tr.sewagePlantName)) {
      issues.push(
        issue(
          'blocking',
          'SEWAGE_PLANT_REQUIRED',
          `${base}.transfers.sewagePlantName`,
          `${label.ja}: 下水道への移動量があるため、移動先の下水道終末処理施設の名称を入力してください。`,
          `${capitalize(label.en)}: a transfer to sewer needs the name of the sewage treatment plant.`,
        ),
      );
    }
    const landfillType = rel.landfillType;
    if (landfillType !== null && landfillType !== undefined && !(LANDFILL_TYPES as readonly unknown[]).includes(landfillType)) {
      issues.push(
        issue(
          'blocking',
          'LANDFILL_TYPE_INVALID',
          `${base}.releases.landfillType`,
          `${label.ja}: 埋立処分の場所は安定型、管理型、遮断型のいずれかを選択してください。`,
          `${capitalize(label.en)}: the landfill type must be one of ${LANDFILL_TYPES.join(', ')}.`,
        ),
      );
    } else if (positive('releases.landfill') && !landfillType) {
      issues.push(
        issue(
          'blocking',
          'LANDFILL_TYPE_REQUIRED',
          `${base}.releases.landfillType`,
          `${label.ja}: 埋立処分量があるため、埋立処分の場所（安定型、管理型、遮断型）を選択してください。`,
          `${capitalize(label.en)}: on-site landfill needs the landfill type (stable, controlled or isolated).`,
        ),
      );
    }
    if (positive('transfers.offsite') && isBlank(tr.offsiteTreatmentMethod) && isBlank(tr.offsiteWasteType)) {
      issues.push(
        issue(
          'blocking',
          'OFFSITE_DETAIL_REQUIRED',
          `${base}.transfers.offsiteTreatmentMethod`,
          `${label.ja}: 事業所の外への移動量があるため、廃棄物の処理方法又は廃棄物の種類を入力してください。`,
          `${capitalize(label.en)}: a transfer off site needs the waste treatment method or the waste type.`,
        ),
      );
    }

    for (const f of SHEET_TEXT_FIELDS) {
      checkText(issues, `${base}.${f.path}`, valueAt(sheet, f.path), f, where);
    }

    // Warnings
    if (ref) {
      for (const f of AMOUNT_FIELDS) {
        const raw = amountAt(sheet, f.path);
        if (!amounts.has(f.path) || isRoundedPrtrAmount(raw, ref.unit)) continue;
        const suggested = roundPrtrAmount(amounts.get(f.path)!, ref.unit);
        const ruleJa = ref.unit === 'kg' ? '有効数字2桁（1未満は小数点以下第1位）' : '有効数字2桁';
        const ruleEn = ref.unit === 'kg' ? 'two significant digits (one decimal place below 1)' : 'two significant digits';
        issues.push(
          issue(
            'warning',
            'NOT_TWO_SIGNIFICANT_DIGITS',
            `${base}.${f.path}`,
            `${label.ja}の「${f.ja}」${raw} ${ref.unit} は${ruleJa}ではありません。${suggested} ${ref.unit} としてください。`,
            `${capitalize(f.en)} on ${label.en}, ${raw} ${ref.unit}, is not given to ${ruleEn}: use ${suggested} ${ref.unit}.`,
            { suggestedValue: suggested },
          ),
        );
      }
    }
    if (amounts.size === AMOUNT_FIELDS.length && [...amounts.values()].every((d) => d.isZero())) {
      issues.push(
        issue(
          'warning',
          'ALL_ZERO_SHEET',
          base,
          `${label.ja}の排出量・移動量がすべて0です。誤りがないか確認してください。`,
          `Every release and transfer on ${label.en} is zero; please check.`,
        ),
      );
    }

    // Prior-year alerts
    const prior = Number.isInteger(n) ? ctx.priorYear?.get(n) : undefined;
    if (prior) {
      const unit = ref?.unit ?? 'kg';
      for (const f of AMOUNT_FIELDS) {
        const now = amounts.get(f.path);
        const priorRaw = amountAt(prior, f.path);
        const before = parseAmount(priorRaw);
        if (!now || !before || now.isZero() || before.isZero()) continue;
        const up = now.greaterThan(before.times(PRIOR_YEAR_FACTOR));
        const down = now.times(PRIOR_YEAR_FACTOR).lessThan(before);
        if (!up && !down) continue;
        const raw = amountAt(sheet, f.path);
        issues.push(
          issue(
            'prior_year',
            'PRIOR_YEAR_CHANGE_10X',
            `${base}.${f.path}`,
            `${label.ja}の「${f.ja}」${raw} ${unit} は前年度（${priorRaw} ${unit}）の${up ? '10倍を超えています' : '10分の1未満です'}。誤りがないか確認してください。`,
            `${capitalize(f.en)} on ${label.en}, ${raw} ${unit}, is ${up ? 'more than 10 times' : 'less than a tenth of'} last year's ${priorRaw} ${unit}; please check.`,
            { priorValue: priorRaw },
          ),
        );
      }
    }
  });
}

/** Validates a filing whose sheets are already sorted (see sortSheets). Issues come in form order. */
export function validateFiling(content: FilingContent, ctx: ValidationContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  validateMainForm(content, ctx, issues);
  validateSheets(content, ctx, issues);
  return issues;
}
