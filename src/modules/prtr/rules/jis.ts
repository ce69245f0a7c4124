/**
 * JIS X 0208 character checks for PRTR records. Accepted: printable ASCII (U+0020–U+007E) and the
 * characters of JIS X 0208 (rows 1–8 and 16–84). NEC's row 13 and IBM's rows 89–92, half-width katakana,
 * circled numbers, emoji and non-BMP characters are outside.
 */

/** Pairs of code points that different converters (JIS vs Windows-31J) use for the same JIS code. */
const EQUIVALENT_FORMS: Array<[number, number]> = [
  [0x301c, 0xff5e], // 〜 / ～ (1-33)
  [0x2016, 0x2225], // ‖ / ∥ (1-34)
  [0x2212, 0xff0d], // − / － (1-61)
  [0x00a2, 0xffe0], // ¢ / ￠ (1-81)
  [0x00a3, 0xffe1], // £ / ￡ (1-82)
  [0x00ac, 0xffe2], // ¬ / ￢ (2-44)
  [0x2014, 0x2015], // — / ― (1-29)
];

const JIS_ROWS: Array<[number, number]> = [
  [1, 8],
  [16, 84],
];

let jisSet: Set<number> | null = null;

function jisX0208(): Set<number> {
  if (jisSet) return jisSet;
  const set = new Set<number>();
  const decoder = new TextDecoder('euc-jp');
  const bytes = new Uint8Array(2);
  for (const [from, to] of JIS_ROWS) {
    for (let row = from; row <= to; row++) {
      for (let cell = 1; cell <= 94; cell++) {
        bytes[0] = 0xa0 + row;
        bytes[1] = 0xa0 + cell;
        const ch = decoder.decode(bytes);
        if (ch === '\ufffd') continue;
        const cp = ch.codePointAt(0);
        if (cp !== undefined && ch.length === 1) set.add(cp);
      }
    }
  }
  for (const [a, b] of EQUIVALENT_FORMS) {
    if (set.has(a) || set.has(b)) {
      set.add(a);
      set.add(b);
    }
  }
  jisSet = set;
  return set;
}

/** One character (code point): printable ASCII or JIS X 0208. */
export function isJisAcceptable(ch: string): boolean {
  const cp = ch.codePointAt(0);
  if (cp === undefined || String.fromCodePoint(cp) !== ch) return false;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  return jisX0208().has(cp);
}

/** The distinct characters of text outside printable ASCII and JIS X 0208, in order of first appearance. */
export function nonJisCharacters(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const ch of text) {
    if (seen.has(ch)) continue;
    seen.add(ch);
    if (!isJisAcceptable(ch)) out.push(ch);
  }
  return out;
}

/** Half-width voiced marks: NFKC gives combining marks (outside JIS); the spacing forms are in JIS. */
const SPECIAL_REPLACEMENTS: Record<string, string> = {
  '\uff9e': '\u309b', // ﾞ → ゛
  '\uff9f': '\u309c', // ﾟ → ゜
};

function allAcceptable(s: string): boolean {
  if (!s) return false;
  for (const ch of s) if (!isJisAcceptable(ch)) return false;
  return true;
}

/** NFKC of the character when every character of the result is acceptable (① → "1", ㈱ → "(株)", ｱ → "ア"), else null. */
export function suggestJisReplacement(ch: string): string | null {
  const special = SPECIAL_REPLACEMENTS[ch];
  if (special) return special;
  const n = ch.normalize('NFKC');
  return allAcceptable(n) ? n : null;
}

/**
 * The text with each run of unacceptable characters replaced by its NFKC form (so "ｶﾞ" becomes "ガ"),
 * or null when some run has no acceptable replacement. Returns the text unchanged when nothing is flagged.
 */
export function suggestJisText(text: string): string | null {
  let out = '';
  let run = '';
  const flush = (): boolean => {
    if (!run) return true;
    const n = run.normalize('NFKC');
    let replacement: string | null = allAcceptable(n) ? n : null;
    if (replacement === null) {
      replacement = '';
      for (const ch of run) {
        const r = suggestJisReplacement(ch);
        if (r === null) return false;
        replacement += r;
      }
    }
    out += replacement;
    run = '';
    return true;
  };
  for (const ch of text) {
    if (isJisAcceptable(ch)) {
      if (!flush()) return null;
      out += ch;
    } else {
      run += ch;
    }
  }
  return flush() ? out : null;
}
