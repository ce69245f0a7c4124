import { AuditEvent } from '../../modules/audit/audit-event.entity';
import { COMPLIANCE_ENTITIES } from '../../modules/compliance/entities/index';
import { EMISSIONS_ENTITIES } from '../../modules/emissions/entities/index';
import { IDENTITY_ENTITIES } from '../../modules/identity/entities/index';
import { LEDGER_ENTITIES } from '../../modules/ledger/entities/index';
import { PRTR_ENTITIES } from '../../modules/prtr/entities/index';
import { NOTIFICATION_ENTITIES } from '../../modules/notifications/entities/index';

/** Every entity of every module: the data source needs them all; modules never import each other's. */
export const ALL_ENTITIES = [...IDENTITY_ENTITIES, ...LEDGER_ENTITIES, ...NOTIFICATION_ENTITIES, ...COMPLIANCE_ENTITIES, ...EMISSIONS_ENTITIES, ...PRTR_ENTITIES, AuditEvent];
