import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../../api/client';
import { currentLanguage, type Language } from '../../i18n';
import { RULE_MAX, checkText, fieldId, type Problem, type Rule } from './rules';
import { fieldProblems, localiseProblem, type FieldProblem } from './serverErrors';

export interface Option {
  value: string;
  label: string;
}

/** One field of an application form: what it shows, how it is checked, where the API names it. */
export interface FieldDef {
  /** The field's path in the API body and in its errors, e.g. `contact.nameKana`, `coBusinesses.0.name`. */
  name: string;
  /** Where its value is kept in the form's state (rows keep theirs under a stable row id); default `name`. */
  key?: string;
  label: string;
  kind?: 'text' | 'radio' | 'select' | 'checkbox';
  rule?: Rule;
  max?: number;
  optional?: boolean;
  hint?: string;
  options?: Option[];
  /** select: the text of the empty choice. */
  placeholder?: string;
  inputType?: 'text' | 'email' | 'tel';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email';
  width?: 'short' | 'medium';
  /** The label on the confirmation, where it differs (a checkbox's sentence is long). */
  confirmLabel?: string;
  /** checkbox: how the confirmation shows it ticked / not ticked. */
  checkedLabel?: string;
  uncheckedLabel?: string;
}

export interface Section {
  id: string;
  legend: string;
  fields: FieldDef[];
}

export type Values = Record<string, string>;
export type Step = 'form' | 'confirm' | 'done';

interface ServerRefusal {
  message: string;
  lang: Language;
  fields: FieldProblem[];
}

export interface ErrorItem {
  /** The id of the control to move to, when the error belongs to a field of the form. */
  target?: string;
  label: string;
  message: string;
  lang?: Language;
}

export const keyOf = (def: FieldDef) => def.key ?? def.name;
/** The control a link to the field moves to (a group's first choice). */
export const targetOf = (def: FieldDef) => (def.kind === 'radio' ? `${fieldId(def.name)}-0` : fieldId(def.name));

export function clientProblem(def: FieldDef, raw: string | undefined): Problem | null {
  const value = (raw ?? '').trim();
  switch (def.kind ?? 'text') {
    case 'checkbox':
      return null;
    case 'radio':
    case 'select':
      return value === '' && !def.optional ? { key: 'choose' } : null;
    default: {
      const rule = def.rule ?? 'text';
      return checkText(value, rule, def.max ?? RULE_MAX[rule] ?? 200, def.optional);
    }
  }
}

/**
 * The steps of a public application (form → confirmation → done), its client-side checks and the
 * server's refusals. The page owns the values and says which fields there are (`sections`, which
 * may depend on the values); `send` posts the body and returns the application's id.
 */
export function useApplicationForm(options: {
  sections: Section[];
  values: Values;
  setValues: (update: (values: Values) => Values) => void;
  send: () => Promise<{ id: string }>;
}) {
  const { sections, values, setValues, send } = options;
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('form');
  const [attempted, setAttempted] = useState(false);
  const [refusal, setRefusal] = useState<ServerRefusal | null>(null);
  const [sendFailure, setSendFailure] = useState<{ message: string; lang: Language } | null>(null);
  const [applicationId, setApplicationId] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [summaryTurn, setSummaryTurn] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const sending = useRef(false);
  const shownStep = useRef<Step>('form');

  const defs = sections.flatMap((s) => s.fields);

  // a new step starts at its heading (read out by screen readers), at the top of the page
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    window.scrollTo(0, 0);
    headingRef.current?.focus();
  }, [step]);
  // a failed submit moves to the list of what is wrong
  useEffect(() => {
    if (summaryTurn > 0) summaryRef.current?.focus();
  }, [summaryTurn]);

  const message = (def: FieldDef, problem: Problem) => t(`apply.errors.${problem.key}`, { field: def.label, max: problem.max });

  /** The error shown beside a field: ours once a submit was tried, else the server's (until the field is edited). */
  function errorOf(def: FieldDef): { text: string; lang?: Language } | null {
    if (attempted) {
      const problem = clientProblem(def, values[keyOf(def)]);
      if (problem) return { text: message(def, problem) };
    }
    const server = refusal?.fields.find((f) => f.field === def.name);
    if (server) return { text: server.problems.map((p) => localiseProblem(p, def.name, def.label, refusal!.lang)).join(' '), lang: refusal!.lang };
    return null;
  }

  const errorItems: ErrorItem[] = [];
  for (const def of defs) {
    const error = errorOf(def);
    if (error) errorItems.push({ target: targetOf(def), label: def.label, message: error.text, lang: error.lang });
  }
  for (const f of refusal?.fields ?? []) {
    if (!defs.some((d) => d.name === f.field)) errorItems.push({ label: f.field, message: f.problems.join(' '), lang: refusal!.lang });
  }

  const set = useCallback(
    (def: FieldDef, value: string) => {
      setValues((v) => ({ ...v, [keyOf(def)]: value }));
      setRefusal((r) => (r ? { ...r, fields: r.fields.filter((f) => f.field !== def.name) } : r));
    },
    [setValues],
  );

  /** Forgets the server's refusals of fields under a prefix (rows were added or removed: their numbers moved). */
  const forgetServerErrors = useCallback((prefix: string) => {
    setRefusal((r) => (r ? { ...r, fields: r.fields.filter((f) => !f.field.startsWith(prefix)) } : r));
  }, []);

  function toConfirm(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    const wrong = defs.some((d) => clientProblem(d, values[keyOf(d)]) !== null) || (refusal?.fields.length ?? 0) > 0;
    if (wrong) {
      setSummaryTurn((n) => n + 1);
      return;
    }
    setRefusal(null);
    setSendFailure(null);
    setStep('confirm');
  }

  function back() {
    setSendFailure(null);
    setStep('form');
  }

  async function submit() {
    if (sending.current) return; // a double click posts once
    sending.current = true;
    setSubmitting(true);
    setSendFailure(null);
    try {
      const created = await send();
      setApplicationId(created.id);
      setStep('done');
    } catch (error) {
      if (error instanceof ApiError) {
        const fields = fieldProblems(error.details);
        if (fields.length > 0) {
          // refused fields: back to the form, each error beside its field
          setRefusal({ message: error.message, lang: currentLanguage(), fields });
          setStep('form');
          setSummaryTurn((n) => n + 1);
        } else {
          setSendFailure({ message: error.message, lang: currentLanguage() });
          setSummaryTurn((n) => n + 1);
        }
      } else if (error instanceof NetworkError) {
        setSendFailure({ message: t('login.networkError'), lang: currentLanguage() });
        setSummaryTurn((n) => n + 1);
      } else {
        throw error;
      }
    } finally {
      sending.current = false;
      setSubmitting(false);
    }
  }

  return {
    step,
    values,
    set,
    forgetServerErrors,
    errorOf,
    errorItems,
    refusal,
    sendFailure,
    applicationId,
    submitting,
    summaryRef,
    headingRef,
    toConfirm,
    back,
    submit,
  };
}

export type ApplicationForm = ReturnType<typeof useApplicationForm>;
