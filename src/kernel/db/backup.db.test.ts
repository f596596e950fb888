import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { Agent } from '../../../test/helpers/agent.js';
import { makeOrganisation, makeUser, PASSWORD } from '../../../test/helpers/fixtures.js';
import { engine } from '../../../test/helpers/db.js';
import {
  everyRow,
  freshPglite,
  freshPostgres,
  rowCount,
  tableNames,
} from '../../../test/ops/databases.js';
import { SYSTEM_ACTOR, recordAudit, verifyAllChains } from '../audit/audit.js';
import { hashToken, newSecretToken } from '../auth/tokens.js';
import { addMember } from '../../modules/organisations/organisation.service.js';
import {
  BACKUP_FORMAT,
  BackupFileError,
  RestoreRefusedError,
  type BackupHeader,
  restoreBackup,
  waymarkVersion,
  writeBackup,
} from './backup.js';
import type { Database } from './connect.js';
import { newId } from './ids.js';
import { listMigrations } from './migrate.js';
import type { DB } from './schema.js';
import { withSystem } from './tenancy.js';

/**
 * A table of awkward types that Waymark's own tables do not all have yet (identity column,
 * self-reference, arrays of several kinds, bytea, NaN, big integers, microseconds, JSON null),
 * created in the source and in each target, so the round trip is proved for them too.
 */
const PROBE_TABLE = `
  create table backup_probe (
    id integer generated always as identity primary key,
    parent_id integer references backup_probe (id),
    label text,
    at timestamptz,
    local_at timestamp,
    on_day date,
    doc jsonb,
    plain json,
    tags text[],
    grid integer[][],
    docs jsonb[],
    flag boolean,
    big bigint,
    amount numeric(14, 4),
    amounts numeric[],
    bigs bigint[],
    days date[],
    ratio double precision,
    blob bytea,
    span interval,
    address inet,
    ids uuid[],
    words tsvector generated always as (to_tsvector('english', coalesce(label, ''))) stored
  )`;

const PROBE_ROWS = `
  insert into backup_probe
    (id, parent_id, label, at, local_at, on_day, doc, plain, tags, grid, docs, flag, big, amount,
     ratio, blob, span, address, ids, amounts, bigs, days)
  overriding system value values
    (1, 2, 'child written before its parent, with "quotes", \\backslash and émoji 🙂',
     '2026-03-04T05:06:07.123456Z', '2026-03-04 05:06:07.654321', '2026-02-28',
     'null'::jsonb, '{"a":[1,2,{"b":null}]}', array['a,b', 'c"d', 'e\\f', null, ''],
     '{{1,2},{3,null}}', array['null'::jsonb, '[1,2]'::jsonb, '{"$json":1}'::jsonb],
     true, 9007199254740993, 12345678.9012, 'NaN', '\\x00ff10'::bytea, '1 year 2 mons 3 days 04:05:06.789',
     '192.168.0.1/24', array['0192a0a0-0000-7000-8000-000000000001'::uuid],
     '{1.50,NaN,null}', '{9007199254740993}', '{2026-01-31,null}'),
    (2, null, 'parent', '1999-12-31T23:59:59.999999Z', 'infinity', '0044-03-15',
     '{"$json":{"nested":true},"n":1.5}', null, '{}', null, null,
     false, -42, -0.0001, 0.1, '', '-1 days', '::1', '{}', '{}', '{}', '{}'),
    (3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
     null, null, null, null, null, null)`;

let source: TestApp;
let dir: string;
let file: string;
let before: Record<string, string[]>;

async function addProbe(db: Kysely<DB>) {
  await db.executeQuery(CompiledQuery.raw(PROBE_TABLE));
}

/** People, memberships, sessions, tokens, invitations and the audit trail, made the usual ways. */
async function buildData(t: TestApp) {
  const { db } = t.database;
  const a = await makeOrganisation(db);
  const b = await makeOrganisation(db);
  const admin = await makeUser(db, a.id, 'admin');
  const editor = await makeUser(db, a.id, 'editor');
  await addMember(db, SYSTEM_ACTOR, b.id, editor.id, 'viewer');
  await makeUser(db, b.id, 'board');
  await makeUser(db, null);
  const agent = new Agent(t.app);
  await agent.signIn(admin.email, PASSWORD);
  await agent.signIn(editor.email, PASSWORD);
  await withSystem(db, async (trx) => {
    const tokenId = newId();
    await trx
      .insertInto('api_tokens')
      .values({
        tenant_id: a.id,
        id: tokenId,
        user_id: admin.id,
        name: 'Power BI',
        token_hash: hashToken(`wmk_${newSecretToken()}`),
        token_prefix: 'wmk_abcd',
        scopes: ['read', 'write'],
        expires_at: '2027-01-01T00:00:00.000001Z',
      })
      .execute();
    await recordAudit(trx, SYSTEM_ACTOR, {
      tenantId: a.id,
      action: 'token.created',
      entityType: 'api_token',
      entityId: tokenId,
      after: { name: 'Power BI', scopes: ['read', 'write'] },
    });
    await trx
      .insertInto('invitations')
      .values({
        tenant_id: b.id,
        id: newId(),
        email: 'new.person@example.org',
        role: 'contributor',
        token_hash: hashToken(newSecretToken()),
        invited_by: editor.id,
        expires_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    await trx
      .insertInto('password_resets')
      .values({
        token_hash: hashToken(newSecretToken()),
        user_id: editor.id,
        expires_at: new Date(),
      })
      .execute();
    await trx
      .insertInto('recovery_codes')
      .values({ user_id: admin.id, code_hash: hashToken('code-1') })
      .execute();
    await trx
      .insertInto('sso_configs')
      .values({
        tenant_id: a.id,
        issuer: 'https://login.example.org/tenant/v2.0',
        client_id: 'client-1',
        client_secret_enc: 'v1.sealed',
        allowed_domains: ['testshire.gov.uk', 'example.org'],
        default_role: 'viewer',
      })
      .execute();
    await trx
      .insertInto('sso_identities')
      .values({
        issuer: 'https://login.example.org/tenant/v2.0',
        subject: 'abc',
        user_id: editor.id,
      })
      .execute();
    await sql`update users set locked_until = '2030-01-02T03:04:05.123456Z', failed_sign_ins = 3 where id = ${editor.id}`.execute(
      trx,
    );
  });
  await addProbe(db);
  await db.executeQuery(CompiledQuery.raw(PROBE_ROWS));
}

async function restoreAndCompare(target: Database) {
  await addProbe(target.db);
  const summary = await restoreBackup(target.db, file);
  expect(summary.rows).toBeGreaterThan(20);
  expect(await everyRow(target.db)).toEqual(before);
  const chains = await verifyAllChains(target.db);
  expect(chains.length).toBeGreaterThanOrEqual(3);
  expect(chains.every((c) => c.broken === null)).toBe(true);
  expect(chains.reduce((n, c) => n + c.checked, 0)).toBe(before.audit_events!.length);
  // The identity column carries on after the restored rows rather than clashing with them.
  const next = await target.db.executeQuery<{ id: number }>(
    CompiledQuery.raw(`insert into backup_probe (label) values ('after restore') returning id`),
  );
  expect(next.rows[0]!.id).toBe(4);
}

beforeAll(async () => {
  source = await createTestApp();
  await buildData(source);
  before = await everyRow(source.database.db);
  dir = mkdtempSync(join(tmpdir(), 'waymark-backup-'));
  file = join(dir, 'waymark.backup.gz');
}, 60_000);

afterAll(async () => {
  await source.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`backup on ${engine}`, () => {
  it('writes one gzip file of JSON lines holding every table but the migrations list', async () => {
    const summary = await writeBackup(source.database, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as BackupHeader;
    expect(header).toMatchObject({
      format: BACKUP_FORMAT,
      formatVersion: 1,
      waymarkVersion: waymarkVersion(),
      engine,
      migrations: listMigrations().map((m) => m.name),
    });
    expect(new Date(header.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const tables = await tableNames(source.database.db);
    expect([...header.tables].sort()).toEqual(tables);
    expect(header.tables).not.toContain('waymark_migrations');
    // Foreign-key order: organisations and users before what refers to them.
    const position = (t: string) => header.tables.indexOf(t);
    expect(position('organisations')).toBeLessThan(position('memberships'));
    expect(position('users')).toBeLessThan(position('memberships'));
    expect(position('organisations')).toBeLessThan(position('audit_events'));
    expect(summary.rows).toBe(Object.values(before).reduce((n, r) => n + r.length, 0));
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({
      end: true,
      tables: tables.length,
      rows: summary.rows,
    });
    // Values in their portable forms.
    const probeAt = lines.findIndex((l) => l.startsWith('{"table":"backup_probe"'));
    const probe = JSON.parse(lines[probeAt]!) as { columns: string[] };
    expect(probe.columns).not.toContain('words');
    const row = JSON.parse(lines[probeAt + 1]!) as unknown[];
    const value = (column: string) => row[probe.columns.indexOf(column)];
    expect(value('at')).toBe('2026-03-04T05:06:07.123456Z');
    expect(value('local_at')).toBe('2026-03-04T05:06:07.654321');
    expect(value('on_day')).toBe('2026-02-28');
    expect(value('plain')).toEqual({ a: [1, 2, { b: null }] });
    expect(value('tags')).toEqual(['a,b', 'c"d', 'e\\f', null, '']);
    expect(value('flag')).toBe(true);
    expect(value('big')).toBe('9007199254740993');
    expect(value('blob')).toBe(Buffer.from([0, 255, 16]).toString('base64'));
    expect(value('ratio')).toBe('NaN');
    expect(value('days')).toEqual(['2026-01-31', null]);
    expect(value('amounts')).toBe('{1.50,NaN,NULL}');
  });

  it('restores into a fresh embedded database with every row equal and the audit chains intact', async () => {
    const target = await freshPglite();
    try {
      await restoreAndCompare(target);
    } finally {
      await target.close();
    }
  });

  it.runIf(process.env.DATABASE_URL)(
    'restores into a fresh PostgreSQL database with every row equal and the audit chains intact',
    async () => {
      const target = await freshPostgres();
      try {
        await restoreAndCompare(target);
      } finally {
        await target.close();
      }
    },
  );

  it('refuses to restore into a database that already holds organisations or users', async () => {
    const rowsBefore = await rowCount(source.database.db);
    await expect(restoreBackup(source.database.db, file)).rejects.toThrow(RestoreRefusedError);
    await expect(restoreBackup(source.database.db, file)).rejects.toThrow(
      /not empty: it already holds 2 organisation\(s\) and 4 user\(s\)/,
    );
    expect(await rowCount(source.database.db)).toBe(rowsBefore);
  });

  describe('a damaged or unsuitable file', () => {
    let target: Database;
    beforeAll(async () => {
      target = await freshPglite();
      await addProbe(target.db);
    }, 60_000);
    afterAll(async () => target.close());

    const lines = () => gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const write = (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? gzipSync(content) : content);
      return path;
    };

    it('stops at a damaged row near the end and leaves nothing behind', async () => {
      const all = lines();
      // Damage the last row, so every table before it has already been inserted and rolled back.
      all[all.length - 2] = '["half a row';
      const damaged = write('damaged-row.gz', `${all.join('\n')}\n`);
      await expect(restoreBackup(target.db, damaged)).rejects.toThrow(BackupFileError);
      await expect(restoreBackup(target.db, damaged)).rejects.toThrow(
        `is damaged: line ${all.length - 1} is not valid`,
      );
      expect(await rowCount(target.db)).toBe(0);
    });

    it('stops at a row the database refuses (a broken reference) and leaves nothing behind', async () => {
      const all = lines();
      const at = all.findIndex((l) => l.startsWith('{"table":"memberships"'));
      const columns = JSON.parse(all[at]!).columns as string[];
      const row = JSON.parse(all[at + 1]!) as unknown[];
      row[columns.indexOf('user_id')] = newId();
      all[at + 1] = JSON.stringify(row);
      const broken = write('broken-reference.gz', `${all.join('\n')}\n`);
      await expect(restoreBackup(target.db, broken)).rejects.toThrow(
        /restore failed.*nothing was restored: .*foreign key/,
      );
      expect(await rowCount(target.db)).toBe(0);
    });

    it('notices a file cut short, a file that is not gzip, and one that is not a backup', async () => {
      const whole = readFileSync(file);
      const cut = write('cut.gz', whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(restoreBackup(target.db, cut)).rejects.toThrow(
        /damaged: it could not be unpacked/,
      );
      const withoutEnd = write('no-end.gz', `${lines().slice(0, -1).join('\n')}\n`);
      await expect(restoreBackup(target.db, withoutEnd)).rejects.toThrow(
        'ends before its last line',
      );
      const all = lines();
      const at = all.findIndex((l) => l.startsWith('{"table":"users"'));
      const next = all.findIndex((l, i) => i > at && l.startsWith('{"table":'));
      const withoutUsers = write(
        'no-users.gz',
        `${[...all.slice(0, at), ...all.slice(next)].join('\n')}\n`,
      );
      await expect(restoreBackup(target.db, withoutUsers)).rejects.toThrow(
        /damaged: it should hold \d+ tables and \d+ rows/,
      );
      const plain = write('plain.txt', Buffer.from('id,name\n1,Testshire\n'));
      await expect(restoreBackup(target.db, plain)).rejects.toThrow(
        /is not a Waymark backup, or it is damaged/,
      );
      const other = write('other.gz', '{"hello":"world"}\n');
      await expect(restoreBackup(target.db, other)).rejects.toThrow(
        'is not a Waymark backup (its first line does not say so)',
      );
      await expect(restoreBackup(target.db, join(dir, 'missing.gz'))).rejects.toThrow(
        'Cannot read the backup file',
      );
      expect(await rowCount(target.db)).toBe(0);
    });

    it('refuses a backup made with migrations this database does not have', async () => {
      const all = lines();
      const header = JSON.parse(all[0]!) as BackupHeader;
      header.migrations.push('20991231T2359_future_module');
      all[0] = JSON.stringify(header);
      const future = write('future.gz', `${all.join('\n')}\n`);
      await expect(restoreBackup(target.db, future)).rejects.toThrow(RestoreRefusedError);
      await expect(restoreBackup(target.db, future)).rejects.toThrow(
        /lacks 1 migration\(s\).*20991231T2359_future_module/,
      );
      expect(await rowCount(target.db)).toBe(0);
    });
  });
});
