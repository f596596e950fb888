import { ImportRefusedError, type SourceDocument } from '../import.types.js';
import { readCsv, sniffDelimiter } from './csv.js';
import { decodeText, oleContents, sniff } from './sniff.js';
import { readText } from './text.js';
import { checkZipBomb, DEFAULT_ZIP_LIMITS, listZipEntries, type ZipLimits } from './zip.js';

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
  /** What a workbook or document may unpack to; defaults suit any real plan. */
  zip?: ZipLimits;
}

export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';

type Claimed = 'xlsx' | 'docx' | 'text' | 'xls' | 'doc' | 'other' | null;

const KIND_NAMES: Record<'xlsx' | 'docx' | 'text', string> = {
  xlsx: 'an Excel workbook',
  docx: 'a Word document',
  text: 'a text or CSV file',
};

/** What the file's name (or, failing that, the browser's content type) says it is. */
function claimedType(name: string, contentType: string | undefined): Claimed {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx';
  if (ext === 'docx' || ext === 'docm') return 'docx';
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv' || ext === 'tab' || ext === 'text')
    return 'text';
  if (ext === 'xls') return 'xls';
  if (ext === 'doc') return 'doc';
  if (ext) return 'other';
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('spreadsheetml')) return 'xlsx';
  if (type.includes('wordprocessingml')) return 'docx';
  if (type.startsWith('text/')) return 'text';
  return null;
}

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? String(mb) : mb.toFixed(1)} MB`;
}

function mismatch(
  name: string,
  claimed: 'xlsx' | 'docx' | 'text',
  actual: 'xlsx' | 'docx' | 'text',
): ImportRefusedError {
  const ext = { xlsx: '.xlsx', docx: '.docx', text: '.csv or .txt' }[actual];
  return new ImportRefusedError(
    `The file ‘${name}’ is named as ${KIND_NAMES[claimed]} but it holds ${KIND_NAMES[actual]}. ` +
      `Check that you chose the right file. If you did, rename it to end in ${ext} and upload it again.`,
    'wrong-type',
  );
}

function checkClaim(name: string, claimed: Claimed, actual: 'xlsx' | 'docx' | 'text'): void {
  if ((claimed === 'xlsx' || claimed === 'docx' || claimed === 'text') && claimed !== actual) {
    throw mismatch(name, claimed, actual);
  }
}

async function readZip(
  bytes: Buffer,
  name: string,
  claimed: Claimed,
  limits: ZipLimits,
): Promise<SourceDocument> {
  const entries = await listZipEntries(
    bytes,
    claimed === 'xlsx' || claimed === 'docx' ? KIND_NAMES[claimed] : 'an Office file',
  );
  checkZipBomb(entries, limits);
  const names = new Set(entries.map((e) => e.name));
  const office = names.has('[Content_Types].xml');
  if (office && names.has('xl/workbook.xml')) {
    checkClaim(name, claimed, 'xlsx');
    // Loaded on first use: the workbook library is large, and most requests never need it.
    const { readXlsx } = await import('./xlsx.js');
    return readXlsx(bytes, name);
  }
  if (office && names.has('word/document.xml')) {
    checkClaim(name, claimed, 'docx');
    const { readDocx } = await import('./docx.js');
    return readDocx(bytes, name);
  }
  if (office && [...names].some((n) => n.startsWith('ppt/'))) {
    throw new ImportRefusedError(
      `‘${name}’ is a PowerPoint presentation. Waymark imports plans from Excel (.xlsx), Word (.docx), CSV or pasted text: copy the plan's table into Excel or Word, save it, and upload that file.`,
      'wrong-type',
    );
  }
  if (names.has('mimetype') && names.has('content.xml')) {
    throw new ImportRefusedError(
      `‘${name}’ is an OpenDocument file (from LibreOffice or OpenOffice). Open it there and use "Save As" to save it as an Excel workbook (.xlsx) or a Word document (.docx), then upload that.`,
      'wrong-type',
    );
  }
  if (claimed === 'xlsx' || claimed === 'docx') {
    // Named like an Office file and a zip, but missing the parts every Office file has.
    throw new ImportRefusedError(
      `The file ‘${name}’ is named as ${KIND_NAMES[claimed]} but it is not one that Excel or Word saved: the parts that make up ${KIND_NAMES[claimed]} are missing, so it may be damaged. Open it in ${claimed === 'xlsx' ? 'Excel' : 'Word'}, save it again, and upload the new copy.`,
      'corrupt',
    );
  }
  throw new ImportRefusedError(
    `‘${name}’ is a zip archive, not an Excel workbook or Word document. Extract the action plan from the archive and upload the file itself.`,
    'wrong-type',
  );
}

function refuseOle(bytes: Buffer, name: string): never {
  const contents = oleContents(bytes);
  if (contents === 'encrypted') {
    throw new ImportRefusedError(
      `‘${name}’ is protected with a password, so Waymark cannot read it. Open it, remove the password (File, Info, Protect, Encrypt with Password, then clear the password), save it, and upload it again.`,
      'password-protected',
    );
  }
  if (contents === 'xls') {
    throw new ImportRefusedError(
      `‘${name}’ is an older Excel 97–2003 workbook (.xls), which Waymark cannot read. Open it in Excel, choose Save As, pick "Excel Workbook (.xlsx)", and upload the new file.`,
      'wrong-type',
    );
  }
  if (contents === 'doc') {
    throw new ImportRefusedError(
      `‘${name}’ is an older Word 97–2003 document (.doc), which Waymark cannot read. Open it in Word, choose Save As, pick "Word Document (.docx)", and upload the new file.`,
      'wrong-type',
    );
  }
  throw new ImportRefusedError(
    `‘${name}’ is an older Microsoft Office file, or one protected with a password, which Waymark cannot read. Open it, remove any password, save it as an Excel workbook (.xlsx) or a Word document (.docx), and upload that.`,
    'wrong-type',
  );
}

/**
 * Tab-separated text pasted or saved from Word (the way most plans arrive as text) goes to the text
 * reader, which understands narrative around tables; files with a regular delimited structure are CSV.
 */
function readDecodedText(text: string, name: string, claimedCsv: boolean): SourceDocument {
  if (claimedCsv) return readCsv(text, name);
  const sniffed = sniffDelimiter(text);
  if (sniffed.columns < 2 || sniffed.delimiter === '\t') return readText(text, name);
  // Tabs and a few commas in prose are Word's text; tabs inside a regular CSV are rare.
  const needed = text.includes('\t') ? 0.9 : 0.6;
  return sniffed.consistency >= needed
    ? readCsv(text, name, sniffed.delimiter)
    : readText(text, name);
}

/** Reads any supported source into a SourceDocument, or throws ImportRefusedError. */
export async function readSource(input: ReadInput, limits: ReadLimits): Promise<SourceDocument> {
  if (input.bytes === undefined) {
    const text = (input.text ?? '').replace(/^\ufeff/, '');
    if (text.trim() === '') {
      throw new ImportRefusedError(
        'The pasted text is empty. Copy the action plan table from Word or Excel and paste it into the box.',
        'empty',
      );
    }
    if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
      throw new ImportRefusedError(
        `The pasted text is ${formatMegabytes(Buffer.byteLength(text, 'utf8'))}; the largest Waymark can import is ${formatMegabytes(limits.maxBytes)}. Paste only the action plan, or import it in parts.`,
        'too-large',
      );
    }
    return readText(text, input.name);
  }

  const { bytes, name } = input;
  if (bytes.length === 0) {
    throw new ImportRefusedError(
      `‘${name}’ is empty (0 bytes). Check that the file was saved properly, then upload it again.`,
      'empty',
    );
  }
  if (bytes.length > limits.maxBytes) {
    throw new ImportRefusedError(
      `The file is ${formatMegabytes(bytes.length)}; the largest Waymark can import is ${formatMegabytes(limits.maxBytes)}. ` +
        'Remove pictures and sheets you do not need, or save just the action plan as a CSV file, and try again.',
      'too-large',
    );
  }

  const claimed = claimedType(name, input.contentType);
  const sniffed = sniff(bytes);
  if (sniffed.kind === 'zip')
    return readZip(bytes, name, claimed, limits.zip ?? DEFAULT_ZIP_LIMITS);
  if (sniffed.kind === 'ole') return refuseOle(bytes, name);
  if (sniffed.kind === 'other') {
    const named =
      claimed === 'xlsx' || claimed === 'docx' || claimed === 'text'
        ? ` It is named as ${KIND_NAMES[claimed]}, but it`
        : ' It';
    throw new ImportRefusedError(
      `Waymark cannot import ‘${name}’.${named} is ${sniffed.what}. ${sniffed.advice}`,
      'wrong-type',
    );
  }

  const { text } = decodeText(bytes);
  if (text.trim() === '') {
    throw new ImportRefusedError(
      `‘${name}’ has no text in it. Check that the file was saved properly, then upload it again.`,
      'empty',
    );
  }
  checkClaim(name, claimed, 'text');
  const csv = /\.csv$/i.test(name) || (claimed === null && /csv/i.test(input.contentType ?? ''));
  return readDecodedText(text, name, csv);
}
