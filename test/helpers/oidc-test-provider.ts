import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test provider can sign in. */
export interface TestAccount {
  sub: string;
  email: string;
  email_verified?: boolean;
  name: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Every authorisation request the provider received, newest last. */
  authorisationRequests: URLSearchParams[];
  /** Adds (or replaces) a person; the login step signs in whoever the login_hint names. */
  addAccount(account: TestAccount): void;
  /** Signs the next login in as this person, whatever the login_hint said. */
  signInNextAs(account: TestAccount): void;
  /**
   * Follows the browser's journey at the provider from the authorisation URL, through the login
   * and consent steps, to the redirect back to the client; returns that redirect's URL.
   */
  signIn(authorisationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/** A tiny cookie jar for fetch: one browser's cookies at the provider (paths ignored). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a));
      if (gone || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 and a free port, with one
 * confidential client (client_secret_basic, PKCE required) whose redirect URI is given. Its own
 * minimal interaction route completes login (as the login_hint's account) and consent.
 */
export async function startTestProvider(options: { redirectUri: string }): Promise<TestProvider> {
  const accounts = new Map<string, TestAccount>();
  let nextLogin: TestAccount | undefined;
  const authorisationRequests: URLSearchParams[] = [];
  // The server must listen before the provider exists: its issuer URL needs the port.
  const holder: { provider?: Provider } = {};

  async function interaction(req: IncomingMessage, res: ServerResponse, oidc: Provider) {
    const details = await oidc.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      const account = nextLogin ?? [...accounts.values()].find((a) => a.email === hint);
      nextLogin = undefined;
      if (!account) {
        res.statusCode = 400;
        res.end(`No test account for ${hint}`);
        return;
      }
      accounts.set(account.sub, account);
      await oidc.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent: grant whatever the client asked for.
    const accountId = details.session?.accountId ?? '';
    const clientId = String(details.params.client_id);
    const grant =
      (details.grantId ? await oidc.Grant.find(details.grantId) : undefined) ??
      new oidc.Grant({ accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await oidc.interactionFinished(req, res, { consent: { grantId } });
  }

  const server = createServer((req, res) => {
    const oidc = holder.provider;
    if (!oidc) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/interaction/')) {
      interaction(req, res, oidc).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (url.pathname === '/auth') authorisationRequests.push(url.searchParams);
    oidc.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'waymark-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });

  holder.provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Put the scope's claims in the ID token, as Entra ID does with the email optional claim.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.email_verified ?? true,
          name: account.name,
        }),
      };
    },
  });

  async function signIn(authorisationUrl: string): Promise<URL> {
    const jar = new CookieJar();
    let next = new URL(authorisationUrl);
    for (let hop = 0; hop < 12; hop++) {
      if (next.href.startsWith(options.redirectUri)) return next;
      const response = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: jar.header() },
      });
      jar.store(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(
          `The test provider stopped at ${next.href}: ${response.status} ${await response.text()}`,
        );
      }
      next = new URL(location, next);
    }
    throw new Error('Too many redirects at the test provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    authorisationRequests,
    addAccount: (account) => accounts.set(account.sub, account),
    signInNextAs: (account) => {
      nextLogin = account;
    },
    signIn,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
