import { describe, expect, it } from 'vitest';
import { ImportRefusedError } from '../import.types.js';
import {
  buildActionPlanXlsx,
  buildTruncatedXlsx,
  buildZipBomb,
} from '../../../../test/fixtures/imports/index.js';
import { checkZipBomb, DEFAULT_ZIP_LIMITS, listZipEntries } from './zip.js';

const MB = 1024 * 1024;

function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
}

describe('checking a zip before opening it', () => {
  it('lists a workbook’s parts from the central directory', async () => {
    const entries = await listZipEntries(await buildActionPlanXlsx());
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml']),
    );
    expect(() => {
      checkZipBomb(entries);
    }).not.toThrow();
  });

  it('refuses a damaged or incomplete zip as corrupt', async () => {
    const error = await listZipEntries(await buildTruncatedXlsx(), 'an Excel workbook').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect(error).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('looks like an Excel workbook'),
    });
  });

  it('refuses a small zip that inflates hugely', async () => {
    const bytes = await buildZipBomb();
    expect(bytes.length).toBeLessThan(100 * 1024);
    const entries = await listZipEntries(bytes);
    expect(
      refusal(() => {
        checkZipBomb(entries);
      }),
    ).toMatchObject({ code: 'zip-bomb' });
  });

  it.each([
    [
      'one entry over the ratio',
      [{ name: 'a', compressedSize: 100 * 1024, uncompressedSize: 11 * MB }],
      'zip-bomb',
    ],
    [
      'too much in total',
      Array.from({ length: 30 }, (_, i) => ({
        name: `p${i}`,
        compressedSize: 4 * MB,
        uncompressedSize: 8 * MB,
      })),
      'zip-bomb',
    ],
    [
      'too many entries',
      Array.from({ length: DEFAULT_ZIP_LIMITS.maxEntries + 1 }, (_, i) => ({
        name: `p${i}`,
        compressedSize: 1,
        uncompressedSize: 1,
      })),
      'zip-bomb',
    ],
    [
      'a highly compressed small entry',
      [{ name: 'a', compressedSize: 1024, uncompressedSize: 9 * MB }],
      null,
    ],
    [
      'a large entry compressed normally',
      [{ name: 'a', compressedSize: 2 * MB, uncompressedSize: 40 * MB }],
      null,
    ],
  ])('judges %s', (_name, entries, code) => {
    const error = refusal(() => {
      checkZipBomb(entries);
    });
    if (code === null) expect(error).toBeNull();
    else expect(error).toMatchObject({ code });
  });
});
