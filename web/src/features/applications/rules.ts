/**
 * The client-side checks of the public application forms. They mirror the server's
 * (src/modules/identity/dto/validation.ts: required, lengths, hiragana readings, NNN-NNNN, phone
 * numbers) so a user hears about a slip before sending; the server stays authoritative (its
 * e-mail check, for one, is stricter than the shape checked here).
 */

/** Readings (ふりがな) in hiragana; the long-vowel mark and spaces allowed (the server's HIRAGANA). */
export const HIRAGANA = /^[\u3041-\u3096\u309D\u309Eー\u3000 ]+$/;
export const POSTAL_CODE = /^[0-9]{3}-[0-9]{4}$/;
/** 03-1234-5678, 090-1234-5678, or the digits alone (the server's PHONE). */
export const PHONE = /^(0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}|0[0-9]{9,10})$/;
/** Only the shape: one @ with something on each side. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
export const EMAIL_MAX = 254;

export type Rule = 'text' | 'kana' | 'postal' | 'phone' | 'email';
export type ProblemKey = 'required' | 'choose' | 'kana' | 'postal' | 'phone' | 'email' | 'tooLong';
export interface Problem {
  key: ProblemKey;
  max?: number;
}

/** Characters as the server counts them (code points). */
const length = (value: string) => [...value].length;

/** The first problem of a text value (already trimmed), or null. */
export function checkText(value: string, rule: Rule, max: number, optional = false): Problem | null {
  if (value === '') return optional ? null : { key: 'required' };
  if (length(value) > max) return { key: 'tooLong', max };
  switch (rule) {
    case 'kana':
      return HIRAGANA.test(value) ? null : { key: 'kana' };
    case 'postal':
      return POSTAL_CODE.test(value) ? null : { key: 'postal' };
    case 'phone':
      return PHONE.test(value) ? null : { key: 'phone' };
    case 'email':
      return EMAIL_SHAPE.test(value) ? null : { key: 'email' };
    default:
      return null;
  }
}

/** The maximum length each rule implies where the form gives none. */
export const RULE_MAX: Partial<Record<Rule, number>> = { postal: 8, phone: 13, email: EMAIL_MAX };

/** `contact.nameKana` → `f-contact-nameKana`: the id of the field that shows an API field. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Circled numbers as the seed's form counts its co-businesses (①…㊿); past 50, plain digits. */
export function circled(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}
