import yauzl from 'yauzl';
import { ImportRefusedError } from '../import.types.js';

/** Limits on what a zip (every .xlsx and .docx is one) may unpack to before anything inflates it. */
export interface ZipLimits {
  /** All entries together, uncompressed. */
  maxTotalBytes: number;
  /** An entry larger than this must not be compressed more than `maxRatio` to 1. */
  ratioCheckAboveBytes: number;
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: 200 * 1024 * 1024,
  ratioCheckAboveBytes: 10 * 1024 * 1024,
  maxRatio: 100,
  maxEntries: 10_000,
};

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const ZIP_BOMB =
  'This file unpacks to far more data than any real workbook or document, so Waymark has not opened it. ' +
  'Open it in Excel or Word, save it again as a new file, and upload that. If it came from outside the council, check it with your IT security team first.';

function corrupt(kindOfFile: string): ImportRefusedError {
  return new ImportRefusedError(
    `The file looks like ${kindOfFile} but it is damaged or incomplete, so Waymark cannot read it. ` +
      'Open it in Excel or Word to check it, save it again, and upload the new copy. If the upload was interrupted, try again.',
    'corrupt',
  );
}

/** Reads a zip's central directory (nothing is inflated). Corrupt archives are refused. */
export function listZipEntries(
  bytes: Buffer,
  kindOfFile = 'an Office file',
): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (openError, zip) => {
      if (openError) {
        reject(corrupt(kindOfFile));
        return;
      }
      const entries: ZipEntryInfo[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({
          name: entry.fileName,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
        });
        if (entries.length > DEFAULT_ZIP_LIMITS.maxEntries * 2) {
          zip.close();
          resolve(entries);
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => {
        resolve(entries);
      });
      zip.on('error', () => {
        reject(corrupt(kindOfFile));
      });
      zip.readEntry();
    });
  });
}

/** Refuses a zip whose entries would inflate to a dangerous size, judged from the central directory. */
export function checkZipBomb(
  entries: ZipEntryInfo[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): void {
  if (entries.length > limits.maxEntries) throw new ImportRefusedError(ZIP_BOMB, 'zip-bomb');
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > limits.ratioCheckAboveBytes && ratio > limits.maxRatio) {
      throw new ImportRefusedError(ZIP_BOMB, 'zip-bomb');
    }
  }
  if (total > limits.maxTotalBytes) throw new ImportRefusedError(ZIP_BOMB, 'zip-bomb');
}

export { corrupt as corruptFileError };
