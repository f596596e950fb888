import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { engine, openTestDatabase } from '../../../test/helpers/db.js';
import { makeOrganisation, makeUser } from '../../../test/helpers/fixtures.js';
import { openPglite } from '../../kernel/db/connect.js';
import type { DB } from '../../kernel/db/schema.js';
import { registerAuditCommands, verifyChains } from './index.js';
import { UnknownOrganisationError } from './audit.cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** Changes one event's `after` as the database owner, with the append-only trigger switched off. */
async function tamper(db: Kysely<DB>, tenantId: string, seq: number) {
  const event = await db
    .selectFrom('audit_events')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
  await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`.execute(db);
  await sql`UPDATE audit_events SET after = '{"edited": true}'::jsonb WHERE id = ${event.id}`.execute(
    db,
  );
  await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`.execute(db);
  return event.id;
}

describe('waymark audit verify', () => {
  it('reports every chain, the system one first, and names a broken one', async () => {
    const db = t.database.db;
    const good = await makeOrganisation(db);
    await makeUser(db, good.id, 'admin');
    const bad = await makeOrganisation(db);
    await makeUser(db, bad.id, 'editor');
    const systemEvents = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant_id', 'is', null)
      .executeTakeFirstOrThrow();

    const before = await verifyChains(db);
    expect(before.broken).toBe(0);
    expect(before.lines[0]).toBe(`OK system: ${String(Number(systemEvents.n))} events`);
    expect(before.lines).toContain(`OK ${good.slug}: 2 events`);
    expect(before.lines).toContain(`OK ${bad.slug}: 2 events`);

    const id = await tamper(db, bad.id, 2);
    const after = await verifyChains(db);
    expect(after.broken).toBe(1);
    expect(after.lines).toContain(
      `BROKEN ${bad.slug}: event #2 (${id}) — its contents were changed after it was written`,
    );
    expect(after.lines).toContain(`OK ${good.slug}: 2 events`);

    // One organisation, by short name or by id.
    expect(await verifyChains(db, good.slug)).toEqual({
      lines: [`OK ${good.slug}: 2 events`],
      broken: 0,
    });
    expect((await verifyChains(db, bad.id)).broken).toBe(1);
    await expect(verifyChains(db, 'no-such-council')).rejects.toThrow(UnknownOrganisationError);
  });

  it('explains itself in --help', () => {
    const program = new Command().name('waymark');
    registerAuditCommands(program);
    const verify = program.commands
      .find((c) => c.name() === 'audit')
      ?.commands.find((c) => c.name() === 'verify');
    expect(verify).toBeDefined();
    let help = '';
    verify!.configureOutput({ writeOut: (s) => (help += s) });
    verify!.outputHelp();
    expect(help).toContain('Usage: waymark audit verify [options]');
    expect(help).toContain('--organisation <id-or-slug>');
    expect(help).toMatch(/name\s+the\s+first\s+event\s+that\s+was\s+changed/);
    expect(help).toMatch(/Exit status: 0 when every trail checked holds, 1 when any is broken/);
  });

  // One end-to-end run of the real command, as a child process on the engine under test.
  it('runs as `node bin/waymark.js audit verify` and exits 1 when a trail was altered', async () => {
    const target = await cliDatabase();
    try {
      const good = await makeOrganisation(target.db);
      const bad = await makeOrganisation(target.db);
      const id = await tamper(target.db, bad.id, 1);
      await target.release();
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...target.env };
      if (!target.env.DATABASE_URL) delete env.DATABASE_URL;
      const result = await promisify(execFile)(
        process.execPath,
        ['bin/waymark.js', 'audit', 'verify'],
        { cwd: ROOT, env, timeout: 60_000 },
      ).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: unknown) => e as { code: number; stdout: string; stderr: string },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      const lines = result.stdout.split('\n');
      expect(lines[0]).toBe('OK system: 0 events');
      expect(lines).toContain(`OK ${good.slug}: 1 event`);
      expect(lines).toContain(
        `BROKEN ${bad.slug}: event #1 (${id}) — its contents were changed after it was written`,
      );
    } finally {
      await target.finish();
    }
  });
});

/**
 * A database the command line can open by configuration: an embedded data folder (from the
 * migrated dump, so no initdb) or a PostgreSQL database of its own.
 */
async function cliDatabase(): Promise<{
  db: Kysely<DB>;
  env: { DATA_DIR?: string; DATABASE_URL?: string };
  /** Lets go of the database so the child process can open it. */
  release(): Promise<void>;
  finish(): Promise<void>;
}> {
  if (engine === 'postgres') {
    const database = await openTestDatabase();
    return {
      db: database.db,
      env: { DATABASE_URL: database.url! },
      release: async () => undefined,
      finish: () => database.close(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'waymark-audit-cli-'));
  const dataDir = join(dir, 'data');
  const database = await openPglite({
    dataDir,
    loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]),
    lock: false,
  });
  let open = true;
  const release = async () => {
    if (open) await database.close();
    open = false;
  };
  return {
    db: database.db,
    env: { DATA_DIR: dataDir },
    release,
    async finish() {
      await release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
