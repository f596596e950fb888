import { Option, type Command } from 'commander';
import { passwordProblem } from '../kernel/auth/passwords.js';
import { ROLES, type Role } from '../kernel/db/schema.js';
import { withSystem } from '../kernel/db/tenancy.js';
import { emailField } from '../kernel/http/fields.js';
import { createApiToken } from '../modules/api/index.js';
import { createUserInTx, findUserByEmail } from '../modules/identity/index.js';
import {
  addMemberInTx,
  createOrganisation,
  findOrganisation,
} from '../modules/organisations/index.js';
import { withDatabase } from './database.js';
import { UsageError } from './errors.js';
import { cliActor, generatePassword, readFirstLine } from './input.js';

const SCOPES = ['read', 'write'] as const;
type Scope = (typeof SCOPES)[number];
const DAY_MS = 24 * 60 * 60 * 1000;

/** Stops with exit status 2 (bad usage) and a message saying what to do instead. */
function usage(message: string): never {
  throw new UsageError(message);
}

function checkEmail(email: string): string {
  const parsed = emailField('the email address').safeParse(email);
  if (!parsed.success) usage(`--email: ${parsed.error.issues[0]?.message ?? 'not valid'}`);
  return parsed.data;
}

function parseScopes(text: string): Scope[] {
  const given = text.split(',').map((s) => s.trim().toLowerCase());
  const unknown = given.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (!given.length || unknown.length) {
    usage(`--scopes must be "read", "write" or "read,write" (not "${unknown.join(',') || text}").`);
  }
  return SCOPES.filter((s) => given.includes(s));
}

function parseExpiry(text: string): number | null {
  if (text.toLowerCase() === 'never') return null;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    usage(
      `--expires-days must be a whole number of days from 1 to 366, or "never" (not "${text}").`,
    );
  }
  return days;
}

async function findOrganisationOrStop(
  db: Parameters<typeof findOrganisation>[0],
  idOrSlug: string,
) {
  const org = await findOrganisation(db, idOrSlug);
  if (!org) {
    usage(
      `There is no organisation with the id or short name "${idOrSlug}". Check it, or create it with: waymark create-organisation --name "…"`,
    );
  }
  return org;
}

/** The password from standard input (first line), or a generated one when asked or in a terminal. */
async function choosePassword(
  generate: boolean,
): Promise<{ password: string; generated: boolean }> {
  if (generate || process.stdin.isTTY) return { password: generatePassword(), generated: true };
  const line = await readFirstLine(process.stdin);
  if (!line) {
    usage(
      'No password arrived on standard input. Send it as the first line, for example\n' +
        '  printf \'%s\\n\' "$PASSWORD" | waymark create-user …\n' +
        'or add --generate-password to have Waymark make a strong one and show it once.',
    );
  }
  return { password: line, generated: false };
}

export function registerPeopleCommands(program: Command) {
  program
    .command('create-organisation')
    .description('Create an organisation (a council or other body) with its own private data')
    .requiredOption(
      '--name <name>',
      'the organisation’s full name, e.g. "Testshire County Council"',
    )
    .option(
      '--slug <slug>',
      'its short name, used in addresses: 2 to 63 lower-case letters, digits or hyphens (made from the name if left out)',
    )
    .addHelpText('after', '\nPrints the new organisation’s id and short name.')
    .action(async (options: { name: string; slug?: string }) => {
      const org = await withDatabase((database) =>
        createOrganisation(database.db, cliActor(), { name: options.name, slug: options.slug }),
      );
      console.log(`Created the organisation "${org.name}".`);
      console.log(`  id:   ${org.id}`);
      console.log(`  slug: ${org.slug}`);
    });

  program
    .command('create-user')
    .description('Create a person’s account, and optionally make them a member of an organisation')
    .requiredOption('--email <email>', 'their email address, which they sign in with')
    .requiredOption('--name <name>', 'their name as Waymark shows it, e.g. "Jane Smith"')
    .option('--organisation <id-or-slug>', 'add them to this organisation (needs --role)')
    .addOption(new Option('--role <role>', 'their role in that organisation').choices([...ROLES]))
    .option(
      '--generate-password',
      'make a strong password and show it once, instead of reading one',
    )
    .addHelpText(
      'after',
      [
        '',
        'The password is read from the first line of standard input when it is not a terminal, e.g.',
        '  printf \'%s\\n\' "$PASSWORD" | waymark create-user --email jane@example.org --name "Jane Smith"',
        'Otherwise (or with --generate-password) Waymark makes a strong one and prints it once.',
        'Passwords need 12 characters or more and must not be a common one.',
        '',
        'Roles: admin (people, settings, everything), editor (manages strategies and plans),',
        'contributor (records progress on what they own), board (reads everything), viewer (reads).',
      ].join('\n'),
    )
    .action(
      async (options: {
        email: string;
        name: string;
        organisation?: string;
        role?: Role;
        generatePassword?: boolean;
      }) => {
        const email = checkEmail(options.email);
        if (options.organisation && !options.role) {
          usage(`--role is needed with --organisation: one of ${ROLES.join(', ')}.`);
        }
        if (options.role && !options.organisation) {
          usage('--role needs --organisation: say which organisation the role is in.');
        }
        const { password, generated } = await choosePassword(options.generatePassword === true);
        const problem = passwordProblem(password, email);
        if (problem) usage(`The password cannot be used: ${problem}.`);

        const result = await withDatabase(async ({ db }) => {
          const org = options.organisation
            ? await findOrganisationOrStop(db, options.organisation)
            : undefined;
          // One transaction: the account and its membership exist together or not at all.
          const user = await withSystem(db, async (trx) => {
            const created = await createUserInTx(trx, cliActor(), {
              email,
              displayName: options.name,
              password,
            });
            if (org && options.role) {
              await addMemberInTx(trx, cliActor(), org.id, created.id, options.role);
            }
            return created;
          });
          return { user, org };
        });
        console.log(`Created the account for ${result.user.display_name} <${result.user.email}>.`);
        console.log(`  id: ${result.user.id}`);
        if (result.org && options.role) {
          console.log(`  member of ${result.org.name} (${result.org.slug}) as ${options.role}`);
        }
        if (generated) {
          console.log('');
          console.log('Their password is below. It is shown only this once: hand it over safely.');
          console.log(password);
        }
      },
    );

  program
    .command('create-token')
    .description('Create an API token for a member of an organisation, and show it once')
    .requiredOption('--organisation <id-or-slug>', 'the organisation the token works in')
    .requiredOption('--email <email>', 'the member the token acts as (it can do what they can)')
    .requiredOption('--name <name>', 'a name to tell tokens apart, e.g. "Power BI dashboard"')
    .option('--scopes <scopes>', 'what it may do: read, write, or read,write', 'read')
    .option('--expires-days <days>', 'days until it stops working, from 1 to 366, or "never"', '90')
    .addHelpText(
      'after',
      '\nThe token is printed once; Waymark keeps only a hash of it. Use it as\n' +
        '  Authorization: Bearer <token>\n' +
        'Revoke it on the API tokens page when it is no longer needed.',
    )
    .action(
      async (options: {
        organisation: string;
        email: string;
        name: string;
        scopes: string;
        expiresDays: string;
      }) => {
        const email = checkEmail(options.email);
        const scopes = parseScopes(options.scopes);
        const days = parseExpiry(options.expiresDays);
        const name = options.name.trim();
        if (!name || name.length > 100) usage('--name must be 1 to 100 characters.');

        const created = await withDatabase(async ({ db }) => {
          const org = await findOrganisationOrStop(db, options.organisation);
          const user = await findUserByEmail(db, email);
          const membership =
            user &&
            (await db
              .selectFrom('memberships')
              .select('role')
              .where('tenant_id', '=', org.id)
              .where('user_id', '=', user.id)
              .executeTakeFirst());
          if (!user || !membership) {
            usage(`${email} is not a member of ${org.name}, so cannot have a token there.`);
          }
          const expiresAt = days === null ? null : new Date(Date.now() + days * DAY_MS);
          const { token, row } = await createApiToken(db, cliActor(), {
            tenantId: org.id,
            userId: user.id,
            name,
            scopes,
            expiresAt,
          });
          return { token, row, org, role: membership.role };
        });
        const expiry = created.row.expires_at
          ? `expires ${created.row.expires_at.toISOString().slice(0, 10)}`
          : 'never expires';
        console.log(
          `Created the API token "${created.row.name}" for ${email} (${created.role}) in ${created.org.name}.`,
        );
        console.log(`  scopes: ${created.row.scopes.join(', ')}; ${expiry}`);
        console.log('');
        console.log('The token is below. It is shown only this once: store it somewhere safe now.');
        console.log(created.token);
      },
    );
}
