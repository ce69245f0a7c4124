import { defineErrors } from '../../core/errors/domain-error';

export const EmissionsErrors = defineErrors({
  NOT_XLSX: {
    status: 415,
    ja: 'Excel（.xlsx）形式のファイルではありません。指定様式をご利用ください。',
    en: 'The file is not an Excel workbook (.xlsx). Please use the designated form.',
  },
  FILE_ENCRYPTED: { status: 422, ja: 'パスワード付き（暗号化）のファイルは受け付けられません。', en: 'Encrypted files are not accepted.' },
  MACRO_ENABLED: { status: 422, ja: 'マクロを含むファイルは受け付けられません。', en: 'Macro-enabled files are not accepted.' },
  ZIP_BOMB: { status: 422, ja: 'ファイルの展開後のサイズが上限を超えています。', en: 'The file expands beyond the allowed size.' },
  FILE_TOO_COMPLEX: {
    status: 422,
    ja: 'ファイルの構成が複雑すぎます（部品・セル・行の数が上限を超えています）。',
    en: 'The file is too complex (too many parts, cells or rows).',
  },
  FILE_ACTIVE_CONTENT: {
    status: 422,
    ja: 'ファイルにマクロ・外部リンク・埋め込みオブジェクト・スクリプトなどの実行可能な内容、または指定様式以外の部品や数式が含まれているため受け付けられません。',
    en: 'The file carries active content (macros, external links, embedded objects, scripts) or parts or formulas the designated form does not have.',
  },
  TEMPLATE_MISMATCH: {
    status: 422,
    ja: '指定様式（現行版）のファイルではありません。最新の様式をダウンロードしてください。',
    en: 'The file is not the current designated form. Please download the latest template.',
  },
  REPORT_CONTENT_INVALID: {
    status: 422,
    ja: '算定報告書の内容に誤りがあります。指摘されたセルを確認してください。',
    en: 'The calculation report has errors; see the listed cells.',
  },
  FILE_REQUIRED: { status: 400, ja: 'ファイルを添付してください（項目名 file）。', en: 'Attach the file in the multipart field "file".' },
  FILE_TYPE_NOT_ALLOWED: {
    status: 415,
    ja: 'このファイル形式は添付できません（PDF、PNG、JPEG、xlsx のみ）。',
    en: 'This file type is not accepted (PDF, PNG, JPEG, xlsx only).',
  },
  FILE_TYPE_MISMATCH: {
    status: 422,
    ja: 'ファイル名の拡張子がファイルの内容と一致しません（PDF は .pdf、Excel は .xlsx、PNG は .png、JPEG は .jpg または .jpeg としてください）。',
    en: 'The file name extension does not match the content (PDF as .pdf, Excel as .xlsx, PNG as .png, JPEG as .jpg or .jpeg).',
  },
  FILE_NOT_FOUND: { status: 404, ja: 'ファイルが見つかりません。', en: 'File not found.' },
  REPORT_NOT_FOUND: { status: 404, ja: '報告書が見つかりません。', en: 'Report not found.' },
  VERIFICATION_REPORT_REQUIRED: {
    status: 409,
    ja: '承認依頼の前に検証報告書を登録してください。',
    en: 'Register the verification report before requesting approval.',
  },
  COMMENT_REQUIRED: { status: 400, ja: 'コメントを入力してください。', en: 'A comment is required.' },
});
