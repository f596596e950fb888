/** `waymark import FILE …`: preview a plan (--dry-run) or import it, from the command line. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { withDatabase } from '../../cli/database.js';
import { UsageError } from '../../cli/errors.js';
import { cliActor } from '../../cli/input.js';
import { loadConfig } from '../../config.js';
import { isUuid } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { findOrganisation } from '../organisations/index.js';
import { existingActionWords, knownOwnerNames } from './import.queries.js';
import { commitPreviewInTx, describeBytes, type CommitResult } from './import.service.js';
import { checkActions, diffActions, incomingWords, type ImportDiff } from './import.diff.js';
import { ImportRefusedError, type ImportPreview } from './import.types.js';
import { readSource } from './readers/index.js';
import { understandDocument } from './understand/index.js';

export interface ImportCommandOptions {
  organisation?: string;
  strategy?: string;
  newStrategy?: string;
  sheet?: string;
  dryRun?: boolean;
  json?: boolean;
}

export interface ImportIo {
  out(text: string): void;
  err(text: string): void;
  /** Where the progress bar draws; only when it is a terminal. */
  progressStream?: NodeJS.WriteStream | undefined;
}

export interface ImportEnv {
  maxBytes: number;
  publicUrl?: string | undefined;
  /** Opens the database for fn (the command opens the configured one; tests pass their own). */
  withDb<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
}

/** Files above this size show a progress bar (in a terminal). */
const LARGE_BYTES = 512 * 1024;

function progressBar(io: ImportIo, bytes: number) {
  const stream = io.progressStream;
  if (!stream?.isTTY || bytes < LARGE_BYTES) return null;
  const bar = new cliProgress.SingleBar(
    { stream, format: '{stage} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  return bar;
}

async function readFileOrStop(file: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`There is no file ${file} (or it cannot be read). Check the path.`);
  }
  if (size > maxBytes) {
    throw new ImportRefusedError(
      `${basename(file)} is larger than the limit of ${describeBytes(maxBytes)} (UPLOAD_LIMIT_MB). Import a smaller file, or raise the limit.`,
      'too-large',
    );
  }
  return readFile(file);
}

/** The preview in a few lines a person reads in a terminal. */
export function describePreview(preview: ImportPreview, diff: ImportDiff | null): string[] {
  const lines = [
    `${preview.source.name} (${preview.source.format}${preview.source.sheet ? `, sheet ${preview.source.sheet}` : ''}): ${preview.summary.sentence}`,
  ];
  if (preview.sections.length) {
    lines.push('Areas:');
    for (const s of preview.sections) lines.push(`  ${s.number ? `${s.number}. ` : ''}${s.title}`);
  }
  if (preview.themes.length) {
    lines.push('Themes:');
    for (const theme of preview.themes) {
      const n = preview.actions.filter((a) => a.theme === theme).length;
      lines.push(`  ${theme} (${String(n)} ${n === 1 ? 'action' : 'actions'})`);
    }
  }
  if (preview.glossary.length) {
    lines.push(`Glossary: ${preview.glossary.map((g) => `${g.code} = ${g.meaning}`).join('; ')}`);
  }
  if (preview.warnings.length) {
    lines.push(`Things to check (${String(preview.warnings.length)}):`);
    for (const w of preview.warnings) lines.push(`  - ${w.message}`);
  }
  const problems = checkActions(preview);
  if (problems.length) {
    lines.push(`Fix these before importing (${String(problems.length)}):`);
    for (const p of problems) lines.push(`  - ${p.message}`);
  }
  if (diff) {
    lines.push(`Compared with the strategy: ${diff.sentence}.`);
    for (const c of diff.changed) {
      lines.push(`  ${c.ref} changed: ${c.changes.map((ch) => ch.label.toLowerCase()).join(', ')}`);
    }
    for (const m of diff.missing) lines.push(`  ${m.ref} is not in this plan (kept): ${m.title}`);
  }
  return lines;
}

function describeResult(result: CommitResult, publicUrl?: string): string[] {
  const a = result.actions;
  const base = publicUrl?.replace(/\/$/, '') ?? '';
  return [
    `Imported into “${result.strategyTitle}”${result.newStrategy ? ' (a new strategy)' : ''}: ` +
      `${String(a.created.length)} added, ${String(a.updated.length)} changed, ` +
      `${String(a.unchanged.length)} unchanged` +
      (a.missing.length ? `; not in the plan and kept: ${a.missing.join(', ')}` : '') +
      '.',
    `Strategy: ${base}${result.links.strategy}`,
    `Action plan: ${base}${result.links.actionPlan}`,
  ];
}

/**
 * The command itself, apart from commander so that tests call it in-process. Throws UsageError
 * (exit 2) for bad options, ImportRefusedError (exit 1) for a document that cannot be imported.
 */
export async function runImport(
  file: string,
  options: ImportCommandOptions,
  io: ImportIo,
  env: ImportEnv,
): Promise<void> {
  if (options.strategy && options.newStrategy) {
    throw new UsageError('Give either --strategy or --new-strategy, not both.');
  }
  if (!options.dryRun && !options.organisation) {
    throw new UsageError(
      'Name the organisation to import into with --organisation (its id or short name), or add --dry-run to preview only.',
    );
  }
  if (!options.dryRun && !options.strategy && !options.newStrategy) {
    throw new UsageError(
      'Say where the plan goes: --new-strategy "Title" for a new strategy, or --strategy ID to update an existing one.',
    );
  }
  if ((options.strategy || options.newStrategy) && !options.organisation) {
    throw new UsageError('--strategy and --new-strategy need --organisation.');
  }
  if (options.strategy && !isUuid(options.strategy)) {
    throw new UsageError(`--strategy takes a strategy’s id (not “${options.strategy}”).`);
  }

  const bytes = await readFileOrStop(file, env.maxBytes);
  const bar = progressBar(io, bytes.byteLength);
  bar?.start(2, 0, { stage: 'Reading' });
  try {
    const document = await readSource({ bytes, name: basename(file) }, { maxBytes: env.maxBytes });
    bar?.update(1, { stage: 'Understanding' });

    if (!options.organisation) {
      const preview = understandDocument(document, options.sheet ? { sheet: options.sheet } : {});
      bar?.update(2);
      bar?.stop();
      print(io, options, preview, null);
      return;
    }

    await env.withDb(async (db) => {
      const wanted = options.organisation ?? '';
      const org = await findOrganisation(db, wanted);
      if (!org) {
        throw new UsageError(`There is no organisation with the id or short name "${wanted}".`);
      }
      const ctx = { tenantId: org.id, actor: cliActor(), role: 'admin' as const };
      const knownOwners = await withTenant(db, org.id, null, (trx) => knownOwnerNames(trx, org.id));
      const preview = understandDocument(document, {
        ...(options.sheet ? { sheet: options.sheet } : {}),
        knownOwners,
      });
      bar?.update(2);
      const strategyId = options.strategy;
      if (strategyId) {
        const found = await withTenant(db, org.id, null, (trx) =>
          trx
            .selectFrom('strategies')
            .select('id')
            .where('tenant_id', '=', org.id)
            .where('id', '=', strategyId)
            .executeTakeFirst(),
        );
        if (!found) {
          throw new UsageError(`There is no strategy ${strategyId} in ${org.name}.`);
        }
      }
      if (options.dryRun) {
        const diff = strategyId
          ? await withTenant(db, org.id, null, async (trx) => {
              return diffActions(
                incomingWords(preview.actions),
                await existingActionWords(trx, org.id, strategyId),
              );
            })
          : null;
        bar?.stop();
        print(io, options, preview, diff);
        return;
      }
      bar?.setTotal(2 + preview.actions.length);
      bar?.update(2, { stage: 'Importing' });
      const target = strategyId ? { strategyId } : { newStrategyTitle: options.newStrategy ?? '' };
      const result = await withTenant(db, org.id, null, (trx) =>
        commitPreviewInTx(trx, ctx, preview, target, {
          draftId: null,
          onProgress: (done) => bar?.update(2 + done),
        }),
      );
      bar?.stop();
      if (options.json) io.out(JSON.stringify(result, null, 2));
      else for (const line of describeResult(result, env.publicUrl)) io.out(line);
    });
  } finally {
    bar?.stop();
  }
}

function print(
  io: ImportIo,
  options: ImportCommandOptions,
  preview: ImportPreview,
  diff: ImportDiff | null,
) {
  if (options.json) {
    io.out(JSON.stringify(preview, null, 2));
    return;
  }
  for (const line of describePreview(preview, diff)) io.out(line);
  io.out('Dry run: nothing was written.');
}

/** `waymark import FILE …` */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import an action plan (Word .docx, Excel .xlsx, CSV or text) into a strategy, or preview it with --dry-run',
    )
    .argument('<file>', 'the plan to import')
    .option('--organisation <id-or-slug>', 'the organisation it belongs to (its id or short name)')
    .option(
      '--strategy <id>',
      'update this existing strategy’s plan (actions matched by reference)',
    )
    .option('--new-strategy <title>', 'create a new strategy with this title')
    .option('--sheet <name>', 'for a workbook: the sheet holding the plan')
    .option('--dry-run', 'show what would be imported and write nothing')
    .option('--json', 'print JSON: the preview (with --dry-run) or the result')
    .addHelpText(
      'after',
      '\nWith --dry-run --json it prints the preview as JSON (documented in the README) and writes nothing.\n' +
        'Actions missing from a re-imported plan are listed, never deleted.\n' +
        'Exit status: 0 done, 1 the file cannot be imported or the import failed, 2 bad usage.',
    )
    .action(async (file: string, options: ImportCommandOptions) => {
      const config = loadConfig();
      await runImport(
        file,
        options,
        {
          out: (text) => console.log(text),
          err: (text) => console.error(text),
          progressStream: process.stderr,
        },
        {
          maxBytes: config.UPLOAD_LIMIT_MB * 1024 * 1024,
          publicUrl: config.PUBLIC_URL,
          withDb: (fn) => withDatabase((database) => fn(database.db)),
        },
      );
    });
}
