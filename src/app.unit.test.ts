import { describe, expect, it } from 'vitest';
import { logSafeUrl } from './app.js';

describe('logSafeUrl', () => {
  it('keeps the route but never a one-time secret', () => {
    expect(logSafeUrl('/reset-password/abcDEF123')).toBe('/reset-password/[redacted]');
    expect(logSafeUrl('/invitations/xyz')).toBe('/invitations/[redacted]');
    expect(logSafeUrl('/sign-in/sso/callback?code=secret&state=s')).toBe(
      '/sign-in/sso/callback?[redacted]',
    );
    expect(logSafeUrl('/admin/people')).toBe('/admin/people');
  });
});
