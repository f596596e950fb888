import type { GlossaryEntry, SourceBlock } from '../import.types.js';

/** Keys and legends ("CR = Met within current resources", "MM Mike Mickleburgh", a glossary sheet). */
export function findGlossary(_blocks: SourceBlock[]): GlossaryEntry[] {
  return [];
}

/** An owner written as initials or a code, resolved to the name the glossary gives (else unchanged). */
export function resolveOwner(text: string, _glossary: GlossaryEntry[]): string {
  return text;
}
