import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real council documents live beside the project, in ../shared/samples, and never in the
 * repository. Acceptance tests run whenever the folder is there (always in CI);
 * WAYMARK_SAMPLES points elsewhere, e.g. for a checkout in another place.
 */
export const SAMPLES =
  process.env.WAYMARK_SAMPLES ??
  resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/samples');

export const hasSamples = existsSync(SAMPLES);

export function samplePath(name: string): string {
  return join(SAMPLES, name);
}
