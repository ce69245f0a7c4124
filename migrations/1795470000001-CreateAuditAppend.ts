import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_APPEND_SQL } from './sql/audit.v2';

/** audit_append(): audit events are sealed into the chain as they are written (see the SQL file). */
export class CreateAuditAppend1795470000001 implements MigrationInterface {
  name = 'CreateAuditAppend1795470000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_APPEND_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(jsonb)`);
  }
}
