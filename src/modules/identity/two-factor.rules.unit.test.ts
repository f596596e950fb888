import { describe, expect, it } from 'vitest';
import { TOTP } from 'otpauth';
import {
  formatKey,
  hashRecoveryCode,
  looksLikeTotp,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  qrCodeSvg,
  RECOVERY_CODE_COUNT,
} from './two-factor.rules.js';
import { allowedBeforeTwoFactor } from '../../kernel/auth/plugin.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 15);

function codeFor(secret: string, timestamp: number) {
  return new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp });
}

describe('TOTP codes', () => {
  const secret = newTotpSecret();

  it('makes 160-bit base32 secrets, different each time', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('accepts the code for now and one step either side, and no further', () => {
    const counter = Math.floor(T0 / 30_000);
    expect(matchTotp(secret, codeFor(secret, T0), { timestamp: T0 })).toBe(counter);
    expect(matchTotp(secret, codeFor(secret, T0 - 30_000), { timestamp: T0 })).toBe(counter - 1);
    expect(matchTotp(secret, codeFor(secret, T0 + 30_000), { timestamp: T0 })).toBe(counter + 1);
    expect(matchTotp(secret, codeFor(secret, T0 - 60_000), { timestamp: T0 })).toBeNull();
    expect(matchTotp(secret, codeFor(secret, T0 + 60_000), { timestamp: T0 })).toBeNull();
  });

  it('refuses a code whose time step was already used', () => {
    const code = codeFor(secret, T0);
    const counter = matchTotp(secret, code, { timestamp: T0 })!;
    expect(matchTotp(secret, code, { timestamp: T0, lastCounter: counter })).toBeNull();
    const later = codeFor(secret, T0 + 30_000);
    expect(matchTotp(secret, later, { timestamp: T0, lastCounter: counter })).toBe(counter + 1);
  });

  it('forgives spaces and dashes but nothing else', () => {
    const code = codeFor(secret, T0);
    expect(
      matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { timestamp: T0 }),
    ).not.toBeNull();
    expect(looksLikeTotp('123 456')).toBe(true);
    expect(looksLikeTotp('12345')).toBe(false);
    expect(looksLikeTotp('abcd-efgh-jkmn')).toBe(false);
    expect(matchTotp(secret, 'abcdef', { timestamp: T0 })).toBeNull();
  });

  it('writes an otpauth address for authenticator apps and a key in groups of four', () => {
    const uri = otpauthUri(secret, 'jane@example.org');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Waymark:jane%40example\.org\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('issuer=Waymark');
    expect(formatKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});

describe('recovery codes', () => {
  it('makes ten different codes in an unambiguous alphabet', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const c of codes)
      expect(c).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
  });

  it('hashes a code the same however it is typed, and different codes differently', () => {
    const [a, b] = newRecoveryCodes(2) as [string, string];
    expect(hashRecoveryCode(a)).toBe(hashRecoveryCode(` ${a.toUpperCase().replaceAll('-', ' ')} `));
    expect(hashRecoveryCode(a)).not.toBe(hashRecoveryCode(b));
    expect(hashRecoveryCode(a)).not.toContain(a.replaceAll('-', ''));
  });
});

describe('the QR code', () => {
  it('is one SVG image with a text alternative', async () => {
    const svg = await qrCodeSvg('otpauth://totp/Waymark:a?secret=ABC', 'Scan <this> & that');
    expect(svg).toMatch(/^<svg role="img" aria-label="Scan &#60;this&#62; &#38; that"/);
    expect(svg).toContain('<title>Scan &#60;this&#62; &#38; that</title>');
    expect(svg).toContain('<path');
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });
});

describe('pages open to someone who must still set up two-step verification', () => {
  it.each([
    '/account',
    '/account/two-factor',
    '/account/two-factor/set-up',
    '/sign-in',
    '/sign-in/two-factor',
    '/sign-out',
    '/accessibility',
    '/privacy',
  ])('%s is open', (path) => expect(allowedBeforeTwoFactor(path)).toBe(true));

  it.each([
    '/',
    '/admin/people',
    '/accounts',
    '/sign-outs',
    '/api/docs',
    '/strategy',
    '/account/tokens',
    '/account/tokens/new',
  ])('%s is not', (path) => expect(allowedBeforeTwoFactor(path)).toBe(false));
});
