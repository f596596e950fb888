import { recordAudit } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { isUuid, newId } from '../../kernel/db/ids.js';
import type { Tx } from '../../kernel/db/tenancy.js';
import { NotFoundError } from '../../kernel/http/errors.js';

/**
 * Evidence files attached to progress updates. What a file is comes from its first bytes, never
 * from its name or the browser's say-so: a program renamed "minutes.pdf" is refused, and the type
 * stored (and sent back on download) is the one Waymark checked.
 */

export interface EvidenceType {
  extension: string;
  contentType: string;
  /** How the type is named to people, in lists of what may be uploaded. */
  name: string;
  matches(bytes: Uint8Array): boolean;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function containsAscii(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(text, 0, 'latin1');
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Office files are ZIP archives whose part names (stored uncompressed) say which kind they are. */
function officeFile(folder: string) {
  return (bytes: Uint8Array) =>
    startsWith(bytes, ZIP) &&
    containsAscii(bytes, '[Content_Types].xml') &&
    containsAscii(bytes, folder);
}

/** Signatures of binary formats that must never pass as text. */
const BINARY_SIGNATURES: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46], // %PDF
  ZIP,
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x4d, 0x5a], // MZ: Windows programs
  [0x7f, 0x45, 0x4c, 0x46], // ELF: Linux programs
  [0xd0, 0xcf, 0x11, 0xe0], // old Office (OLE) files
  [0x1f, 0x8b], // gzip
];

/**
 * Plain text (and CSV) has no signature: it is accepted when it holds no NUL or other control
 * bytes a text file would not, and does not start like a known binary format. Any 8-bit text
 * encoding passes (councils' CSV files are often Windows-1252, not UTF-8).
 */
function looksLikeText(bytes: Uint8Array): boolean {
  if (BINARY_SIGNATURES.some((s) => startsWith(bytes, s))) return false;
  const sample = bytes.subarray(0, 64 * 1024);
  for (const b of sample) {
    const allowedControl = b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x1b;
    if (b < 0x20 && !allowedControl) return false;
    if (b === 0x7f) return false;
  }
  return true;
}

export const EVIDENCE_TYPES: readonly EvidenceType[] = [
  {
    extension: 'pdf',
    contentType: 'application/pdf',
    name: 'PDF',
    matches: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]),
  },
  {
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    name: 'Word (.docx)',
    matches: officeFile('word/'),
  },
  {
    extension: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    name: 'Excel (.xlsx)',
    matches: officeFile('xl/'),
  },
  {
    extension: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    name: 'PowerPoint (.pptx)',
    matches: officeFile('ppt/'),
  },
  {
    extension: 'png',
    contentType: 'image/png',
    name: 'PNG',
    matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    extension: 'jpg',
    contentType: 'image/jpeg',
    name: 'JPEG',
    matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  },
  {
    extension: 'jpeg',
    contentType: 'image/jpeg',
    name: 'JPEG',
    matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  },
  { extension: 'txt', contentType: 'text/plain', name: 'text', matches: looksLikeText },
  { extension: 'csv', contentType: 'text/csv', name: 'CSV', matches: looksLikeText },
];

/** "PDF, Word (.docx), …" for hints and error messages. */
export const EVIDENCE_TYPE_NAMES = [...new Set(EVIDENCE_TYPES.map((t) => t.name))].join(', ');

/** The `accept` attribute of the file input: a help to people, not a check. */
export const EVIDENCE_ACCEPT = EVIDENCE_TYPES.map((t) => `.${t.extension}`).join(',');

/**
 * The base name of an uploaded file, safe to store and to send back: no folders (some browsers
 * send "C:\fakepath\…"), no control characters, at most 200 characters with the extension kept.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  let cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned.length > 200) {
    const dot = cleaned.lastIndexOf('.');
    const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
    cleaned = cleaned.slice(0, 200 - ext.length) + ext;
  }
  return cleaned;
}

export type EvidenceCheck =
  { ok: true; type: EvidenceType; fileName: string } | { ok: false; message: string };

export interface UploadedFile {
  fileName: string;
  data: Uint8Array;
  /** True when the upload went over the size limit and was cut short. */
  truncated: boolean;
}

export function describeLimit(limitBytes: number): string {
  const mb = limitBytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** Checks an upload's size, name and content; the message says what is wrong and what to do. */
export function checkEvidenceFile(file: UploadedFile, limitBytes: number): EvidenceCheck {
  const fileName = safeFileName(file.fileName);
  if (file.truncated || file.data.byteLength > limitBytes) {
    return {
      ok: false,
      message: `The selected file must be smaller than ${describeLimit(limitBytes)}`,
    };
  }
  if (file.data.byteLength === 0) return { ok: false, message: 'The selected file is empty' };
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const type = EVIDENCE_TYPES.find((t) => t.extension === extension);
  if (!type) {
    return {
      ok: false,
      message: `The selected file must be a ${EVIDENCE_TYPE_NAMES} file`,
    };
  }
  if (!type.matches(file.data)) {
    return {
      ok: false,
      message: `The selected file’s name says it is ${type.name}, but its content is not: choose the file again, or save it as ${type.name} first`,
    };
  }
  return { ok: true, type, fileName };
}

/** Stores a checked file in the caller's transaction (with its progress update), audited. */
export async function storeEvidenceInTx(
  trx: Tx,
  ctx: TenantContext,
  file: { fileName: string; type: EvidenceType; data: Uint8Array },
): Promise<string> {
  const id = newId();
  await trx
    .insertInto('evidence_files')
    .values({
      tenant_id: ctx.tenantId,
      id,
      file_name: file.fileName,
      content_type: file.type.contentType,
      size_bytes: file.data.byteLength,
      data: file.data,
      uploaded_by: ctx.actor.userId,
    })
    .execute();
  await recordAudit(trx, ctx.actor, {
    tenantId: ctx.tenantId,
    action: 'evidence.uploaded',
    entityType: 'evidence_file',
    entityId: id,
    after: {
      file_name: file.fileName,
      content_type: file.type.contentType,
      size_bytes: file.data.byteLength,
    },
  });
  return id;
}

export interface EvidenceMeta {
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
}

/** The file with its content, for download; row-level security keeps other councils' out. */
export async function findEvidence(trx: Tx, tenantId: string, id: string) {
  const row = isUuid(id)
    ? await trx
        .selectFrom('evidence_files')
        .select(['id', 'file_name', 'content_type', 'size_bytes', 'data'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError('There is no such evidence file.');
  return row;
}

/** Names and sizes (not content) of several files, for showing links to them. */
export async function evidenceMeta(
  trx: Tx,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EvidenceMeta>> {
  if (!ids.length) return new Map();
  const rows = await trx
    .selectFrom('evidence_files')
    .select(['id', 'file_name', 'content_type', 'size_bytes'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Content-Disposition for a download: an ASCII fallback name and the real one (RFC 6266 / 5987),
 * so "Réseau – phase 2.pdf" keeps its name and no header can be broken by a quote or new line.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'evidence';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
