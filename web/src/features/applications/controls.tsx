import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fieldId } from './rules';
import { keyOf, type ApplicationForm, type FieldDef, type Section } from './useApplicationForm';

function Mark({ optional }: { optional?: boolean }) {
  const { t } = useTranslation();
  return optional ? <span className="field__optional">{t('apply.optional')}</span> : <span className="field__required">{t('apply.required')}</span>;
}

/** One field with its label, required/optional mark, hint and error (linked by aria-describedby). */
export function Field({ form, def }: { form: ApplicationForm; def: FieldDef }) {
  const id = fieldId(def.name);
  const value = form.values[keyOf(def)] ?? '';
  const error = form.errorOf(def);
  const hintId = def.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const hint = def.hint && (
    <p id={hintId} className="field__hint">
      {def.hint}
    </p>
  );
  const errorText = error && (
    <p id={errorId} className="field__error" lang={error.lang}>
      {error.text}
    </p>
  );
  const kind = def.kind ?? 'text';

  if (kind === 'radio') {
    return (
      <fieldset className="field field--group">
        <legend className="field__label">
          {def.label}{' '}
          <Mark optional={def.optional} />
        </legend>
        {hint}
        <div className="choices" role="presentation">
          {def.options!.map((option, i) => (
            <label className="choice" key={option.value} htmlFor={`${id}-${i}`}>
              <input
                id={`${id}-${i}`}
                type="radio"
                name={def.name}
                value={option.value}
                checked={value === option.value}
                required={!def.optional}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                onChange={() => form.set(def, option.value)}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
        {errorText}
      </fieldset>
    );
  }

  if (kind === 'checkbox') {
    return (
      <div className="field">
        <label className="choice choice--box" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            name={def.name}
            checked={value === 'true'}
            aria-describedby={describedBy}
            onChange={(e) => form.set(def, e.target.checked ? 'true' : '')}
          />
          <span>{def.label}</span>
        </label>
        {hint}
        {errorText}
      </div>
    );
  }

  const common = {
    id,
    name: def.name,
    className: `field__input${def.width ? ` field__input--${def.width}` : ''}`,
    required: !def.optional,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  } as const;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {def.label}{' '}
        <Mark optional={def.optional} />
      </label>
      {hint}
      {kind === 'select' ? (
        <select {...common} value={value} onChange={(e) => form.set(def, e.target.value)}>
          <option value="">{def.placeholder}</option>
          {def.options!.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={def.inputType ?? 'text'}
          autoComplete={def.autoComplete ?? 'off'}
          inputMode={def.inputMode}
          spellCheck={false}
          value={value}
          onChange={(e) => form.set(def, e.target.value)}
        />
      )}
      {errorText}
    </div>
  );
}

/** A group of fields under its legend. */
export function FormSection({ section, lead, children }: { section: Pick<Section, 'id' | 'legend'>; lead?: string; children: ReactNode }) {
  return (
    <fieldset className="form-section" id={section.id}>
      <legend className="form-section__legend">
        <h2 className="form-section__title">{section.legend}</h2>
      </legend>
      {lead && <p className="form-section__lead">{lead}</p>}
      {children}
    </fieldset>
  );
}

/** What is wrong, at the top: the server's message when it refused, then each field, linked to it. */
export function ErrorSummary({ form }: { form: ApplicationForm }) {
  const { t } = useTranslation();
  const items = form.errorItems;
  if (items.length === 0) return null;
  // the server's message while any of the fields it refused is still as it was sent
  const refusal = form.refusal && form.refusal.fields.length > 0 ? form.refusal : null;
  return (
    // not a live region: it changes as fields are corrected; a failed submit moves the focus here, which reads it out
    <div ref={form.summaryRef} className="alert alert--error" role="group" tabIndex={-1} aria-labelledby="error-summary-title" data-testid="error-summary">
      <p id="error-summary-title" className="alert__title" lang={refusal?.lang}>
        {refusal ? refusal.message : t('apply.errorSummary', { count: items.length })}
      </p>
      {refusal && <p>{t('apply.serverErrorSummary', { count: items.length })}</p>}
      <ul className="error-list">
        {items.map((item, i) => (
          <li key={`${item.target ?? item.label}-${i}`}>
            {item.target ? (
              <a
                href={`#${item.target}`}
                lang={item.lang}
                onClick={(e) => {
                  e.preventDefault();
                  const el = document.getElementById(item.target!);
                  el?.focus();
                  el?.scrollIntoView({ block: 'center' });
                }}
              >
                {item.message}
              </a>
            ) : (
              <span lang={item.lang}>
                {item.label}
                {t('apply.colon')}
                {item.message}
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function shownValue(def: FieldDef, raw: string | undefined, notEntered: string): string {
  const value = (raw ?? '').trim();
  switch (def.kind ?? 'text') {
    case 'checkbox':
      return value === 'true' ? def.checkedLabel ?? '✓' : def.uncheckedLabel ?? '—';
    case 'radio':
    case 'select':
      return def.options?.find((o) => o.value === value)?.label ?? notEntered;
    default:
      return value === '' ? notEntered : value;
  }
}

/** Every value, read-only, under the form's own headings. */
export function ConfirmSections({ form, sections }: { form: ApplicationForm; sections: Section[] }) {
  const { t } = useTranslation();
  return (
    <>
      {sections.map((section) => (
        <section key={section.id} className="confirm-section" aria-labelledby={`${section.id}-confirm`}>
          <h2 id={`${section.id}-confirm`} className="section-title">
            {section.legend}
          </h2>
          <dl className="facts">
            {section.fields.map((def) => (
              <div className="facts__row" key={def.name}>
                <dt>{def.confirmLabel ?? def.label}</dt>
                <dd data-field={def.name}>{shownValue(def, form.values[keyOf(def)], t('apply.notEntered'))}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </>
  );
}

/** The three steps of an application, the current one marked. */
export function Steps({ step }: { step: ApplicationForm['step'] }) {
  const { t } = useTranslation();
  const steps = ['form', 'confirm', 'done'] as const;
  return (
    <ol className="steps" aria-label={t('apply.steps.label')}>
      {steps.map((s, i) => (
        <li key={s} className="steps__item" aria-current={s === step ? 'step' : undefined}>
          <span className="steps__number" aria-hidden="true">
            {i + 1}
          </span>
          {t(`apply.steps.${s}`)}
        </li>
      ))}
    </ol>
  );
}

/** The page around the steps: title, step list, and each step's body. */
export function ApplicationPage({
  form,
  title,
  lead,
  sections,
  renderForm,
  next,
  doneLead,
  testId,
}: {
  form: ApplicationForm;
  title: string;
  lead: string;
  sections: Section[];
  renderForm: () => ReactNode;
  next: string[];
  doneLead: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const heading =
    form.step === 'form' ? title : form.step === 'confirm' ? t('apply.confirmTitle', { title }) : t('apply.doneTitle');
  return (
    <section className="card application" aria-labelledby="application-title" data-testid={testId} data-step={form.step}>
      <h1 id="application-title" ref={form.headingRef} tabIndex={-1} className="page-title">
        {heading}
      </h1>
      <Steps step={form.step} />
      {form.step === 'form' && (
        <>
          <p className="lead">{lead}</p>
          <p className="form-note">
            {t('apply.requiredNote.before')}
            <span className="field__required">{t('apply.required')}</span>
            {t('apply.requiredNote.after')}
          </p>
          <ErrorSummary form={form} />
          <form onSubmit={form.toConfirm} noValidate>
            {renderForm()}
            <div className="button-row">
              <button type="submit" className="button button--primary">
                {t('apply.toConfirm')}
              </button>
            </div>
          </form>
        </>
      )}
      {form.step === 'confirm' && (
        <>
          <p className="lead">{t('apply.confirmLead')}</p>
          {form.sendFailure && (
            <div ref={form.summaryRef} className="alert alert--error" role="alert" tabIndex={-1} data-testid="send-error">
              <p className="alert__title">{t('apply.sendFailed')}</p>
              <p lang={form.sendFailure.lang}>{form.sendFailure.message}</p>
            </div>
          )}
          <ConfirmSections form={form} sections={sections} />
          <div className="button-row">
            <button type="button" className="button button--secondary" onClick={form.back} disabled={form.submitting}>
              {t('apply.back')}
            </button>
            <button type="button" className="button button--primary" onClick={() => void form.submit()} disabled={form.submitting} aria-busy={form.submitting}>
              {form.submitting ? t('apply.sending') : t('apply.send')}
            </button>
          </div>
        </>
      )}
      {form.step === 'done' && (
        <>
          <p className="lead">{doneLead}</p>
          <div className="application-number">
            <p className="application-number__label" id="application-number-label">
              {t('apply.applicationNumber')}
            </p>
            <p className="application-number__value" aria-labelledby="application-number-label" data-testid="application-number">
              {form.applicationId}
            </p>
          </div>
          <p>{t('apply.keepNumber')}</p>
          <h2 className="section-title">{t('apply.nextTitle')}</h2>
          <ol className="next-steps">
            {next.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ol>
          <p>
            <Link to="/login">{t('apply.toLogin')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
