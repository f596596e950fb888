/** Pure rules for single sign-on: email domains, issuer addresses and the claims we read. */

const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a registrable-looking domain name such as `council.gov.uk` (no scheme, no path). */
export function isDomain(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  return labels.every((l) => DOMAIN_LABEL.test(l)) && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(tld);
}

/**
 * Splits what an admin typed (one per line, or separated by commas, semicolons or spaces) into
 * lower-case domains, forgiving a leading `@` or `*.`. Returns the clean list and anything that
 * is not a domain, so the form can name it.
 */
export function parseDomains(text: string): { domains: string[]; invalid: string[] } {
  const domains: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const item = raw
      .trim()
      .toLowerCase()
      .replace(/^(@|\*\.)/, '')
      .replace(/\.$/, '');
    if (!item) continue;
    if (!isDomain(item)) invalid.push(raw.trim());
    else if (!domains.includes(item)) domains.push(item);
  }
  return { domains, invalid };
}

/** The domain part of an email address, lower case ('' when there is none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

const DISCOVERY_SUFFIX = /\/\.well-known\/openid-configuration\/?$/;

/**
 * Admins often paste the discovery document's address instead of the issuer; accept both and
 * keep the issuer. Anything else is kept exactly as typed, because issuers compare exactly.
 */
export function normaliseIssuer(value: string): string {
  return value.trim().replace(DISCOVERY_SUFFIX, '');
}

export interface PersonClaims {
  email: string;
  displayName: string;
  subject: string;
  issuer: string;
}

export type ClaimsResult = { ok: true; person: PersonClaims } | { ok: false; reason: ClaimProblem };

export type ClaimProblem = 'no-subject' | 'no-email' | 'email-not-verified';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Reads who signed in from ID token (and, when given, userinfo) claims.
 * The email comes from `email`; Microsoft Entra ID leaves that out for people without a mailbox
 * unless the optional claim is configured, so an email-shaped `preferred_username` (their
 * sign-in name, whose domain Entra only allows from the tenant's verified domains) stands in.
 * A provider that says the email is not verified is refused; one that says nothing is trusted,
 * as Entra ID never sends `email_verified`. The allowed-domains check happens after this.
 */
export function readClaims(claims: Record<string, unknown>): ClaimsResult {
  const subject = text(claims.sub);
  const issuer = text(claims.iss);
  if (!subject || !issuer) return { ok: false, reason: 'no-subject' };
  const email = [text(claims.email), text(claims.preferred_username)]
    .map((e) => e?.toLowerCase())
    .find((e): e is string => e !== undefined && EMAIL.test(e) && e.length <= 254);
  if (!email) return { ok: false, reason: 'no-email' };
  if (text(claims.email) && claims.email_verified === false) {
    return { ok: false, reason: 'email-not-verified' };
  }
  const given = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  const displayName = (text(claims.name) ?? (given || email.slice(0, email.indexOf('@')))).slice(
    0,
    200,
  );
  return { ok: true, person: { email, displayName, subject, issuer } };
}
