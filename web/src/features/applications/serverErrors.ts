import type { Language } from '../../i18n';

/** One entry of a VALIDATION_FAILED body's `details.fields` (src/core/http/validation.pipe.ts). */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** The `details.fields` of an API error, when it has that shape. */
export function fieldProblems(details: Record<string, unknown>): FieldProblem[] {
  const fields = details.fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter(
    (f): f is FieldProblem =>
      typeof f === 'object' && f !== null && typeof (f as FieldProblem).field === 'string' && Array.isArray((f as FieldProblem).problems),
  );
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

/**
 * A server problem as the field beside it shows it. The registry's own messages are written
 * "日本語 (English)": the UI language's half is kept. A message that starts with the property's
 * name (class-validator's "$property …") gets the field's label instead.
 */
export function localiseProblem(problem: string, field: string, label: string, language: Language): string {
  let text = problem.trim();
  const bilingual = /^(.*\S)\s*\(([^()]+)\)$/.exec(text);
  if (bilingual && JAPANESE.test(bilingual[1]) && !JAPANESE.test(bilingual[2])) {
    text = language === 'en' ? bilingual[2].charAt(0).toUpperCase() + bilingual[2].slice(1) : bilingual[1];
    if (!/[。．.!?！？]$/.test(text)) text += language === 'en' ? '.' : '。';
  }
  const property = field.split('.').pop() ?? field;
  if (text.startsWith(`${property} `)) {
    const rest = text.slice(property.length + 1);
    text = JAPANESE.test(rest.charAt(0)) ? `${label}${rest}` : `${label} ${rest}`;
  }
  return text;
}
