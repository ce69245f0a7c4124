/**
 * What a workbook we accept may contain: the content types and relationship types our own template
 * (ExcelJS), Excel, LibreOffice Calc and openpyxl write for ordinary spreadsheets. Anything not
 * listed (macros, OLE objects, ActiveX, form controls, external links and connections, add-ins,
 * custom ribbons, pivot caches, data models…) is refused by the guard, naming the part.
 */

const SML = 'application/vnd.openxmlformats-officedocument.spreadsheetml.';

/** Content types, lower case (OPC compares them case-insensitively). */
export const ALLOWED_CONTENT_TYPES = new Set(
  [
    'application/vnd.openxmlformats-package.relationships+xml',
    'application/xml',
    'application/vnd.openxmlformats-package.core-properties+xml',
    'application/vnd.openxmlformats-officedocument.extended-properties+xml',
    'application/vnd.openxmlformats-officedocument.custom-properties+xml',
    'application/vnd.openxmlformats-officedocument.customxmlproperties+xml',
    'application/vnd.openxmlformats-officedocument.theme+xml',
    'application/vnd.openxmlformats-officedocument.drawing+xml',
    'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
    'application/vnd.openxmlformats-officedocument.drawingml.chartshapes+xml',
    'application/vnd.openxmlformats-officedocument.vmldrawing',
    'application/vnd.ms-office.chartstyle+xml',
    'application/vnd.ms-office.chartcolorstyle+xml',
    'application/vnd.ms-excel.person+xml',
    'application/vnd.ms-excel.threadedcomments+xml',
    `${SML}sheet.main+xml`,
    `${SML}worksheet+xml`,
    `${SML}chartsheet+xml`,
    `${SML}styles+xml`,
    `${SML}sharedstrings+xml`,
    `${SML}calcchain+xml`,
    `${SML}comments+xml`,
    `${SML}table+xml`,
    `${SML}sheetmetadata+xml`,
    `${SML}printersettings`,
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/x-emf',
    'image/x-wmf',
  ].map((t) => t.toLowerCase()),
);

/** Content types that mean macros (refused as MACRO_ENABLED rather than as other active content). */
export const MACRO_CONTENT_TYPE = /macroenabled|vbaproject|macrosheet|vbadata|intlmacrosheet|dialogsheet/i;

const RELATIONSHIP_NAMES = [
  'officeDocument',
  'extended-properties',
  'custom-properties',
  'worksheet',
  'chartsheet',
  'theme',
  'styles',
  'sharedStrings',
  'calcChain',
  'printerSettings',
  'drawing',
  'image',
  'vmlDrawing',
  'comments',
  'table',
  'chart',
  'chartUserShapes',
  'customXml',
  'customXmlProps',
  'sheetMetadata',
  'hyperlink',
];

/** Relationship types (exact; Transitional and Strict spellings). */
export const ALLOWED_RELATIONSHIP_TYPES = new Set([
  ...RELATIONSHIP_NAMES.map((n) => `http://schemas.openxmlformats.org/officeDocument/2006/relationships/${n}`),
  ...RELATIONSHIP_NAMES.map((n) => `http://purl.oclc.org/ooxml/officeDocument/relationships/${n}`),
  'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/metadata/core-properties',
  'http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail',
  'http://schemas.microsoft.com/office/2011/relationships/chartStyle',
  'http://schemas.microsoft.com/office/2011/relationships/chartColorStyle',
  'http://schemas.microsoft.com/office/2017/10/relationships/person',
  'http://schemas.microsoft.com/office/2017/10/relationships/threadedComment',
]);

export const MACRO_RELATIONSHIP_TYPE = /vbaProject|macrosheet|intlMacrosheet|dialogsheet|wordVbaData|keyMapCustomizations/i;

/**
 * Worksheet functions an attachment's formulas (and any workbook's validation and conditional-format
 * rules) may call: arithmetic, statistics, text, logic, lookup within the workbook, dates. Not here,
 * so refused: anything that reaches outside the workbook or runs code (WEBSERVICE, FILTERXML, RTD,
 * CALL, REGISTER(.ID), EXEC, HYPERLINK, INDIRECT, INFO, CELL, IMAGE, the Excel 4.0 macro functions).
 */
export const ALLOWED_FUNCTIONS = new Set(
  `ABS AND AVERAGE AVERAGEA AVERAGEIF AVERAGEIFS CEILING CEILING.MATH CHAR CHOOSE CLEAN CODE COLUMN COLUMNS CONCAT CONCATENATE
  COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY DAYS EDATE EOMONTH EXACT EXP FALSE FIND FIXED FLOOR
  FLOOR.MATH HLOOKUP HOUR IF IFERROR IFNA IFS INDEX INT ISBLANK ISERR ISERROR ISEVEN ISLOGICAL ISNA ISNONTEXT ISNUMBER ISODD
  ISTEXT LARGE LEFT LEN LN LOG LOG10 LOOKUP LOWER MATCH MAX MAXA MAXIFS MEDIAN MID MIN MINA MINIFS MINUTE MOD MONTH MROUND
  N NETWORKDAYS NOT NOW OR PERCENTILE PI POWER PRODUCT PROPER QUOTIENT RANK RANK.EQ REPLACE REPT RIGHT ROUND ROUNDDOWN
  ROUNDUP ROW ROWS SEARCH SECOND SIGN SMALL SQRT STDEV STDEV.P STDEV.S SUBSTITUTE SUBTOTAL SUM SUMIF SUMIFS SUMPRODUCT
  SWITCH T TEXT TEXTJOIN TIME TODAY TRIM TRUE TRUNC UNIQUE UPPER VALUE VAR VAR.P VAR.S VLOOKUP WEEKDAY WEEKNUM WORKDAY
  XLOOKUP XOR YEAR JIS ASC DBCS PHONETIC LENB LEFTB RIGHTB MIDB FINDB SEARCHB`
    .split(/\s+/)
    .filter(Boolean),
);
