/**
 * Telling what a file really is from its first bytes, never from its name or the browser's claim,
 * and decoding text files whatever encoding they were saved in.
 */

export type SniffedKind =
  | { kind: 'zip' }
  | { kind: 'ole' }
  | { kind: 'text' }
  /** Something Waymark cannot read; `what` names it for a person ("a PDF document"). */
  | { kind: 'other'; what: string; advice: string };

const SAVE_AS =
  'Save the action plan as an Excel workbook (.xlsx), a Word document (.docx) or a CSV file, or copy the table and paste it as text.';

function startsWith(bytes: Buffer, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function startsWithText(bytes: Buffer, text: string, offset = 0): boolean {
  return startsWith(bytes, [...Buffer.from(text, 'latin1')], offset);
}

export function sniff(bytes: Buffer): SniffedKind {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return { kind: 'zip' };
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'ole' };
  if (startsWithText(bytes, '%PDF')) {
    return {
      kind: 'other',
      what: 'a PDF document',
      advice: `Waymark cannot read tables from PDF files. Open the original Word or Excel file instead, or copy the table from the PDF and paste it as text.`,
    };
  }
  const image = imageName(bytes);
  if (image) {
    return {
      kind: 'other',
      what: image,
      advice: `A picture of a table cannot be imported. ${SAVE_AS}`,
    };
  }
  if (
    startsWith(bytes, [0x1f, 0x8b]) ||
    startsWithText(bytes, 'Rar!') ||
    startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf])
  ) {
    return {
      kind: 'other',
      what: 'a compressed archive',
      advice: `Extract the plan from the archive and upload the file itself.`,
    };
  }
  if (startsWithText(bytes, '{\\rtf')) {
    return {
      kind: 'other',
      what: 'a Rich Text Format (.rtf) document',
      advice: 'Open it in Word and save it as a Word document (.docx), then upload that.',
    };
  }
  const head = bytes.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) {
    return {
      kind: 'other',
      what: 'a web page (HTML)',
      advice: `If it was saved from Word or Excel, open it there and save it as .docx or .xlsx. ${SAVE_AS.replace('Save the action plan as', 'Or save the action plan as')}`,
    };
  }
  if (looksBinary(bytes)) {
    return { kind: 'other', what: 'not a document Waymark recognises', advice: SAVE_AS };
  }
  return { kind: 'text' };
}

function imageName(bytes: Buffer): string | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'a PNG image';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (startsWithText(bytes, 'GIF87a') || startsWithText(bytes, 'GIF89a')) return 'a GIF image';
  if (startsWithText(bytes, 'RIFF') && startsWithText(bytes, 'WEBP', 8)) return 'a WebP image';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'a TIFF image';
  if (
    startsWithText(bytes, 'ftyp', 4) &&
    /^(heic|heix|mif1|avif)/.test(bytes.subarray(8, 12).toString('latin1'))
  ) {
    return 'a phone photo (HEIC or AVIF image)';
  }
  return null;
}

/** Text has no NUL bytes (outside UTF-16) and few control characters. */
function looksBinary(bytes: Buffer): boolean {
  if (utf16Bom(bytes)) return false;
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control += 1;
  }
  return control > sample.length * 0.02;
}

function utf16Bom(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (startsWith(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  return null;
}

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Decodes a text file: UTF-8 with or without a byte order mark, UTF-16 with one, and otherwise
 * Windows-1252 (what Excel on Windows writes for "CSV", with £ as byte A3).
 */
export function decodeText(bytes: Buffer): { text: string; encoding: TextEncodingName } {
  const utf16 = utf16Bom(bytes);
  if (utf16 === 'utf-16le')
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: utf16 };
  if (utf16 === 'utf-16be') {
    // Node's TextDecoder has no UTF-16BE: swap to little-endian first.
    const swapped = Buffer.from(bytes.subarray(2, bytes.length - ((bytes.length - 2) % 2)));
    swapped.swap16();
    return { text: new TextDecoder('utf-16le').decode(swapped), encoding: utf16 };
  }
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(body), encoding: 'windows-1252' };
  }
}

/** Windows-1252's printable characters in 80–9F, where ISO-8859-1 has control codes. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node's TextDecoder('windows-1252') decodes as ISO-8859-1 on some versions, turning curly quotes,
 * dashes and bullets into control codes, so the 80–9F range is mapped here.
 */
export function decodeWindows1252(bytes: Buffer): string {
  let out = '';
  for (const b of bytes)
    out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charAt(b - 0x80) : String.fromCharCode(b);
  return out;
}

/** What an OLE compound file (the pre-2007 Office container) holds, from its directory names. */
export function oleContents(bytes: Buffer): 'encrypted' | 'xls' | 'doc' | 'unknown' {
  const has = (name: string): boolean => bytes.includes(Buffer.from(name, 'utf16le'));
  // Password-protected .xlsx and .docx are OLE files holding the encrypted package.
  if (has('EncryptedPackage') || has('EncryptionInfo')) return 'encrypted';
  if (has('WordDocument')) return 'doc';
  if (has('Workbook') || has('Book')) return 'xls';
  return 'unknown';
}
