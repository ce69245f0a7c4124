import type { Response } from 'express';
import { contentDisposition, cutFileName, sendDownload } from './files';

/** The name a client takes from filename* (RFC 5987), and the ASCII fallback. */
const parts = (header: string) => {
  const m = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]+)$/.exec(header);
  expect(m).not.toBeNull();
  return { ascii: m![1], name: decodeURIComponent(m![2]) };
};

describe('contentDisposition', () => {
  it.each([
    ['right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['left-to-right and right-to-left embeddings, pop', '\u202Aa\u202Bb\u202Cc\u202D.pdf', 'abc.pdf'],
    ['isolates U+2066–2069', 'x\u2066y\u2067z\u2068w\u2069.pdf', 'xyzw.pdf'],
    ['marks U+200E, U+200F, U+061C', 'a\u200Eb\u200Fc\u061C.pdf', 'abc.pdf'],
    ['zero-width space and BOM', '\uFEFFre\u200Bport.pdf', 'report.pdf'],
    ['soft hyphen and zero-width joiners', 'a\u00ADb\u200Cc\u200Dd.pdf', 'abcd.pdf'],
    ['line and paragraph separators', 'a\u2028b\u2029c.pdf', 'abc.pdf'],
    ['C0 and C1 controls', 'a\r\nb\u0000c\u0085d\u009B.pdf', 'abcd.pdf'],
  ])('drops %s from both names', (_what, given, shown) => {
    const { ascii, name } = parts(contentDisposition(given));
    expect(name).toBe(shown);
    expect(ascii).toBe(shown);
    expect(name).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });

  it('keeps Japanese names exactly in filename* and cuts at 255 code points without splitting a surrogate pair', () => {
    expect(parts(contentDisposition('排出量(2024年度) 報告.pdf')).name).toBe('排出量(2024年度) 報告.pdf');
    const long = parts(contentDisposition('😀'.repeat(300)));
    expect(Array.from(long.name)).toHaveLength(255);
    expect(long.name).toBe('😀'.repeat(255));
    expect(parts(contentDisposition('\u202E\u200B')).name).toBe('download');
  });

  it('cuts a long name keeping its extension (was cut blindly and lost it)', () => {
    const cut = cutFileName(`${'報'.repeat(10_000)}.pdf`);
    expect(Array.from(cut)).toHaveLength(255);
    expect(cut.endsWith('報.pdf')).toBe(true);
    expect(cutFileName('short.pdf')).toBe('short.pdf');
    expect(cutFileName(`${'a'.repeat(300)}`)).toBe('a'.repeat(255));
    expect(cutFileName(`a.${'x'.repeat(300)}`)).toBe(`a.${'x'.repeat(253)}`); // no real extension: cut plainly
    expect(parts(contentDisposition(`${'😀'.repeat(300)}.xlsx`)).name).toBe(`${'😀'.repeat(250)}.xlsx`);
  });

  it('sendDownload tells the browser not to sniff another type', () => {
    const headers: Record<string, string> = {};
    let sent: Buffer | undefined;
    const res = { setHeader: (k: string, v: string) => (headers[k] = v), send: (b: Buffer) => (sent = b) } as unknown as Response;
    sendDownload(res, Buffer.from('x'), 'image/png', 'a.png');
    expect(headers).toMatchObject({ 'Content-Type': 'image/png', 'X-Content-Type-Options': 'nosniff' });
    expect(sent?.toString()).toBe('x');
  });
});
