import type { ImportPreview, SourceDocument, UnderstandOptions } from '../import.types.js';

/** Finds the action table, themes, sections and glossary, and derives every field. Pure. */
export function understandDocument(
  _doc: SourceDocument,
  _options: UnderstandOptions = {},
): ImportPreview {
  throw new Error('not yet');
}
