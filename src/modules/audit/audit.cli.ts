import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { verifyAllChains, verifyChain, type ChainReport } from '../../kernel/audit/audit.js';
import type { DB } from '../../kernel/db/schema.js';
import { withDatabase } from '../../cli/database.js';
import { findOrganisation } from '../organisations/index.js';

export class UnknownOrganisationError extends Error {}

export interface VerifyResult {
  /** One line per chain: "OK <name>: N events" or "BROKEN <name>: event #seq (id) — reason". */
  lines: string[];
  broken: number;
}

function events(n: number) {
  return `${String(n)} ${n === 1 ? 'event' : 'events'}`;
}

/**
 * Recomputes the audit chains (every one, or one organisation's) as the database owner, and
 * describes each. The system chain (events outside any organisation) is called "system".
 */
export async function verifyChains(db: Kysely<DB>, organisation?: string): Promise<VerifyResult> {
  let reports: ChainReport[];
  if (organisation) {
    const org = await findOrganisation(db, organisation);
    if (!org) {
      throw new UnknownOrganisationError(
        `There is no organisation with the id or short name "${organisation}".`,
      );
    }
    reports = [await verifyChain(db, org.id)];
  } else {
    reports = await verifyAllChains(db);
  }
  const orgs = await db.selectFrom('organisations').select(['id', 'slug']).execute();
  const slugs = new Map(orgs.map((o) => [o.id, o.slug]));
  const lines = reports.map((r) => {
    const name = r.tenantId === null ? 'system' : (slugs.get(r.tenantId) ?? r.tenantId);
    if (!r.broken) return `OK ${name}: ${events(r.checked)}`;
    const { seq, id, reason } = r.broken;
    return `BROKEN ${name}: event #${String(seq)} (${id}) — ${reason}`;
  });
  return { lines, broken: reports.filter((r) => r.broken).length };
}

/** `waymark audit verify`: for the command line, wired in by src/cli.ts. */
export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('Check the audit trail').helpCommand(false);

  audit
    .command('verify')
    .description(
      'Recompute the hash chain of the audit trail and name the first event that was changed, ' +
        'removed or put out of order',
    )
    .option(
      '--organisation <id-or-slug>',
      'check only this organisation’s trail (by its id or short name); without it, every ' +
        'organisation’s trail and the system trail are checked',
    )
    .addHelpText(
      'after',
      '\nPrints one line per trail: "OK <name>: N events", or "BROKEN <name>: event #N (id) — reason".\n' +
        'Exit status: 0 when every trail checked holds, 1 when any is broken, 2 for an unknown organisation.',
    )
    .action(async (options: { organisation?: string }, command: Command) => {
      const result = await withDatabase(async (database) => {
        try {
          return await verifyChains(database.db, options.organisation);
        } catch (error) {
          if (error instanceof UnknownOrganisationError) return error;
          throw error;
        }
      });
      if (result instanceof UnknownOrganisationError) {
        command.error(result.message, { exitCode: 2, code: 'waymark.unknownOrganisation' });
      }
      for (const line of result.lines) console.log(line);
      if (result.broken > 0) {
        console.log(
          `\n${String(result.broken)} of ${String(result.lines.length)} audit trail(s) have been altered. ` +
            'Find out what happened before trusting any event from the one named onwards.',
        );
        process.exitCode = 1;
      }
    });
}
