import { describe, expect, it } from 'vitest';
import { hashToken } from '../../kernel/auth/tokens.js';
import { tokenFormSchema } from './token.schemas.js';
import { expiryFromDays, generateApiToken, tokenStatus } from './token.service.js';
import { scopesText } from './token.view-model.js';

describe('API token secrets', () => {
  it('are wmk_ and 32 random bytes in base64url, kept as a sha256 hash and 8-character prefix', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).toMatch(/^wmk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(4), 'base64url')).toHaveLength(32);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.prefix).toBe(a.token.slice(0, 8));
    expect(a.token).not.toBe(b.token);
  });
});

describe('token status and expiry', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  it('is revoked before expired before active', () => {
    const past = new Date('2026-11-01T00:00:00Z');
    expect(tokenStatus({ revoked_at: past, expires_at: past }, now)).toBe('revoked');
    expect(tokenStatus({ revoked_at: null, expires_at: past }, now)).toBe('expired');
    expect(tokenStatus({ revoked_at: null, expires_at: now }, now)).toBe('expired');
    expect(tokenStatus({ revoked_at: null, expires_at: null }, now)).toBe('active');
  });

  it('counts expiry in days from now, or never', () => {
    expect(expiryFromDays(30, now)?.toISOString()).toBe('2026-12-22T12:00:00.000Z');
    expect(expiryFromDays(null, now)).toBeNull();
  });

  it('describes scopes in words', () => {
    expect(scopesText(['read'])).toBe('Read only');
    expect(scopesText(['write'])).toBe('Write only');
    expect(scopesText(['read', 'write'])).toBe('Read and write');
  });
});

describe('the new token form', () => {
  it('takes one checkbox as a string, several as an array, in a fixed order', () => {
    const one = tokenFormSchema.parse({ name: ' Reports ', scopes: 'write', expiry: '30' });
    expect(one).toEqual({ name: 'Reports', scopes: ['write'], expiry: '30' });
    const both = tokenFormSchema.parse({ name: 'x', scopes: ['write', 'read'], expiry: 'never' });
    expect(both.scopes).toEqual(['read', 'write']);
  });

  it('says what is missing', () => {
    const result = tokenFormSchema.safeParse({ name: '' });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['name', 'Enter a name for the token'],
      ['scopes', 'Select what the token can do'],
      ['expiry', 'Select when the token expires'],
    ]);
  });
});
