import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, unwrap } from '../../api/client';
import type { TradingParticipantApplication } from '../../api/types';
import { ApplicationPage, Field, FormSection } from './controls';
import { useApplicationForm, type FieldDef, type Section, type Values } from './useApplicationForm';

/** 取引参加者の登録申請: a business that trades JAA without a reduction target (no login needed). */
export function TradingParticipantPage() {
  const { t } = useTranslation();
  const [values, setValues] = useState<Values>({});
  const kanaHint = t('apply.hints.kana');

  const participant: Section = {
    id: 'participant',
    legend: t('tradingParticipant.participant'),
    fields: [
      { name: 'name', label: t('tradingParticipant.name'), max: 200, autoComplete: 'organization' },
      { name: 'nameKana', label: t('tradingParticipant.nameKana'), rule: 'kana', max: 400, hint: kanaHint },
      { name: 'accountName', label: t('tradingParticipant.accountName'), max: 200, hint: t('registration.accountNameHint') },
    ],
  };
  const contactFields: FieldDef[] = [
    { name: 'contact.department', label: t('contact.department'), max: 200 },
    { name: 'contact.name', label: t('contact.name'), max: 100, autoComplete: 'name' },
    { name: 'contact.nameKana', label: t('contact.nameKana'), rule: 'kana', max: 200, hint: kanaHint },
    { name: 'contact.postalCode', label: t('contact.postalCode'), rule: 'postal', hint: t('apply.hints.postal'), width: 'short', autoComplete: 'postal-code', inputMode: 'numeric' },
    { name: 'contact.address', label: t('contact.address'), max: 300, autoComplete: 'street-address' },
    { name: 'contact.phone', label: t('contact.phone'), rule: 'phone', hint: t('apply.hints.phone'), width: 'medium', inputType: 'tel', autoComplete: 'tel' },
    { name: 'contact.email', label: t('tradingParticipant.email'), rule: 'email', hint: t('tradingParticipant.emailHint'), inputType: 'email', autoComplete: 'email' },
  ];
  const contact: Section = { id: 'contact', legend: t('contact.legend'), fields: contactFields };
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
  const sections = [participant, contact, disclosure];

  const v = (key: string) => (values[key] ?? '').trim();
  async function send() {
    const body: TradingParticipantApplication = {
      name: v('name'),
      nameKana: v('nameKana'),
      accountName: v('accountName'),
      contact: {
        department: v('contact.department'),
        name: v('contact.name'),
        nameKana: v('contact.nameKana'),
        postalCode: v('contact.postalCode'),
        address: v('contact.address'),
        phone: v('contact.phone'),
        email: v('contact.email'),
      },
      disclosureConsent: v('disclosureConsent') === 'true',
    };
    return unwrap(client.POST('/api/v1/trading-participant-applications', { body }));
  }

  const form = useApplicationForm({ sections, values, setValues, send });

  return (
    <ApplicationPage
      form={form}
      title={t('tradingParticipant.title')}
      lead={t('tradingParticipant.lead')}
      sections={sections}
      renderForm={() =>
        sections.map((section) => (
          <FormSection key={section.id} section={section} lead={section.id === 'contact' ? t('tradingParticipant.contactLead') : undefined}>
            {section.fields.map((def) => (
              <Field key={def.name} form={form} def={def} />
            ))}
          </FormSection>
        ))
      }
      next={[t('tradingParticipant.next1'), t('tradingParticipant.next2'), t('tradingParticipant.next3')]}
      doneLead={t('tradingParticipant.doneLead')}
      testId="trading-participant-application"
    />
  );
}
