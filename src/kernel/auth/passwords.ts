import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) => {
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** log2 of scrypt's N. 15 is ~230 ms a hash on a 2-core server; tests lower it for speed. */
let costLog2 = 15;
export function setPasswordCost(log2: number) {
  costLog2 = log2;
}

const KEY_LENGTH = 64;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** costLog2;
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  return `scrypt$${costLog2}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, log2, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !log2 || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = 2 ** Number(log2);
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return timingSafeEqual(key, expected);
}

/** A hash of nothing, so that "no such person" takes as long as "wrong password". */
let dummyHash: string | undefined;
export async function burnPasswordTime(password: string): Promise<void> {
  dummyHash ??= await hashPassword('not-a-real-password-at-all');
  await verifyPassword(password, dummyHash);
}

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

export const PASSWORD_MIN_LENGTH = 12;

/** NCSC guidance: length and a deny-list of common passwords, no composition rules. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Password must be ${PASSWORD_MIN_LENGTH} characters or more`;
  }
  if (password.length > 200) return 'Password must be 200 characters or fewer';
  const lower = password.toLowerCase();
  if (common.has(lower) || /^(.)\1+$/.test(password)) {
    return 'Password is too common: choose one that would be hard to guess, such as three random words';
  }
  if (email && lower.includes(email.toLowerCase().split('@')[0] ?? '\u0000')) {
    return 'Password must not contain your email address';
  }
  return null;
}
