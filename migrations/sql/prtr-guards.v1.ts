/**
 * PRTR guards in the database (the service checks first; these fail any write that slips past):
 * - a filed version's content and identity never change, and its status only moves forward;
 * - a non-draft filing is never deleted;
 * - sheets are written only while their filing is a draft;
 * - filing (draft → filed) needs a minister, at least one sheet, and on every sheet the name or type
 *   that a non-zero amount requires (water body, sewage plant, landfill type, off-site detail).
 */
export const PRTR_GUARDS_V1 = `
CREATE FUNCTION prtr_filings_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  v_bad text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'PRTR filing % is %: only a draft can be deleted', OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
       NEW.main_form IS DISTINCT FROM OLD.main_form OR NEW.fiscal_year <> OLD.fiscal_year
       OR NEW.facility_id <> OLD.facility_id OR NEW.business_id <> OLD.business_id
       OR NEW.version <> OLD.version OR NEW.amends_filing_id IS DISTINCT FROM OLD.amends_filing_id
       OR NEW.reference_number IS DISTINCT FROM OLD.reference_number
       OR NEW.prefecture_code <> OLD.prefecture_code OR NEW.minister_code IS DISTINCT FROM OLD.minister_code
       OR NEW.filed_at IS DISTINCT FROM OLD.filed_at OR NEW.late <> OLD.late) THEN
    RAISE EXCEPTION 'PRTR filing % is %: a filed version never changes (file an amendment)', OLD.id, OLD.status
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.status <> OLD.status AND NOT (
       (OLD.status = 'draft' AND NEW.status = 'filed')
    OR (OLD.status = 'filed' AND NEW.status = 'local_accepted')
    OR (OLD.status = 'local_accepted' AND NEW.status = 'ministry_accepted')
    OR (OLD.status IN ('filed','local_accepted','ministry_accepted') AND NEW.status IN ('withdrawn','superseded'))) THEN
    RAISE EXCEPTION 'PRTR filing %: % → % is not a permitted status change', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status = 'draft' AND NEW.status = 'filed' THEN
    IF NEW.minister_code IS NULL THEN
      RAISE EXCEPTION 'PRTR filing %: no recipient minister', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    SELECT string_agg(s.sheet_no::text, ',') INTO v_bad
      FROM prtr_filing_sheets s
     WHERE s.filing_id = NEW.id
       AND ((s.water > 0 AND coalesce(btrim(s.water_body_name), '') = '')
         OR (s.sewer > 0 AND coalesce(btrim(s.sewage_plant_name), '') = '')
         OR (s.landfill > 0 AND s.landfill_type IS NULL)
         OR (s.offsite > 0 AND coalesce(btrim(s.offsite_treatment_method), '') = ''
                           AND coalesce(btrim(s.offsite_waste_type), '') = ''));
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'PRTR filing %: sheets % lack a required name or type', NEW.id, v_bad USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM prtr_filing_sheets WHERE filing_id = NEW.id) THEN
      RAISE EXCEPTION 'PRTR filing %: no sheet', NEW.id USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER trg_prtr_filings_guard BEFORE UPDATE OR DELETE ON prtr_filings
  FOR EACH ROW EXECUTE FUNCTION prtr_filings_guard();

CREATE FUNCTION prtr_filing_sheets_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  v_status text;
BEGIN
  SELECT status INTO v_status FROM prtr_filings WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.filing_id ELSE NEW.filing_id END;
  -- a draft being deleted cascades to its sheets: the parent row is already gone then
  IF v_status IS NOT NULL AND v_status <> 'draft' THEN
    RAISE EXCEPTION 'PRTR filing is %: its sheets never change', v_status USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER trg_prtr_filing_sheets_guard BEFORE INSERT OR UPDATE OR DELETE ON prtr_filing_sheets
  FOR EACH ROW EXECUTE FUNCTION prtr_filing_sheets_guard();
CREATE FUNCTION prtr_filing_sheets_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is not allowed on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE TRIGGER trg_prtr_filings_no_truncate BEFORE TRUNCATE ON prtr_filings
  FOR EACH STATEMENT EXECUTE FUNCTION prtr_filing_sheets_no_truncate();
CREATE TRIGGER trg_prtr_filing_sheets_no_truncate BEFORE TRUNCATE ON prtr_filing_sheets
  FOR EACH STATEMENT EXECUTE FUNCTION prtr_filing_sheets_no_truncate();
`;

export const PRTR_GUARDS_V1_DOWN = `
DROP TRIGGER trg_prtr_filing_sheets_no_truncate ON prtr_filing_sheets;
DROP TRIGGER trg_prtr_filings_no_truncate ON prtr_filings;
DROP FUNCTION prtr_filing_sheets_no_truncate();
DROP TRIGGER trg_prtr_filing_sheets_guard ON prtr_filing_sheets;
DROP FUNCTION prtr_filing_sheets_guard();
DROP TRIGGER trg_prtr_filings_guard ON prtr_filings;
DROP FUNCTION prtr_filings_guard();
`;
