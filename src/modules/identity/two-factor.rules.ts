import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { hashToken } from '../../kernel/auth/tokens.js';

/** Pure rules of two-step verification: codes, recovery codes and the QR code. No database. */

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes one step either side of now are accepted, for phones whose clocks drift a little. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes allowed at the two-step sign-in before the half-made session is ended. */
export const MAX_TWO_FACTOR_FAILURES = 5;

const ISSUER = 'Waymark';

/** A new random TOTP secret (160 bits, as RFC 4226 recommends), in base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = '') {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function otpauthUri(secretBase32: string, email: string): string {
  return totp(secretBase32, email).toString();
}

/** The secret in groups of four, easier to type into an app by hand. */
export function formatKey(secretBase32: string): string {
  return (
    secretBase32
      .replace(/=+$/, '')
      .match(/.{1,4}/g)
      ?.join(' ') ?? ''
  );
}

/** What a person typed, without the spaces and dashes apps and people like to add. */
export function compactCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/** True when the input has the shape of an authenticator code (six digits). */
export function looksLikeTotp(input: string): boolean {
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(compactCode(input));
}

/**
 * The time step (counter) of the code if it is right for now or one step either side, else null.
 * A code whose step is not after `lastCounter` was used already and is refused.
 */
export function matchTotp(
  secretBase32: string,
  input: string,
  options: { timestamp?: number; lastCounter?: number | null } = {},
): number | null {
  const code = compactCode(input);
  if (!looksLikeTotp(code)) return null;
  const timestamp = options.timestamp ?? Date.now();
  const delta = totp(secretBase32).validate({ token: code, timestamp, window: TOTP_WINDOW });
  if (delta === null) return null;
  const counter = Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS) + delta;
  if (options.lastCounter != null && counter <= options.lastCounter) return null;
  return counter;
}

/** Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_GROUPS = 3;
const RECOVERY_GROUP_LENGTH = 4;

/** Ten single-use recovery codes like `k7pq-2mxr-h9ta` (about 59 bits each). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const groups = Array.from({ length: RECOVERY_GROUPS }, () =>
      Array.from(
        { length: RECOVERY_GROUP_LENGTH },
        () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
      ).join(''),
    );
    codes.add(groups.join('-'));
  }
  return [...codes];
}

/** Recovery codes match however they are typed: any case, with or without dashes and spaces. */
export function normaliseRecoveryCode(input: string): string {
  return compactCode(input).toLowerCase();
}

/** Only this hash is stored. The codes are long and random, so a fast hash is enough. */
export function hashRecoveryCode(input: string): string {
  return hashToken(`recovery:${normaliseRecoveryCode(input)}`);
}

export const QR_DESCRIPTION =
  'QR code for setting up two-step verification in an authenticator app. If you cannot scan it, enter the key shown below the code instead.';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The otpauth address as an inline SVG QR code, marked up as one image with a text alternative
 * (screen readers announce the description rather than hundreds of paths).
 */
export async function qrCodeSvg(uri: string, description = QR_DESCRIPTION): Promise<string> {
  const svg = await QRCode.toString(uri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    width: 200,
    color: { dark: '#0b0c0c', light: '#ffffff' },
  });
  const label = escapeXml(description);
  return svg
    .replace(/^<svg /, `<svg role="img" aria-label="${label}" focusable="false" `)
    .replace(/(<svg[^>]*>)/, `$1<title>${label}</title>`);
}
