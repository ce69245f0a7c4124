import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A login attempt refused because the lockout's slots were all taken by checks still running (429). */
export class LoginAttemptInProgress1795490000001 implements MigrationInterface {
  name = 'LoginAttemptInProgress1795490000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "login_attempts" DROP CONSTRAINT "ck_login_attempts_outcome"`);
    await q.query(
      `ALTER TABLE "login_attempts" ADD CONSTRAINT "ck_login_attempts_outcome" CHECK ("outcome" IN ('success','invalid_credentials','locked','disabled','in_progress'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "login_attempts" DROP CONSTRAINT "ck_login_attempts_outcome"`);
    await q.query(`ALTER TABLE "login_attempts" ADD CONSTRAINT "ck_login_attempts_outcome" CHECK ("outcome" IN ('success','invalid_credentials','locked','disabled'))`);
  }
}
