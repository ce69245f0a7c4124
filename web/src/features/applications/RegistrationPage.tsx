import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, unwrap } from '../../api/client';
import type { RegistrationApplication } from '../../api/types';
import { ApplicationPage, Field, FormSection } from './controls';
import { circled } from './rules';
import { useApplicationForm, type FieldDef, type Section, type Values } from './useApplicationForm';

/** The seed's form allows this many co-businesses (the API's limit). */
export const MAX_CO_BUSINESSES = 50;
const REPRESENTATIVE = 'representative';
const coChoice = (row: number) => `co:${row}`;

/** ASSETシステム登録申請書: the target holder's registration application (no login needed). */
export function RegistrationPage() {
  const { t, i18n } = useTranslation();
  const [values, setValues] = useState<Values>({});
  const [rows, setRows] = useState<number[]>([]);
  const nextRow = useRef(1);
  const addButton = useRef<HTMLButtonElement>(null);

  const raw = (key: string) => values[key] ?? '';
  // co-businesses are counted ①②… as on the paper form; 1, 2… in English
  const n = (i: number) => (i18n.resolvedLanguage === 'en' ? String(i + 1) : circled(i + 1));

  // the contact's company: the representative or one of the co-businesses, as typed above
  const companies = [
    { value: REPRESENTATIVE, name: raw('representative.name').trim(), label: (name: string) => t('registration.companyRepresentative', { name }) },
    ...rows.map((row, i) => ({
      value: coChoice(row),
      name: raw(`co.${row}.name`).trim(),
      label: (name: string) => t('registration.companyCoBusiness', { name, n: n(i) }),
    })),
  ].filter((c) => c.name !== '');
  const companyChoice = companies.some((c) => c.value === raw('contact.company')) ? raw('contact.company') : '';
  const effective: Values = { ...values, 'contact.company': companyChoice };
  const companyName = companies.find((c) => c.value === companyChoice)?.name ?? '';

  const text = (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, ...extra });
  const kana = (name: string, label: string, max: number): FieldDef => ({ name, label, rule: 'kana', max, hint: t('apply.hints.kana') });

  const holder: Section = {
    id: 'holder',
    legend: t('registration.holder'),
    fields: [
      text('representative.name', t('registration.representativeName'), { max: 200, autoComplete: 'organization' }),
      kana('representative.nameKana', t('registration.representativeNameKana'), 400),
      text('representative.representativeName', t('registration.representativePersonName'), { max: 100 }),
      kana('representative.representativeNameKana', t('registration.representativePersonNameKana'), 200),
    ],
  };
  const coSections: Section[] = rows.map((row, i) => ({
    id: `co-business-${row}`,
    legend: t('registration.coBusiness', { n: n(i) }),
    fields: [
      { name: `coBusinesses.${i}.name`, key: `co.${row}.name`, label: t('registration.coBusinessName', { n: n(i) }), max: 200 },
      { name: `coBusinesses.${i}.nameKana`, key: `co.${row}.nameKana`, label: t('registration.coBusinessNameKana', { n: n(i) }), rule: 'kana', max: 400, hint: t('apply.hints.kana') },
    ],
  }));
  const contact: Section = {
    id: 'contact',
    legend: t('contact.legend'),
    fields: [
      {
        name: 'contact.company',
        label: t('registration.contactCompany'),
        kind: 'select',
        placeholder: t('apply.choose'),
        hint: companies.length ? t('registration.contactCompanyHint') : t('registration.contactCompanyEmpty'),
        options: companies.map((c) => ({ value: c.value, label: c.label(c.name) })),
      },
      text('contact.department', t('contact.department'), { max: 200 }),
      text('contact.title', t('contact.title'), { max: 100, autoComplete: 'organization-title' }),
      text('contact.name', t('contact.name'), { max: 100, autoComplete: 'name' }),
      kana('contact.nameKana', t('contact.nameKana'), 200),
      text('contact.postalCode', t('contact.postalCode'), { rule: 'postal', hint: t('apply.hints.postal'), width: 'short', autoComplete: 'postal-code', inputMode: 'numeric' }),
      text('contact.address', t('contact.address'), { max: 300, autoComplete: 'street-address' }),
      text('contact.phone', t('contact.phone'), { rule: 'phone', hint: t('apply.hints.phone'), width: 'medium', inputType: 'tel', autoComplete: 'tel' }),
      text('contact.fax', t('contact.fax'), { rule: 'phone', optional: true, hint: t('apply.hints.phone'), width: 'medium', inputType: 'tel' }),
      text('contact.emailA', t('registration.emailA'), { rule: 'email', hint: t('registration.emailAHint'), inputType: 'email', autoComplete: 'email' }),
      text('contact.emailB', t('registration.emailB'), { rule: 'email', optional: true, hint: t('registration.emailBHint'), inputType: 'email' }),
    ],
  };
  const facility: Section = {
    id: 'facility',
    legend: t('registration.facility'),
    fields: [
      text('facility.name', t('registration.facilityName'), { max: 200, hint: t('registration.facilityNameHint') }),
      kana('facility.nameKana', t('registration.facilityNameKana'), 400),
      text('facility.address', t('registration.facilityAddress'), { max: 300 }),
      {
        name: 'facility.type',
        label: t('registration.facilityType'),
        kind: 'radio',
        options: [
          { value: 'factory', label: t('registration.factory') },
          { value: 'business_site', label: t('registration.businessSite') },
        ],
      },
    ],
  };
  const participation: Section = {
    id: 'participation',
    legend: t('registration.participation'),
    fields: [
      {
        name: 'participationForm',
        label: t('registration.participationForm'),
        kind: 'radio',
        options: [
          { value: 'single', label: t('registration.single') },
          { value: 'group', label: t('registration.group') },
        ],
      },
      text('accountName', t('registration.accountName'), { max: 200, hint: t('registration.accountNameHint') }),
      {
        name: 'inTokyoOrSaitamaScheme',
        label: t('registration.scheme'),
        kind: 'radio',
        hint: t('registration.schemeHint'),
        options: [
          { value: 'yes', label: t('apply.yes') },
          { value: 'no', label: t('apply.no') },
        ],
      },
    ],
  };
  const disclosure: Section = {
    id: 'disclosure',
    legend: t('disclosure.legend'),
    fields: [
      {
        name: 'disclosureConsent',
        label: t('disclosure.question'),
        kind: 'checkbox',
        confirmLabel: t('disclosure.confirmLabel'),
        hint: t('disclosure.hint'),
        checkedLabel: t('disclosure.agree'),
        uncheckedLabel: t('disclosure.disagree'),
      },
    ],
  };
  const sections = [holder, ...coSections, contact, facility, participation, disclosure];

  const v = (key: string) => (effective[key] ?? '').trim();
  const optional = (key: string) => (v(key) === '' ? {} : { [key.split('.').pop()!]: v(key) });

  async function send() {
    const body: RegistrationApplication = {
      representative: {
        name: v('representative.name'),
        nameKana: v('representative.nameKana'),
        representativeName: v('representative.representativeName'),
        representativeNameKana: v('representative.representativeNameKana'),
      },
      coBusinesses: rows.map((row) => ({ name: v(`co.${row}.name`), nameKana: v(`co.${row}.nameKana`) })),
      contact: {
        company: companyName,
        department: v('contact.department'),
        title: v('contact.title'),
        name: v('contact.name'),
        nameKana: v('contact.nameKana'),
        postalCode: v('contact.postalCode'),
        address: v('contact.address'),
        phone: v('contact.phone'),
        ...optional('contact.fax'),
        emailA: v('contact.emailA'),
        ...optional('contact.emailB'),
      },
      facility: {
        name: v('facility.name'),
        nameKana: v('facility.nameKana'),
        address: v('facility.address'),
        type: v('facility.type') as RegistrationApplication['facility']['type'],
      },
      participationForm: v('participationForm') as RegistrationApplication['participationForm'],
      accountName: v('accountName'),
      inTokyoOrSaitamaScheme: v('inTokyoOrSaitamaScheme') === 'yes',
      disclosureConsent: v('disclosureConsent') === 'true',
    };
    return unwrap(client.POST('/api/v1/registration-applications', { body }));
  }

  const form = useApplicationForm({ sections, values: effective, setValues, send });

  function addRow() {
    if (rows.length >= MAX_CO_BUSINESSES) return;
    const row = nextRow.current++;
    setRows((r) => [...r, row]);
    form.forgetServerErrors('coBusinesses.');
    // the new row's first field takes the focus
    setTimeout(() => document.getElementById(`f-coBusinesses-${rows.length}-name`)?.focus(), 0);
  }
  function removeRow(row: number) {
    setRows((r) => r.filter((x) => x !== row));
    setValues((vals) => {
      const rest = { ...vals };
      delete rest[`co.${row}.name`];
      delete rest[`co.${row}.nameKana`];
      if (rest['contact.company'] === coChoice(row)) rest['contact.company'] = '';
      return rest;
    });
    form.forgetServerErrors('coBusinesses.');
    setTimeout(() => addButton.current?.focus(), 0);
  }

  const renderForm = () => (
    <>
      <FormSection section={holder}>
        {holder.fields.map((def) => (
          <Field key={def.name} form={form} def={def} />
        ))}
        <div className="co-businesses" role="group" aria-labelledby="co-businesses-title">
          <h3 id="co-businesses-title" className="subsection-title">
            {t('registration.coBusinesses')}{' '}
            <span className="field__optional">{t('apply.optional')}</span>
          </h3>
          <p className="field__hint">{t('registration.coBusinessesHint', { max: MAX_CO_BUSINESSES })}</p>
          {coSections.map((section, i) => (
            <fieldset className="co-business" key={section.id} id={section.id}>
              <legend className="co-business__legend">{section.legend}</legend>
              {section.fields.map((def) => (
                <Field key={def.name} form={form} def={def} />
              ))}
              <button type="button" className="button button--secondary button--small" onClick={() => removeRow(rows[i])}>
                {t('registration.removeCoBusiness', { n: n(i) })}
              </button>
            </fieldset>
          ))}
          {rows.length < MAX_CO_BUSINESSES ? (
            <button ref={addButton} type="button" className="button button--secondary" onClick={addRow}>
              {t('registration.addCoBusiness')}
            </button>
          ) : (
            <p className="field__hint" role="status">
              {t('registration.coBusinessLimit', { max: MAX_CO_BUSINESSES })}
            </p>
          )}
        </div>
      </FormSection>
      <FormSection section={contact} lead={t('registration.contactLead')}>
        {contact.fields.map((def) => (
          <Field key={def.name} form={form} def={def} />
        ))}
      </FormSection>
      {[facility, participation, disclosure].map((section) => (
        <FormSection key={section.id} section={section}>
          {section.fields.map((def) => (
            <Field key={def.name} form={form} def={def} />
          ))}
        </FormSection>
      ))}
    </>
  );

  return (
    <ApplicationPage
      form={form}
      title={t('registration.title')}
      lead={t('registration.lead')}
      sections={sections}
      renderForm={renderForm}
      next={[t('registration.next1'), t('registration.next2'), t('registration.next3')]}
      doneLead={t('registration.doneLead')}
      testId="registration-application"
    />
  );
}
