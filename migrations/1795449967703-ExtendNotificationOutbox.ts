import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox becomes dispatchable: event keys, Message-IDs, attempts, backoff and leases. */
export class ExtendNotificationOutbox1795449967703 implements MigrationInterface {
  name = 'ExtendNotificationOutbox1795449967703';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" ADD "event_key" character varying(200)`);
    await q.query(`ALTER TABLE "notifications" ADD "message_id" character varying(255)`);
    await q.query(`UPDATE "notifications" SET "event_key" = "event" || ':' || "id", "message_id" = '<' || "id" || '@asset-registry>'`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "event_key" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "message_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ADD "payload" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "notifications" ADD "attempts" integer NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "notifications" ADD "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE "notifications" ADD "lease_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "notifications" ADD "last_error" character varying(1000)`);
    await q.query(`ALTER TABLE "notifications" ADD "sent_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "subject" DROP NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "body" DROP NOT NULL`);
    await q.query(`UPDATE "notifications" SET "status" = 'failed' WHERE "status" = 'not_sent'`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "ck_notifications_status"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "ck_notifications_status" CHECK ("status" IN ('pending','sending','sent','failed'))`);
    await q.query(`CREATE INDEX "ix_notifications_due" ON "notifications" ("status", "next_attempt_at")`);
    await q.query(`CREATE UNIQUE INDEX "uq_notifications_event_key" ON "notifications" ("event_key")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."uq_notifications_event_key"`);
    await q.query(`DROP INDEX "public"."ix_notifications_due"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "ck_notifications_status"`);
    await q.query(`UPDATE "notifications" SET "status" = 'pending' WHERE "status" = 'sending'`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "ck_notifications_status" CHECK ("status" IN ('pending','sent','failed','not_sent'))`);
    await q.query(`UPDATE "notifications" SET "subject" = coalesce("subject", "event"), "body" = coalesce("body", '')`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "body" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "subject" SET NOT NULL`);
    for (const column of ['sent_at', 'last_error', 'lease_until', 'next_attempt_at', 'attempts', 'payload', 'message_id', 'event_key']) {
      await q.query(`ALTER TABLE "notifications" DROP COLUMN "${column}"`);
    }
  }
}
