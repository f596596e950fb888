/**
 * Plans shaped like the councils' own, in Excel, Word and CSV (our own fixtures), read and
 * understood end to end, as the import preview does.
 */
import { describe, expect, it } from 'vitest';
import * as fixtures from '../../../test/fixtures/imports/index.js';
import { readSource, understandDocument, type ImportPreview } from './index.js';

async function preview(name: string, bytes: Buffer): Promise<ImportPreview> {
  const doc = await readSource({ bytes, name }, { maxBytes: 10 * 1024 * 1024 });
  return understandDocument(doc, { documentDate: '2026-04-01' });
}

describe('plans in the shapes councils keep them', () => {
  it('an Excel workbook: title rows, merged themes, real dates, £ cells, a key and a glossary sheet', async () => {
    const p = await preview('plan.xlsx', await fixtures.buildActionPlanXlsx());
    expect(p.summary.sentence).toMatch(/^6 actions in 2 themes/);
    expect(p.themes).toEqual(['1. Putting residents first', '2. Secure and resilient systems']);
    expect(p.glossary.map((g) => g.code)).toEqual(
      expect.arrayContaining(['CR', 'AR', 'HD', 'DL', 'IM']),
    );
    expect(p.glossary.map((g) => g.code)).not.toContain('Initials');
    expect(p.actions[0]).toMatchObject({
      ref: '1.1',
      theme: '1. Putting residents first',
      priority: 'high',
      owner: { lead: 'Head of Digital Services', with: ['Customer Services Manager'] },
      timescale: { due: '2026-09-30' },
    });
    expect(p.actions[1]).toMatchObject({
      ref: '1.2',
      owner: { lead: 'Digital Lead', with: ['Revenues Manager'] },
      resources: { kind: 'amount', amountPence: 750_000 },
      timescale: { due: '2027-03-31' },
    });
  });

  it('a Word document: areas with their gap analysis, then a table with theme rows', async () => {
    const p = await preview('plan.docx', await fixtures.buildActionPlanDocx());
    expect(p.summary.sentence).toMatch(/^4 actions in 2 themes/);
    expect(p.sections.map((s) => s.title)).toEqual(['Connected services', 'Secure foundations']);
    for (const s of p.sections) {
      expect(s.vision).toBeTruthy();
      expect(s.currentPosition).toBeTruthy();
      expect(s.gettingThere).toBeTruthy();
    }
    expect(p.actions[1]).toMatchObject({
      ref: '1.2',
      theme: 'Theme 1: Connected services',
      owner: { lead: 'Waste Services Manager', with: ['the Web Team'] },
      resources: { amountPence: 400_000 },
      timescale: { due: '2026-11-30' },
    });
  });

  it('CSV files: a comma file with a BOM, and a Windows-1252 semicolon file with £ and quoted lines', async () => {
    const comma = await preview('plan.csv', fixtures.buildCommaCsvUtf8Bom());
    expect(comma.actions).toHaveLength(3);
    expect(comma.actions[1]).toMatchObject({
      ref: '1.2',
      owner: { lead: 'Web Manager' },
      resources: { amountPence: 250_000 },
      timescale: { due: '2026-12-31' },
    });
    const semicolon = await preview('plan.csv', fixtures.buildSemicolonCsvWindows1252());
    expect(semicolon.actions.map((a) => a.ref)).toEqual(['2.1', '2.2']);
    expect(semicolon.actions[0]?.title).toContain('Replace the depot’s Wi-Fi');
    expect(semicolon.actions[1]).toMatchObject({
      owner: { lead: 'Head of ICT', with: ['Procurement'] },
      resources: { amountPence: 1_250_000 },
    });
  });
});
