import {
  COLUMN_FIELDS,
  ImportRefusedError,
  type ColumnField,
  type ColumnMapping,
  type ImportPreview,
  type ImportWarning,
  type PreviewAction,
  type SourceDocument,
  type UnderstandOptions,
} from '../import.types.js';
import { splitBullets } from './bullets.js';
import { deriveAction, fieldText, namesWrittenWhole, sourceKeys } from './derive.js';
import { findDocumentDate } from './document-date.js';
import { findGlossary } from './legend.js';
import { collectActions, type RawAction } from './rows.js';
import { findSections } from './sections.js';
import { summarise } from './summary.js';
import { selectActionTable } from './tables.js';

export { cellFromText, normaliseCell } from './cells.js';

const SINGLE_COLUMN_FIELDS: ReadonlySet<string> = new Set<ColumnField>(
  COLUMN_FIELDS.filter((f) => f !== 'comments'),
);

/** The person's choices win; a meaning moved to another column leaves its old one as an extra. */
function applyMapping(
  mapping: ColumnMapping[],
  overrides: UnderstandOptions['mapping'],
): ColumnMapping[] {
  if (!overrides) return mapping;
  const out = mapping.map((m) => ({ ...m }));
  for (const [key, field] of Object.entries(overrides)) {
    const column = out[Number(key)];
    if (column === undefined || field === undefined) continue;
    if (SINGLE_COLUMN_FIELDS.has(field)) {
      for (const other of out) {
        if (other !== column && other.field === field) {
          other.field = 'extra';
          other.recognised = false;
        }
      }
    }
    column.field = field;
    column.recognised = false;
  }
  return out;
}

function applyFixes(actions: RawAction[], fixes: UnderstandOptions['fixes']) {
  if (!fixes) return;
  for (const [key, fields] of Object.entries(fixes)) {
    const action = actions[Number(key)];
    if (action === undefined) continue;
    for (const field of COLUMN_FIELDS) {
      const text = fields[field];
      if (text !== undefined) action.overrides[field] = text;
    }
  }
}

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Finds the action table, themes, sections and glossary, and derives every field. Pure. */
export function understandDocument(
  doc: SourceDocument,
  options: UnderstandOptions = {},
): ImportPreview {
  const table = selectActionTable(doc, options.sheet);
  const mapping = applyMapping(table.mapping, options.mapping);
  if (!mapping.some((m) => m.field === 'title')) {
    throw new ImportRefusedError(
      'No column is set as the action. Choose which column holds the actions and preview again.',
      'no-action-column',
    );
  }

  const rows = collectActions(table, mapping);
  const raws = rows.actions.flatMap((a) => splitBullets(a, mapping));
  applyFixes(raws, options.fixes);

  const documentDate = findDocumentDate(
    doc,
    options.documentDate,
    table.titleRows,
    raws.map((r) => fieldText(r, mapping, 'timescale')),
    todayIso(),
  );
  const glossary = findGlossary(doc.blocks);
  const knownOwners = namesWrittenWhole(
    raws.map((r) => fieldText(r, mapping, 'owner').replace(/\s+/g, ' ')),
    options.knownOwners ?? [],
  );

  const warnings: ImportWarning[] = [...doc.warnings, ...rows.warnings];
  const context = { mapping, keys: sourceKeys(mapping), documentDate, glossary, knownOwners };
  const actions: PreviewAction[] = raws.map((raw, index) => {
    const derived = deriveAction(raw, index, context);
    warnings.push(...derived.warnings);
    return derived.action;
  });

  const themes = [...new Set(actions.flatMap((a) => (a.theme === null ? [] : [a.theme])))];
  const needsChecking = actions.filter((a) => a.timescale.needsChecking).length;
  return {
    source: {
      name: doc.name,
      format: doc.format,
      sheet: table.sheet,
      sheets: doc.sheets ?? [],
    },
    documentDate,
    summary: summarise(actions.length, themes.length, needsChecking),
    themes,
    sections: findSections(doc.blocks),
    glossary,
    mapping,
    warnings,
    actions,
  };
}
