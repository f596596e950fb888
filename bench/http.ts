/**
 * The HTTP side of the benchmark: signing in as a browser would (CSRF token from the form, session
 * cookie), and driving the server with autocannon, keeping every response time so that p50, p95
 * and p99 are exact (autocannon's own summary has no p95).
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import { percentile } from './protocol.js';

export interface Session {
  /** The Cookie header: session and CSRF secret. */
  cookie: string;
  /** A CSRF token for forms, valid with that cookie. */
  csrf: string;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function csrfIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** Signs in through the form, then reads a CSRF token from `formPage` (a page the person may use). */
export async function signIn(
  base: string,
  email: string,
  password: string,
  formPage: string,
): Promise<Session> {
  const jar = new CookieJar();
  const page = await fetch(`${base}/sign-in`);
  jar.take(page);
  const token = csrfIn(await page.text());
  if (!token) throw new Error('The sign-in page has no CSRF token');
  const answer = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  jar.take(answer);
  if (answer.status !== 303) {
    throw new Error(`Signing in as ${email} answered ${String(answer.status)}, not 303`);
  }
  const form = await fetch(`${base}${formPage}`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  jar.take(form);
  const csrf = csrfIn(await form.text());
  if (form.status !== 200 || !csrf) {
    throw new Error(`${formPage} answered ${String(form.status)} with no form after signing in`);
  }
  return { cookie: jar.header(), csrf };
}

/** The status one request answers, for probing whether a route exists yet. */
export async function probe(base: string, path: string, headers: Record<string, string>) {
  const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
  await response.arrayBuffer();
  return response.status;
}

export interface LoadSpec {
  base: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** When set, each request is built afresh (a different action, a different body). */
  request?: AutocannonRequest;
  /** The status a correct answer has (200 for pages, 303 for a form). */
  expect: (status: number) => boolean;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers with a status other than expected, by status. */
  unexpected: Record<string, number>;
  /** Connection errors and time-outs. */
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: `${spec.base}${spec.path}`,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 30,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.request ? { requests: [spec.request] } : {}),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    const key = String(statusCode);
    statuses[key] = (statuses[key] ?? 0) + 1;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const unexpected = Object.fromEntries(
    Object.entries(statuses).filter(([status]) => !spec.expect(Number(status))),
  );
  return {
    requests: latencies.length,
    perSecond: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    unexpected,
    errors: result.errors,
    statuses,
    seconds: result.duration,
  };
}
