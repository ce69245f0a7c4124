import { PrtrBusiness, PrtrCertificate, PrtrCertificateAuthority, PrtrFacility, PrtrRegistration } from './filer.entity';
import { PrtrFiling, PrtrFilingSheet, PrtrInquiry, PrtrReferenceCounter } from './filing.entity';
import { PrtrIndustry, PrtrMinister, PrtrPrefecture, PrtrSubstance, PrtrSubstanceList } from './master.entity';

export * from './filer.entity';
export * from './filing.entity';
export * from './master.entity';
export const PRTR_ENTITIES = [
  PrtrSubstanceList,
  PrtrSubstance,
  PrtrMinister,
  PrtrIndustry,
  PrtrPrefecture,
  PrtrRegistration,
  PrtrBusiness,
  PrtrFacility,
  PrtrCertificateAuthority,
  PrtrCertificate,
  PrtrFiling,
  PrtrFilingSheet,
  PrtrInquiry,
  PrtrReferenceCounter,
];
