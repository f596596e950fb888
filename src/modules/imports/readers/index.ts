import type { SourceDocument } from '../import.types.js';

export interface ReadInput {
  /** File bytes; or `text` for pasted text. */
  bytes?: Buffer;
  text?: string;
  /** File name as uploaded ("pasted text" for text). */
  name: string;
  /** Content type as the browser claimed it (never trusted on its own). */
  contentType?: string;
}

export interface ReadLimits {
  maxBytes: number;
}

/** Reads any supported source into a SourceDocument, or throws ImportRefusedError. */
export function readSource(_input: ReadInput, _limits: ReadLimits): Promise<SourceDocument> {
  throw new Error('not yet');
}
