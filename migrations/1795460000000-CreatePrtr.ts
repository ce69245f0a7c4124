import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PRTR_GUARDS_V1, PRTR_GUARDS_V1_DOWN } from './sql/prtr-guards.v1';

/**
 * PRTR filing module: master data (substance lists, industries, ministers, the 47 prefectures),
 * pre-registrations, businesses and facilities, client certificates and their CA, filings with one
 * sheet per substance, inquiries, reference-number counters; PRTR scopes on logins. Guards in SQL:
 * a filed version never changes, status moves only forward, sheets change only in a draft.
 */
export class CreatePrtr1795460000000 implements MigrationInterface {
  name = 'CreatePrtr1795460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "prtr_substance_lists" ("effective_from_fy" integer NOT NULL, "source" character varying(1000) NOT NULL, "class1_count" integer NOT NULL, "specified_count" integer NOT NULL, "class2_count" integer NOT NULL, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_prtr_substance_lists_fy" CHECK ("effective_from_fy" BETWEEN 2000 AND 2100), CONSTRAINT "pk_prtr_substance_lists" PRIMARY KEY ("effective_from_fy"))`);
    await q.query(`CREATE TABLE "prtr_substances" ("list_fy" integer NOT NULL, "class" character varying(2) NOT NULL, "number" integer NOT NULL, "name" character varying(2000) NOT NULL, "specified" boolean NOT NULL DEFAULT false, "unit" character varying(8) NOT NULL DEFAULT 'kg', CONSTRAINT "ck_prtr_substances_number" CHECK ("number" > 0), CONSTRAINT "ck_prtr_substances_unit" CHECK ("unit" IN ('kg','mg-TEQ')), CONSTRAINT "ck_prtr_substances_specified" CHECK ("class" = 'I' OR NOT "specified"), CONSTRAINT "ck_prtr_substances_class" CHECK ("class" IN ('I','II')), CONSTRAINT "pk_prtr_substances" PRIMARY KEY ("list_fy", "class", "number"))`);
    await q.query(`CREATE TABLE "prtr_ministers" ("code" character varying(8) NOT NULL, "name" character varying(100) NOT NULL, CONSTRAINT "pk_prtr_ministers" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "prtr_industries" ("code" character varying(4) NOT NULL, "name" character varying(200) NOT NULL, "seirei_no" integer, "ministers" character varying array NOT NULL, "default_minister" character varying(8), "unconfirmed" boolean NOT NULL DEFAULT false, CONSTRAINT "ck_prtr_industries_ministers" CHECK (cardinality("ministers") > 0), CONSTRAINT "ck_prtr_industries_default" CHECK ("default_minister" IS NULL OR "default_minister" = ANY ("ministers")), CONSTRAINT "ck_prtr_industries_code" CHECK ("code" ~ '^[0-9]{4}$'), CONSTRAINT "pk_prtr_industries" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "prtr_prefectures" ("code" character varying(2) NOT NULL, "name" character varying(10) NOT NULL, "name_en" character varying(20) NOT NULL, CONSTRAINT "ck_prtr_prefectures_code" CHECK ("code" ~ '^[0-9]{2}$'), CONSTRAINT "pk_prtr_prefectures" PRIMARY KEY ("code"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_prefectures_name" ON "prtr_prefectures"  ("name") `);
    await q.query(`CREATE TABLE "prtr_registrations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" character varying(16) NOT NULL DEFAULT 'submitted', "prefecture_code" character varying(2) NOT NULL, "business_name" character varying(200) NOT NULL, "body" jsonb NOT NULL, "client_ip" character varying(64), "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "rejection_reason" character varying(1000), "business_id" uuid, CONSTRAINT "ck_prtr_registrations_business" CHECK (("status" = 'approved') = ("business_id" IS NOT NULL)), CONSTRAINT "ck_prtr_registrations_reason" CHECK (("status" = 'rejected') = ("rejection_reason" IS NOT NULL)), CONSTRAINT "ck_prtr_registrations_decision" CHECK (("status" = 'submitted') = ("decided_at" IS NULL)), CONSTRAINT "ck_prtr_registrations_status" CHECK ("status" IN ('submitted','approved','rejected')), CONSTRAINT "pk_prtr_registrations" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_prtr_registrations_prefecture" ON "prtr_registrations"  ("prefecture_code", "submitted_at") `);
    await q.query(`CREATE TABLE "prtr_businesses" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "prefecture_code" character varying(2) NOT NULL, "name" character varying(200) NOT NULL, "address" character varying(200) NOT NULL, "representative_name" character varying(200), "corporate_number" character varying(13), "contact_department" character varying(200), "contact_name" character varying(200) NOT NULL, "contact_phone" character varying(30) NOT NULL, "contact_email" character varying(254) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_prtr_businesses" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_prtr_businesses_prefecture" ON "prtr_businesses"  ("prefecture_code") `);
    await q.query(`CREATE TABLE "prtr_facilities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "business_id" uuid NOT NULL, "prefecture_code" character varying(2) NOT NULL, "name" character varying(200) NOT NULL, "address" character varying(200) NOT NULL, "main_industry_code" character varying(4), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_prtr_facilities" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_facilities_name" ON "prtr_facilities"  ("business_id", "name") `);
    await q.query(`CREATE TABLE "prtr_certificate_authority" ("id" smallint NOT NULL, "cert_pem" text NOT NULL, "key_pem" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_prtr_certificate_authority_single" CHECK ("id" = 1), CONSTRAINT "pk_prtr_certificate_authority" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "prtr_certificates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "business_id" uuid NOT NULL, "login_id" uuid NOT NULL, "serial_number" character varying(64) NOT NULL, "fingerprint256" character varying(100) NOT NULL, "subject" character varying(500) NOT NULL, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "cert_pem" text NOT NULL, "p12" bytea, "download_token_hash" character varying(64) NOT NULL, "download_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "downloaded_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revocation_reason" character varying(200), "issued_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_prtr_certificates_revocation" CHECK (("revoked_at" IS NULL) = ("revocation_reason" IS NULL)), CONSTRAINT "ck_prtr_certificates_delivered_once" CHECK ("downloaded_at" IS NULL OR "p12" IS NULL), CONSTRAINT "pk_prtr_certificates" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_certificates_current" ON "prtr_certificates"  ("login_id") WHERE "revoked_at" IS NULL`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_certificates_token" ON "prtr_certificates"  ("download_token_hash") `);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_certificates_fingerprint" ON "prtr_certificates"  ("fingerprint256") `);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_certificates_serial" ON "prtr_certificates"  ("serial_number") `);
    await q.query(`CREATE TABLE "prtr_filings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "business_id" uuid NOT NULL, "facility_id" uuid NOT NULL, "fiscal_year" integer NOT NULL, "version" integer NOT NULL DEFAULT '1', "amends_filing_id" uuid, "status" character varying(20) NOT NULL DEFAULT 'draft', "reference_number" character varying(32), "prefecture_code" character varying(2) NOT NULL, "minister_code" character varying(8), "main_form" jsonb NOT NULL, "issues" jsonb NOT NULL DEFAULT '[]'::jsonb, "blocking_count" integer NOT NULL DEFAULT '0', "late" boolean NOT NULL DEFAULT false, "filed_at" TIMESTAMP WITH TIME ZONE, "filed_by" uuid, "local_accepted_at" TIMESTAMP WITH TIME ZONE, "local_accepted_by" uuid, "ministry_accepted_at" TIMESTAMP WITH TIME ZONE, "ministry_accepted_by" uuid, "closed_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_prtr_filings_fiscal_year" CHECK ("fiscal_year" BETWEEN 2000 AND 2100), CONSTRAINT "ck_prtr_filings_version" CHECK ("version" >= 1 AND ("version" = 1) = ("amends_filing_id" IS NULL)), CONSTRAINT "ck_prtr_filings_ministry" CHECK (("status" = 'ministry_accepted') <= ("ministry_accepted_at" IS NOT NULL)), CONSTRAINT "ck_prtr_filings_local" CHECK (("status" IN ('local_accepted','ministry_accepted')) <= ("local_accepted_at" IS NOT NULL)), CONSTRAINT "ck_prtr_filings_filed" CHECK (("status" = 'draft') = ("filed_at" IS NULL)), CONSTRAINT "ck_prtr_filings_reference" CHECK (("status" = 'draft') = ("reference_number" IS NULL)), CONSTRAINT "ck_prtr_filings_status" CHECK ("status" IN ('draft','filed','local_accepted','ministry_accepted','withdrawn','superseded')), CONSTRAINT "pk_prtr_filings" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_prtr_filings_business" ON "prtr_filings"  ("business_id", "fiscal_year") `);
    await q.query(`CREATE INDEX "ix_prtr_filings_minister" ON "prtr_filings"  ("minister_code", "fiscal_year") `);
    await q.query(`CREATE INDEX "ix_prtr_filings_prefecture" ON "prtr_filings"  ("prefecture_code", "fiscal_year") `);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_filings_one_current" ON "prtr_filings"  ("facility_id", "fiscal_year") WHERE "status" IN ('filed','local_accepted','ministry_accepted')`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_filings_one_draft" ON "prtr_filings"  ("facility_id", "fiscal_year") WHERE "status" = 'draft'`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_filings_version" ON "prtr_filings"  ("facility_id", "fiscal_year", "version") `);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_filings_reference" ON "prtr_filings"  ("reference_number") `);
    await q.query(`CREATE TABLE "prtr_filing_sheets" ("filing_id" uuid NOT NULL, "sheet_no" integer NOT NULL, "substance_number" integer NOT NULL, "air" numeric NOT NULL, "water" numeric NOT NULL, "water_body_name" character varying(200), "soil" numeric NOT NULL, "landfill" numeric NOT NULL, "landfill_type" character varying(16), "sewer" numeric NOT NULL, "sewage_plant_name" character varying(200), "offsite" numeric NOT NULL, "offsite_treatment_method" character varying(200), "offsite_waste_type" character varying(200), CONSTRAINT "ck_prtr_filing_sheets_sheet_no" CHECK ("sheet_no" >= 1), CONSTRAINT "ck_prtr_filing_sheets_landfill_type" CHECK ("landfill_type" IS NULL OR "landfill_type" IN ('stable','controlled','isolated')), CONSTRAINT "ck_prtr_filing_sheets_amounts" CHECK ("air" >= 0 AND "water" >= 0 AND "soil" >= 0 AND "landfill" >= 0 AND "sewer" >= 0 AND "offsite" >= 0), CONSTRAINT "pk_prtr_filing_sheets" PRIMARY KEY ("filing_id", "sheet_no"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_filing_sheets_substance" ON "prtr_filing_sheets"  ("filing_id", "substance_number") `);
    await q.query(`CREATE TABLE "prtr_inquiries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "filing_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "message" character varying(2000) NOT NULL, "raised_by" uuid NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "answer_type" character varying(24), "answer_text" character varying(2000), "amendment_filing_id" uuid, "answered_by" uuid, "answered_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "closed_by" uuid, "decision" character varying(24), "decision_note" character varying(2000), CONSTRAINT "ck_prtr_inquiries_decision" CHECK (("status" = 'closed') = ("decision" IS NOT NULL) AND ("decision" IS NULL OR "decision" IN ('accepted','withdrawal_confirmed','withdrawal_declined')) AND ("decision" IS NULL OR ("answer_type" = 'withdrawal_request') = ("decision" <> 'accepted'))), CONSTRAINT "ck_prtr_inquiries_amendment" CHECK (("answer_type" = 'amendment') = ("amendment_filing_id" IS NOT NULL)), CONSTRAINT "ck_prtr_inquiries_answered" CHECK (("status" = 'open') = ("answered_at" IS NULL) AND ("answered_at" IS NULL) = ("answer_type" IS NULL)), CONSTRAINT "ck_prtr_inquiries_answer_type" CHECK ("answer_type" IS NULL OR "answer_type" IN ('no_change','amendment','withdrawal_request')), CONSTRAINT "ck_prtr_inquiries_status" CHECK ("status" IN ('open','answered','closed')), CONSTRAINT "pk_prtr_inquiries" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_prtr_inquiries_open" ON "prtr_inquiries"  ("filing_id") WHERE "status" <> 'closed'`);
    await q.query(`CREATE TABLE "prtr_reference_counters" ("prefecture_code" character varying(2) NOT NULL, "fiscal_year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "pk_prtr_reference_counters" PRIMARY KEY ("prefecture_code", "fiscal_year"))`);
    await q.query(`ALTER TABLE "logins" ADD "contact_email" character varying(254)`);
    await q.query(`ALTER TABLE "logins" ADD "prtr_business_id" uuid`);
    await q.query(`ALTER TABLE "logins" ADD "prtr_prefecture_code" character varying(2)`);
    await q.query(`ALTER TABLE "logins" ADD "prtr_minister_code" character varying(8)`);
    await q.query(`CREATE UNIQUE INDEX "uq_logins_prtr_business" ON "logins"  ("prtr_business_id") WHERE "prtr_business_id" IS NOT NULL`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_prtr_ministry" CHECK (("role" = 'prtr_ministry') = ("prtr_minister_code" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_prtr_local_gov" CHECK (("role" = 'prtr_local_gov') = ("prtr_prefecture_code" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "ck_logins_prtr_filer" CHECK (("role" = 'prtr_filer') = ("prtr_business_id" IS NOT NULL))`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_prtr_business" FOREIGN KEY ("prtr_business_id") REFERENCES "prtr_businesses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_prtr_prefecture" FOREIGN KEY ("prtr_prefecture_code") REFERENCES "prtr_prefectures"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "logins" ADD CONSTRAINT "fk_logins_prtr_minister" FOREIGN KEY ("prtr_minister_code") REFERENCES "prtr_ministers"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_substances" ADD CONSTRAINT "fk_prtr_substances_list" FOREIGN KEY ("list_fy") REFERENCES "prtr_substance_lists"("effective_from_fy") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_industries" ADD CONSTRAINT "fk_prtr_industries_default_minister" FOREIGN KEY ("default_minister") REFERENCES "prtr_ministers"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_registrations" ADD CONSTRAINT "fk_prtr_registrations_prefecture" FOREIGN KEY ("prefecture_code") REFERENCES "prtr_prefectures"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_registrations" ADD CONSTRAINT "fk_prtr_registrations_decided_by" FOREIGN KEY ("decided_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_registrations" ADD CONSTRAINT "fk_prtr_registrations_business" FOREIGN KEY ("business_id") REFERENCES "prtr_businesses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_businesses" ADD CONSTRAINT "fk_prtr_businesses_prefecture" FOREIGN KEY ("prefecture_code") REFERENCES "prtr_prefectures"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_facilities" ADD CONSTRAINT "fk_prtr_facilities_business" FOREIGN KEY ("business_id") REFERENCES "prtr_businesses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_facilities" ADD CONSTRAINT "fk_prtr_facilities_prefecture" FOREIGN KEY ("prefecture_code") REFERENCES "prtr_prefectures"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_certificates" ADD CONSTRAINT "fk_prtr_certificates_business" FOREIGN KEY ("business_id") REFERENCES "prtr_businesses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_certificates" ADD CONSTRAINT "fk_prtr_certificates_login" FOREIGN KEY ("login_id") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_certificates" ADD CONSTRAINT "fk_prtr_certificates_issued_by" FOREIGN KEY ("issued_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_business" FOREIGN KEY ("business_id") REFERENCES "prtr_businesses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_facility" FOREIGN KEY ("facility_id") REFERENCES "prtr_facilities"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_amends" FOREIGN KEY ("amends_filing_id") REFERENCES "prtr_filings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_prefecture" FOREIGN KEY ("prefecture_code") REFERENCES "prtr_prefectures"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_minister" FOREIGN KEY ("minister_code") REFERENCES "prtr_ministers"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filings" ADD CONSTRAINT "fk_prtr_filings_created_by" FOREIGN KEY ("created_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_filing_sheets" ADD CONSTRAINT "fk_prtr_filing_sheets_filing" FOREIGN KEY ("filing_id") REFERENCES "prtr_filings"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_inquiries" ADD CONSTRAINT "fk_prtr_inquiries_filing" FOREIGN KEY ("filing_id") REFERENCES "prtr_filings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_inquiries" ADD CONSTRAINT "fk_prtr_inquiries_raised_by" FOREIGN KEY ("raised_by") REFERENCES "logins"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "prtr_inquiries" ADD CONSTRAINT "fk_prtr_inquiries_amendment" FOREIGN KEY ("amendment_filing_id") REFERENCES "prtr_filings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`INSERT INTO "prtr_prefectures" ("code", "name", "name_en") VALUES ('01','北海道','Hokkaido'), ('02','青森県','Aomori'), ('03','岩手県','Iwate'), ('04','宮城県','Miyagi'), ('05','秋田県','Akita'), ('06','山形県','Yamagata'), ('07','福島県','Fukushima'), ('08','茨城県','Ibaraki'), ('09','栃木県','Tochigi'), ('10','群馬県','Gunma'), ('11','埼玉県','Saitama'), ('12','千葉県','Chiba'), ('13','東京都','Tokyo'), ('14','神奈川県','Kanagawa'), ('15','新潟県','Niigata'), ('16','富山県','Toyama'), ('17','石川県','Ishikawa'), ('18','福井県','Fukui'), ('19','山梨県','Yamanashi'), ('20','長野県','Nagano'), ('21','岐阜県','Gifu'), ('22','静岡県','Shizuoka'), ('23','愛知県','Aichi'), ('24','三重県','Mie'), ('25','滋賀県','Shiga'), ('26','京都府','Kyoto'), ('27','大阪府','Osaka'), ('28','兵庫県','Hyogo'), ('29','奈良県','Nara'), ('30','和歌山県','Wakayama'), ('31','鳥取県','Tottori'), ('32','島根県','Shimane'), ('33','岡山県','Okayama'), ('34','広島県','Hiroshima'), ('35','山口県','Yamaguchi'), ('36','徳島県','Tokushima'), ('37','香川県','Kagawa'), ('38','愛媛県','Ehime'), ('39','高知県','Kochi'), ('40','福岡県','Fukuoka'), ('41','佐賀県','Saga'), ('42','長崎県','Nagasaki'), ('43','熊本県','Kumamoto'), ('44','大分県','Oita'), ('45','宮崎県','Miyazaki'), ('46','鹿児島県','Kagoshima'), ('47','沖縄県','Okinawa')`);
    await q.query(PRTR_GUARDS_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(PRTR_GUARDS_V1_DOWN);
    await q.query(`ALTER TABLE "prtr_inquiries" DROP CONSTRAINT "fk_prtr_inquiries_amendment"`);
    await q.query(`ALTER TABLE "prtr_inquiries" DROP CONSTRAINT "fk_prtr_inquiries_raised_by"`);
    await q.query(`ALTER TABLE "prtr_inquiries" DROP CONSTRAINT "fk_prtr_inquiries_filing"`);
    await q.query(`ALTER TABLE "prtr_filing_sheets" DROP CONSTRAINT "fk_prtr_filing_sheets_filing"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_created_by"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_minister"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_prefecture"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_amends"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_facility"`);
    await q.query(`ALTER TABLE "prtr_filings" DROP CONSTRAINT "fk_prtr_filings_business"`);
    await q.query(`ALTER TABLE "prtr_certificates" DROP CONSTRAINT "fk_prtr_certificates_issued_by"`);
    await q.query(`ALTER TABLE "prtr_certificates" DROP CONSTRAINT "fk_prtr_certificates_login"`);
    await q.query(`ALTER TABLE "prtr_certificates" DROP CONSTRAINT "fk_prtr_certificates_business"`);
    await q.query(`ALTER TABLE "prtr_facilities" DROP CONSTRAINT "fk_prtr_facilities_prefecture"`);
    await q.query(`ALTER TABLE "prtr_facilities" DROP CONSTRAINT "fk_prtr_facilities_business"`);
    await q.query(`ALTER TABLE "prtr_businesses" DROP CONSTRAINT "fk_prtr_businesses_prefecture"`);
    await q.query(`ALTER TABLE "prtr_registrations" DROP CONSTRAINT "fk_prtr_registrations_business"`);
    await q.query(`ALTER TABLE "prtr_registrations" DROP CONSTRAINT "fk_prtr_registrations_decided_by"`);
    await q.query(`ALTER TABLE "prtr_registrations" DROP CONSTRAINT "fk_prtr_registrations_prefecture"`);
    await q.query(`ALTER TABLE "prtr_industries" DROP CONSTRAINT "fk_prtr_industries_default_minister"`);
    await q.query(`ALTER TABLE "prtr_substances" DROP CONSTRAINT "fk_prtr_substances_list"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_prtr_minister"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_prtr_prefecture"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "fk_logins_prtr_business"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_prtr_filer"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_prtr_local_gov"`);
    await q.query(`ALTER TABLE "logins" DROP CONSTRAINT "ck_logins_prtr_ministry"`);
    await q.query(`DROP INDEX "public"."uq_logins_prtr_business"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "prtr_minister_code"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "prtr_prefecture_code"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "prtr_business_id"`);
    await q.query(`ALTER TABLE "logins" DROP COLUMN "contact_email"`);
    await q.query(`DROP TABLE "prtr_reference_counters"`);
    await q.query(`DROP INDEX "public"."uq_prtr_inquiries_open"`);
    await q.query(`DROP TABLE "prtr_inquiries"`);
    await q.query(`DROP INDEX "public"."uq_prtr_filing_sheets_substance"`);
    await q.query(`DROP TABLE "prtr_filing_sheets"`);
    await q.query(`DROP INDEX "public"."uq_prtr_filings_reference"`);
    await q.query(`DROP INDEX "public"."uq_prtr_filings_version"`);
    await q.query(`DROP INDEX "public"."uq_prtr_filings_one_draft"`);
    await q.query(`DROP INDEX "public"."uq_prtr_filings_one_current"`);
    await q.query(`DROP INDEX "public"."ix_prtr_filings_prefecture"`);
    await q.query(`DROP INDEX "public"."ix_prtr_filings_minister"`);
    await q.query(`DROP INDEX "public"."ix_prtr_filings_business"`);
    await q.query(`DROP TABLE "prtr_filings"`);
    await q.query(`DROP INDEX "public"."uq_prtr_certificates_serial"`);
    await q.query(`DROP INDEX "public"."uq_prtr_certificates_fingerprint"`);
    await q.query(`DROP INDEX "public"."uq_prtr_certificates_token"`);
    await q.query(`DROP INDEX "public"."uq_prtr_certificates_current"`);
    await q.query(`DROP TABLE "prtr_certificates"`);
    await q.query(`DROP TABLE "prtr_certificate_authority"`);
    await q.query(`DROP INDEX "public"."uq_prtr_facilities_name"`);
    await q.query(`DROP TABLE "prtr_facilities"`);
    await q.query(`DROP INDEX "public"."ix_prtr_businesses_prefecture"`);
    await q.query(`DROP TABLE "prtr_businesses"`);
    await q.query(`DROP INDEX "public"."ix_prtr_registrations_prefecture"`);
    await q.query(`DROP TABLE "prtr_registrations"`);
    await q.query(`DROP INDEX "public"."uq_prtr_prefectures_name"`);
    await q.query(`DROP TABLE "prtr_prefectures"`);
    await q.query(`DROP TABLE "prtr_industries"`);
    await q.query(`DROP TABLE "prtr_ministers"`);
    await q.query(`DROP TABLE "prtr_substances"`);
    await q.query(`DROP TABLE "prtr_substance_lists"`);
  }
}
