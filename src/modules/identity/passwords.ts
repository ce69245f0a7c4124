import { randomBytes, randomInt } from 'node:crypto';
import * as argon2 from 'argon2';

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real verification, so unknown login IDs cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

// No 0/O, 1/l/I: initial passwords are read off paper notices and typed by hand.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random initial password: 16 characters, ~93 bits. */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The rules a chosen password must meet (messages in Japanese and English). */
export function passwordProblems(password: string, loginId: string): string[] {
  const problems: string[] = [];
  if (password.length < 12) problems.push('12文字以上にしてください (at least 12 characters)');
  if (password.length > 128) problems.push('128文字以下にしてください (at most 128 characters)');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    problems.push(
      '英大文字・英小文字・数字・記号のうち3種類以上を含めてください (use at least 3 of: upper case, lower case, digits, symbols)',
    );
  }
  if (loginId && password.toLowerCase().includes(loginId.toLowerCase())) {
    problems.push('ログインIDを含めないでください (must not contain the login ID)');
  }
  return problems;
}
