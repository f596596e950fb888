/** The one file an import form or API request carries, read beside the body (never into it). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';

export interface Upload {
  name: string;
  contentType: string;
  bytes: Buffer;
  /** Cut short at the size limit. */
  truncated: boolean;
}

const uploads = new WeakMap<FastifyRequest, Upload>();

export function uploadOf(request: FastifyRequest): Upload | undefined {
  return uploads.get(request);
}

/** Lets the routes of this scope take multipart bodies with one file field named `file`. */
export async function acceptUploads(scope: FastifyInstance, limitBytes: number): Promise<void> {
  await scope.register(multipart, {
    attachFieldsToBody: 'keyValues',
    // Over the limit the file is cut short and marked, so the page can say so in words.
    throwFileSizeLimit: false,
    limits: { fileSize: limitBytes, files: 1, fields: 10, fieldSize: limitBytes, parts: 12 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      // An empty file input still sends a part, with no name and nothing in it.
      if (part.fieldname !== 'file' || (!part.filename && bytes.byteLength === 0)) return;
      uploads.set(this, {
        name: part.filename || 'upload',
        contentType: part.mimetype,
        bytes,
        truncated: part.file.truncated,
      });
    },
  });
}

export type StartSource =
  | { ok: true; input: { bytes?: Buffer; text?: string; name: string; contentType?: string } }
  | { ok: false; message: string; code: 'missing' | 'too-large' };

/** What to read: the file when one came, otherwise the text; or what is missing, in words. */
export function startSource(
  upload: Upload | undefined,
  text: string | undefined,
  name: string | undefined,
  limitBytes: number,
  describe: (bytes: number) => string,
): StartSource {
  if (upload) {
    if (upload.truncated) {
      return {
        ok: false,
        code: 'too-large',
        message: `The file ${upload.name} is larger than the limit of ${describe(limitBytes)}. Save a smaller file (for example only the action plan) and upload that.`,
      };
    }
    return {
      ok: true,
      input: { bytes: upload.bytes, name: upload.name, contentType: upload.contentType },
    };
  }
  if (text !== undefined && text.trim() !== '') {
    return { ok: true, input: { text, name: name?.trim() || 'pasted text' } };
  }
  return {
    ok: false,
    code: 'missing',
    message: 'Choose a file, or paste the text of the plan',
  };
}
