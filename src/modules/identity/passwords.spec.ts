import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('Correct-Horse-9');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(hash, 'Correct-Horse-9')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'correct-horse-9')).resolves.toBe(false);
    await expect(verifyPassword('not a hash', 'x')).resolves.toBe(false);
  });

  it('generates initial passwords without look-alike characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(16);
      expect(p).not.toMatch(/[0O1lI]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it('states every broken rule', () => {
    expect(passwordProblems('Abcdefgh-123', 'A0001A')).toEqual([]);
    expect(passwordProblems('short', 'x')).toHaveLength(2); // length + classes
    expect(passwordProblems('alllowercaseletters', 'x')).toHaveLength(1);
    expect(passwordProblems('Xx-A0001A-2024', 'a0001a')).toEqual(['ログインIDを含めないでください (must not contain the login ID)']);
    expect(passwordProblems('Aa1-' + 'x'.repeat(130), 'q')).toHaveLength(1);
  });
});
