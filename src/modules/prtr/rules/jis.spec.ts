import { isJisAcceptable, nonJisCharacters, suggestJisReplacement, suggestJisText } from './jis';

describe('nonJisCharacters', () => {
  it('accepts printable ASCII', () => {
    let ascii = '';
    for (let cp = 0x20; cp <= 0x7e; cp++) ascii += String.fromCharCode(cp);
    expect(nonJisCharacters(ascii)).toEqual([]);
  });
  it('accepts JIS X 0208 kana, kanji and symbols', () => {
    expect(nonJisCharacters('東京都千代田区霞が関一丁目　高橋化学株式会社「テスト」ＡＢＣ１２３ａβЖ※〒♪★─')).toEqual([]);
  });
  it('flags 髙 (not in JIS X 0208) and accepts 高', () => {
    expect(nonJisCharacters('髙橋')).toEqual(['髙']);
    expect(nonJisCharacters('高橋')).toEqual([]);
  });
  it('accepts both the JIS and the Windows form of the same JIS code', () => {
    for (const ch of ['〜', '～', '‖', '∥', '−', '－', '¢', '￠', '£', '￡', '¬', '￢', '—', '―']) {
      expect([ch, isJisAcceptable(ch)]).toEqual([ch, true]);
    }
  });
  it('flags NEC row 13 and IBM extension characters', () => {
    expect(nonJisCharacters('①㈱№㍉')).toEqual(['①', '㈱', '№', '㍉']);
    expect(nonJisCharacters('纊褜')).toEqual(['纊', '褜']); // IBM extension kanji (rows 89–92)
  });
  it('flags half-width katakana, emoji, non-BMP characters and control characters', () => {
    expect(nonJisCharacters('ｶﾌﾞｼｷｶﾞｲｼｬ')).toEqual(['ｶ', 'ﾌ', 'ﾞ', 'ｼ', 'ｷ', 'ｲ', 'ｬ']);
    expect(nonJisCharacters('工場😀')).toEqual(['😀']);
    expect(nonJisCharacters('𠮷野家')).toEqual(['𠮷']);
    expect(nonJisCharacters('a\tb\nc')).toEqual(['\t', '\n']);
    expect(nonJisCharacters('¥')).toEqual(['¥']);
  });
  it('returns each character once, in order of appearance', () => {
    expect(nonJisCharacters('①②①髙')).toEqual(['①', '②', '髙']);
    expect(nonJisCharacters('')).toEqual([]);
  });
});

describe('suggestJisReplacement', () => {
  it.each([
    ['①', '1'],
    ['⑫', '12'],
    ['㈱', '(株)'],
    ['ｱ', 'ア'],
    ['ﾞ', '゛'],
    ['㍉', 'ミリ'],
    ['№', 'No'],
    ['Ⅲ', 'III'],
  ])('%s → %s', (ch, expected) => {
    expect(suggestJisReplacement(ch)).toBe(expected);
  });
  it.each(['髙', '😀', '𠮷', '¥'])('%s has no suggestion', (ch) => {
    expect(suggestJisReplacement(ch)).toBeNull();
  });
});

describe('suggestJisText', () => {
  it('replaces runs so half-width voiced kana combine', () => {
    expect(suggestJisText('ｶﾌﾞｼｷｶﾞｲｼｬ①')).toBe('カブシキガイシャ1');
    expect(suggestJisText('㈱高橋')).toBe('(株)高橋');
    expect(suggestJisText('高橋')).toBe('高橋');
  });
  it('is null when a character has no replacement', () => {
    expect(suggestJisText('髙橋①')).toBeNull();
  });
});
