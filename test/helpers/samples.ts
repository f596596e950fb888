import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real council documents live beside the project, in ../shared/samples, and never in the
 * repository. Acceptance tests run whenever the folder is there (always in CI). WAYMARK_SAMPLES
 * points elsewhere; a checkout made somewhere else on this machine still finds /work/shared.
 */
const candidates = [
  process.env.WAYMARK_SAMPLES,
  resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/samples'),
  '/work/shared/samples',
].filter((p): p is string => typeof p === 'string' && p !== '');

export const SAMPLES = candidates.find((p) => existsSync(p)) ?? candidates[0] ?? '';

export const hasSamples = existsSync(SAMPLES);

export function samplePath(name: string): string {
  return join(SAMPLES, name);
}
