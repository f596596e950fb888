import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

type Form = Record<string, string | string[] | undefined>;

/** Reads the CSRF token a page put in its forms. */
export function csrfFrom(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/**
 * A browser stand-in over app.inject: keeps cookies, and sends forms with the CSRF token a page
 * gave it (CSRF protection stays on in tests).
 */
export class Agent {
  private readonly cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  private remember(res: LightMyRequestResponse) {
    const raw = res.headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of list) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = typeof res.body === 'string' ? csrfFrom(res.body) : undefined;
    if (token) this.csrf = token;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.remember(res);
    return res;
  }

  /** Posts a form as a browser would, with the CSRF token from the last page (or `from`). */
  async post(url: string, form: Form = {}, options: { from?: string; csrf?: boolean } = {}) {
    if (options.csrf !== false && (!this.csrf || options.from)) {
      await this.get(options.from ?? '/sign-in');
      // Signed in, /sign-in redirects: any page's sign-out form carries a token too.
      if (!this.csrf) await this.get('/accessibility');
    }
    const body = new URLSearchParams();
    if (options.csrf !== false && this.csrf) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    }
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.remember(res);
    return res;
  }

  async signIn(email: string, password: string) {
    const res = await this.post('/sign-in', { email, password }, { from: '/sign-in' });
    if (res.statusCode !== 303) throw new Error(`Sign-in failed for ${email}: ${res.statusCode}`);
    return res;
  }
}
