import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Kysely } from 'kysely';
import { UsageError } from '../../cli/errors.js';
import { withDatabase } from '../../cli/database.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { isUuid } from '../../kernel/db/ids.js';
import { findOrganisation } from '../organisations/index.js';
import { draftSnapshot } from './report.draft.js';
import { boardById, strategyForReport } from './report.queries.js';
import { FORMATS, renderReport, type ReportFormat } from './report.service.js';
import { loadTemplate, longDate, standardNarrative } from './template.service.js';

export interface ReportFileOptions {
  organisation: string;
  strategy: string;
  asAt: string;
  format: ReportFormat;
  board?: string;
  title?: string;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

/**
 * Drafts a report from the record as at a date and renders it, writing nothing to the database.
 * Problems with what was asked for (an unknown organisation, strategy or board, a date that is
 * not one) are UsageErrors.
 */
export async function draftReportFile(db: Kysely<DB>, options: ReportFileOptions) {
  if (!isRealDate(options.asAt))
    throw new UsageError(`--as-at must be a real date written YYYY-MM-DD, not "${options.asAt}".`);
  const org = await findOrganisation(db, options.organisation);
  if (!org)
    throw new UsageError(
      `There is no organisation with the id or short name "${options.organisation}".`,
    );
  return withTenant(db, org.id, null, async (trx) => {
    const strategy = isUuid(options.strategy)
      ? await strategyForReport(trx, org.id, options.strategy)
      : undefined;
    if (!strategy)
      throw new UsageError(`${org.name} has no strategy with the id "${options.strategy}".`);
    const board = options.board ? await boardById(trx, org.id, options.board) : null;
    if (options.board && !board)
      throw new UsageError(`${org.name} has no board with the id "${options.board}".`);
    const template = await loadTemplate(trx, org.id);
    const snapshot = await draftSnapshot(trx, org.id, {
      strategyId: strategy.id,
      boardId: board?.id ?? null,
      meetingId: null,
      asAt: options.asAt,
      title: options.title ?? `${strategy.title}: progress as at ${longDate(options.asAt)}`,
      narrative: standardNarrative(template, {
        board: board ?? null,
        strategyTitle: strategy.title,
        asAt: options.asAt,
      }),
    });
    const rendered = await renderReport(snapshot, options.format);
    // A file opened on its own needs a whole page around the report's body.
    if (options.format === 'html')
      rendered.body = htmlDocument(snapshot.title, String(rendered.body));
    return { snapshot, rendered };
  });
}

/** `waymark report --organisation ID --strategy ID --as-at YYYY-MM-DD --format … --out FILE` */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'Draft a progress report from the record as at a date and save it as a file, without publishing it',
    )
    .requiredOption('--organisation <id-or-slug>', 'the organisation, by its id or short name')
    .requiredOption('--strategy <id>', 'the strategy version to report on, by its id')
    .requiredOption('--as-at <date>', 'the date the record is read as at, YYYY-MM-DD')
    .addOption(
      new Option('--format <format>', 'what to write').choices([...FORMATS]).makeOptionMandatory(),
    )
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .option(
      '--board <id>',
      'the board it goes to: the period runs from the last report published to it',
    )
    .option('--title <title>', 'the report’s title (made from the strategy’s if left out)')
    .addHelpText(
      'after',
      '\nNothing is saved in Waymark: to sign a report off and publish it, use the Reports pages or the API.\n' +
        'Exit status: 0 written, 1 failed, 2 bad usage (an unknown organisation, strategy or board, or a bad date).',
    )
    .action(async (options: ReportFileOptions & { out: string }) => {
      const { snapshot, rendered } = await withDatabase(({ db }) => draftReportFile(db, options));
      await writeFile(options.out, rendered.body);
      console.log(
        `Wrote ${options.out}: "${snapshot.title}", ${String(snapshot.progressSummary.total)} actions as at ${snapshot.asAt}.`,
      );
    });
}
