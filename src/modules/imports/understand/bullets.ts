import type { CellLine, ColumnMapping, SourceCell } from '../import.types.js';
import { describeAt, type RawAction } from './rows.js';

/**
 * Several actions written as bullets in one cell, with their dates, owners and outcomes listed in
 * the same order in the cells beside it, become separate actions. When the lists do not line up
 * the row stays one action and says so: pairing them up would be a guess.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function cellOfLine(line: CellLine): SourceCell {
  return { text: line.text, lines: [{ text: line.text, bullet: false, level: 0 }] };
}

function entries(cell: SourceCell | undefined): CellLine[] {
  return (cell?.lines ?? []).filter((l) => l.text.trim() !== '');
}

export function splitBullets(action: RawAction, mapping: ColumnMapping[]): RawAction[] {
  const titleIndex = mapping.find((m) => m.field === 'title')?.index ?? -1;
  const titleLines = entries(action.cells[titleIndex]);
  const bullets = titleLines.filter((l) => l.bullet && l.level === 0);
  // Only a cell that is nothing but a list is a list of actions; a lead-in line makes it one action.
  if (bullets.length < 2 || bullets.length !== titleLines.length) return [action];
  const count = bullets.length;

  const splitColumns = new Set<number>();
  const mismatched: string[] = [];
  for (const column of mapping) {
    if (column.index === titleIndex || column.field === 'theme' || column.field === 'ref') continue;
    if (column.field === 'ignore') continue;
    const n = entries(action.cells[column.index]).length;
    if (n <= 1) continue;
    if (n === count) splitColumns.add(column.index);
    else mismatched.push(`“${column.header}” has ${n}`);
  }

  if (mismatched.length > 0) {
    action.warnings.push({
      code: 'bullet-count-mismatch',
      message: `${describeAt(action.at)} lists ${count} actions as bullets, but ${mismatched.join(' and ')} entries, so they were kept as one action. Split them by hand if they are separate actions.`,
      at: action.at,
    });
    return [action];
  }

  return bullets.map((bullet, i) => {
    const cells = action.cells.map((cell, column) => {
      if (column === titleIndex) return cellOfLine(bullet);
      if (splitColumns.has(column)) {
        const line = entries(cell)[i];
        return line ? cellOfLine(line) : cell;
      }
      return cell;
    });
    const part: RawAction = {
      ...action,
      cells,
      overrides: {},
      refSuffix: LETTERS[i] ?? String(i + 1),
      warnings:
        i === 0
          ? [
              ...action.warnings,
              {
                code: 'bullets-split',
                message: `${describeAt(action.at)} listed ${count} actions as bullets in one cell, so they became ${count} separate actions. Check each has the right timescale and owner.`,
                at: action.at,
              },
            ]
          : [],
    };
    return part;
  });
}
