import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { verifyAllChains } from '../../src/kernel/audit/audit.js';
import { hashToken } from '../../src/kernel/auth/tokens.js';
import { openPglite } from '../../src/kernel/db/connect.js';
import { createDeps } from '../../src/server.js';
import { Agent } from '../helpers/agent.js';
import { TEST_ENV } from '../helpers/app.js';
import { seedDataDir, seededDataFolder, waymark } from './processes.js';
import { SMALL_PLAN } from '../../src/modules/imports/import.test-support.js';
import type { ImportPreview } from '../../src/modules/imports/index.js';

/**
 * The `waymark` command as an operator runs it: spawned processes on a real data folder. They
 * use the embedded database whichever engine the suite runs on, so they run once, on PGlite.
 */
describe('the waymark command line', () => {
  let root: string;
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir });

  beforeAll(async () => {
    ({ root, dataDir } = await seededDataFolder());
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('describes every subcommand with --help and exits 0', async () => {
    const commands: [string[], RegExp][] = [
      [[], /Commands:[\s\S]*create-organisation[\s\S]*backup[\s\S]*restore[\s\S]*audit/],
      [['serve'], /Start the Waymark web server/],
      [['migrate'], /Apply every pending database migration/],
      [['demo'], /Load the demo council/],
      [['create-organisation'], /Create an organisation[\s\S]*--name <name>[\s\S]*--slug/],
      [['create-user'], /Create a person’s account[\s\S]*--role <role>[\s\S]*standard input/],
      [['create-token'], /Create an API token[\s\S]*--scopes[\s\S]*--expires-days/],
      [['backup'], /Write every organisation’s data to one portable backup file/],
      [['restore'], /Load a backup file into an empty database/],
      [['audit', 'verify'], /Recompute the hash chain of the audit trail/],
    ];
    // A few at a time: each is a Node process of its own.
    const results: { args: string[]; code: number | null; stdout: string }[] = [];
    for (let i = 0; i < commands.length; i += 4) {
      results.push(
        ...(await Promise.all(
          commands.slice(i, i + 4).map(async ([args]) => {
            const run = await waymark([...args, '--help'], { env: env() });
            return { args, code: run.code, stdout: run.stdout };
          }),
        )),
      );
    }
    results.forEach((r, i) => {
      expect(r.code, `waymark ${r.args.join(' ')} --help`).toBe(0);
      expect(r.stdout).toContain(`Usage: waymark ${r.args.join(' ')}`.trim());
      expect(r.stdout).toMatch(commands[i]![1]);
    });
  }, 120_000);

  it('creates an organisation, a member with a password from standard input and a working API token', async () => {
    const password = 'a long and unusual passphrase 42';
    const org = await waymark(['create-organisation', '--name', 'Testshire County Council'], {
      env: env(),
    });
    expect(org.stderr).toBe('');
    expect(org.code).toBe(0);
    const id = /id:\s+(\S+)/.exec(org.stdout)?.[1];
    expect(org.stdout).toMatch(/slug:\s+testshire-county-council/);

    const user = await waymark(
      [
        'create-user',
        '--email',
        'Jane.Smith@Testshire.gov.uk',
        '--name',
        'Jane Smith',
        '--organisation',
        'testshire-county-council',
        '--role',
        'editor',
      ],
      { env: env(), input: `${password}\nignored second line\n` },
    );
    expect(user.stderr).toBe('');
    expect(user.code).toBe(0);
    expect(user.stdout).toContain(
      'Created the account for Jane Smith <jane.smith@testshire.gov.uk>',
    );
    expect(user.stdout).toContain('as editor');
    expect(user.stdout).not.toContain(password);

    const token = await waymark(
      [
        'create-token',
        '--organisation',
        id!,
        '--email',
        'jane.smith@testshire.gov.uk',
        '--name',
        'Power BI dashboard',
        '--scopes',
        'read,write',
        '--expires-days',
        '30',
      ],
      { env: env() },
    );
    expect(token.stderr).toBe('');
    expect(token.code).toBe(0);
    const secret = /^(wmk_[A-Za-z0-9_-]{43})$/m.exec(token.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(token.stdout).toContain('scopes: read, write');

    // The commands have ended, so the folder is free: open it as the server would.
    const database = await openPglite({ dataDir });
    const config = loadConfig({ ...TEST_ENV, DATA_DIR: dataDir });
    const deps = await createDeps(config, database);
    const app = await buildApp(deps, { logger: false });
    try {
      const { db } = database;
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(secret!))
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        tenant_id: id,
        name: 'Power BI dashboard',
        token_prefix: secret!.slice(0, 8),
        scopes: ['read', 'write'],
      });
      const days = (row.expires_at!.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThan(30.1);

      const events = await db
        .selectFrom('audit_events')
        .select(['action', 'actor_label', 'tenant_id'])
        .orderBy('occurred_at')
        .execute();
      expect(events.map((e) => e.action)).toEqual([
        'organisation.created',
        'user.created',
        'membership.created',
        'token.created',
      ]);
      expect(events.every((e) => e.actor_label.startsWith('Waymark command line'))).toBe(true);
      expect((await verifyAllChains(db)).every((c) => c.broken === null)).toBe(true);

      // The token works against the API, and the password signs in.
      if (app.hasRoute({ method: 'GET', url: '/api/v1/me' })) {
        const me = await app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${secret!}` },
        });
        expect(me.statusCode).toBe(200);
        expect(me.json()).toMatchObject({
          email: 'jane.smith@testshire.gov.uk',
          role: 'editor',
          organisation: { slug: 'testshire-county-council' },
        });
      }
      const refused = await app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${secret!}x` },
      });
      expect(refused.statusCode).toBe(401);
      await new Agent(app).signIn('jane.smith@testshire.gov.uk', password);
    } finally {
      await app.close();
      deps.mailer.close();
      await database.close();
    }
  }, 120_000);

  it('refuses a bad role, a weak password and a token for someone who is not a member, saying why', async () => {
    const [role, weak, stranger] = await Promise.all([
      waymark(
        [
          'create-user',
          '--email',
          'x@example.org',
          '--name',
          'X',
          '--organisation',
          'testshire-county-council',
          '--role',
          'boss',
        ],
        { env: env(), input: 'a long and unusual passphrase 42\n' },
      ),
      waymark(['create-user', '--email', 'y@example.org', '--name', 'Y'], {
        env: env(),
        input: 'password\n',
      }),
      waymark(
        [
          'create-token',
          '--organisation',
          'testshire-county-council',
          '--email',
          'nobody@example.org',
          '--name',
          'T',
        ],
        { env: env() },
      ),
    ]);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("'--role <role>' argument 'boss' is invalid");
    expect(role.stderr).toContain('admin, editor, contributor, board, viewer');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain(
      'The password cannot be used: Password must be 12 characters or more',
    );
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain(
      'nobody@example.org is not a member of Testshire County Council',
    );
  }, 120_000);

  it('stops on bad configuration with a message naming the variable and exit status 2', async () => {
    const run = await waymark(['serve'], { env: { ...env(), PORT: 'abc' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('configuration is not valid');
    expect(run.stderr).toMatch(/^\s+PORT: /m);
  }, 60_000);

  it('backs up to one file and restores it into an empty folder, refusing a second time', async () => {
    const file = join(root, 'council.backup.gz');
    const backup = await waymark(['backup', file], { env: env() });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/Backed up \d+ row\(s\) from \d+ tables/);
    expect(existsSync(file)).toBe(true);
    const again = await waymark(['backup', file], { env: env() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');

    const target = { DATA_DIR: join(root, 'restored') };
    await seedDataDir(target.DATA_DIR);
    const restore = await waymark(['restore', file], { env: target, timeoutMs: 90_000 });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('The audit trail checks out');
    const [verify, twice] = await Promise.all([
      waymark(['audit', 'verify'], { env: target }),
      waymark(['restore', file], { env: { DATA_DIR: dataDir } }),
    ]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('OK testshire-county-council: 3 events');
    expect(verify.stdout).toMatch(/OK system: 2 events/);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('This database is not empty');
  }, 180_000);

  it('previews an import as JSON without writing, and refuses contradictory options', async () => {
    const planFile = join(root, 'digital-plan.txt');
    writeFileSync(planFile, SMALL_PLAN);
    const run = await waymark(['import', planFile, '--dry-run', '--json'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as ImportPreview).summary.actions).toBe(3);
    const refused = await waymark(['import', planFile, '--strategy', 'x', '--new-strategy', 'y'], {
      env: env(),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Give either --strategy or --new-strategy, not both.');
  }, 90_000);
});
