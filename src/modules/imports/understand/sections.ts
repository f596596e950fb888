import type { PreviewSection, SourceBlock } from '../import.types.js';

/** A strategy's areas and their vision / current position / getting there, from the narrative. */
export function findSections(_blocks: SourceBlock[]): PreviewSection[] {
  return [];
}
