import { describe, expect, it } from 'vitest';
import { emailDomain, isDomain, normaliseIssuer, parseDomains, readClaims } from './sso.rules.js';
import { settingsSchema } from './sso.schemas.js';

describe('email domains', () => {
  it('accepts real-looking domains and refuses the rest', () => {
    expect(isDomain('council.gov.uk')).toBe(true);
    expect(isDomain('a-b.example')).toBe(true);
    for (const bad of ['localhost', 'council', '-x.org', 'x-.org', 'x..org', 'x.1', 'a_b.org']) {
      expect(isDomain(bad), bad).toBe(false);
    }
  });

  it('reads one per line or comma separated, forgiving @ and case, without repeats', () => {
    expect(parseDomains('Council.gov.uk\n@parish.org, council.gov.uk;  *.school.sch.uk')).toEqual({
      domains: ['council.gov.uk', 'parish.org', 'school.sch.uk'],
      invalid: [],
    });
    expect(parseDomains('ok.org, https://x.org/, nodot').invalid).toEqual([
      'https://x.org/',
      'nodot',
    ]);
    expect(parseDomains(' \n ,').domains).toEqual([]);
  });

  it('takes the domain from an email address', () => {
    expect(emailDomain('Jo.Bloggs@Council.GOV.uk')).toBe('council.gov.uk');
    expect(emailDomain('nobody')).toBe('');
  });
});

describe('issuer URL', () => {
  it('turns a pasted discovery address into the issuer and keeps anything else exactly', () => {
    expect(
      normaliseIssuer(
        'https://login.microsoftonline.com/abc/v2.0/.well-known/openid-configuration',
      ),
    ).toBe('https://login.microsoftonline.com/abc/v2.0');
    expect(normaliseIssuer(' https://id.example.org/ ')).toBe('https://id.example.org/');
  });

  it('demands https unless plain http is allowed for testing', () => {
    const form = {
      issuer: 'http://127.0.0.1:9999',
      client_id: 'abc',
      allowed_domains: 'council.gov.uk',
      default_role: 'viewer',
      enabled: 'yes',
    };
    const strict = settingsSchema(false).safeParse(form);
    expect(strict.success).toBe(false);
    expect(strict.error?.issues[0]?.message).toBe('The issuer URL must start with https://');
    expect(settingsSchema(true).safeParse(form).success).toBe(true);
    expect(settingsSchema(false).safeParse({ ...form, default_role: 'admin' }).success).toBe(false);
  });
});

describe('reading claims', () => {
  const base = { iss: 'https://id.example.org', sub: 'abc' };

  it('reads email, name and subject', () => {
    expect(
      readClaims({ ...base, email: 'Jo@Council.gov.uk', email_verified: true, name: 'Jo Bloggs' }),
    ).toEqual({
      ok: true,
      person: {
        email: 'jo@council.gov.uk',
        displayName: 'Jo Bloggs',
        subject: 'abc',
        issuer: 'https://id.example.org',
      },
    });
  });

  it('falls back to an email-shaped preferred_username, and builds a name when none is given', () => {
    const result = readClaims({ ...base, preferred_username: 'sam.lee@council.gov.uk' });
    expect(result).toMatchObject({
      ok: true,
      person: { email: 'sam.lee@council.gov.uk', displayName: 'sam.lee' },
    });
    expect(
      readClaims({ ...base, email: 'a@b.org', given_name: 'Ann', family_name: 'Bee' }),
    ).toMatchObject({ person: { displayName: 'Ann Bee' } });
  });

  it('refuses an unverified email, a missing email and a missing subject', () => {
    expect(readClaims({ ...base, email: 'a@b.org', email_verified: false })).toEqual({
      ok: false,
      reason: 'email-not-verified',
    });
    expect(readClaims({ ...base, preferred_username: 'not-an-email' })).toEqual({
      ok: false,
      reason: 'no-email',
    });
    expect(readClaims({ email: 'a@b.org' })).toEqual({ ok: false, reason: 'no-subject' });
  });
});
