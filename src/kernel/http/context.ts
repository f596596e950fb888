import type { Config } from '../../config.js';
import type { Database } from '../db/connect.js';
import type { Role } from '../db/schema.js';
import type { LoadedSession, SessionStore } from '../auth/sessions.js';
import type { Access } from '../auth/permissions.js';
import type { Mailer } from '../mail/mailer.js';
import type { SecretBox } from '../auth/tokens.js';
import type { Actor } from '../audit/audit.js';
import type { FieldError } from './errors.js';

export interface AppDeps {
  config: Config;
  database: Database;
  mailer: Mailer;
  sessions: SessionStore;
  secrets: SecretBox;
}

export interface Membership {
  tenantId: string;
  slug: string;
  name: string;
  role: Role;
}

export interface AuthContext {
  user: { id: string; email: string; displayName: string; twoFactorEnabled: boolean };
  /** The browser session, when signed in with a cookie. */
  session: LoadedSession | null;
  /** The API token, when called with a bearer token. */
  token: { id: string; scopes: string[] } | null;
  /** The organisation this request acts in, and the person's role there. */
  organisation: { id: string; slug: string; name: string; requireTwoFactor: boolean } | null;
  role: Role | null;
  memberships: Membership[];
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

export interface PageRender {
  title: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** Every route with its declared access, for the route × role test. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    auth: AuthContext | null;
    /** A signed-in session still waiting for its two-step code. */
    pendingSession: LoadedSession | null;
    actor(): Actor;
  }
  interface FastifyReply {
    /** Renders a module template inside the layout, with the page context every page needs. */
    page(template: string, data: PageRender, status?: number): FastifyReply;
    /** A success message shown once, on the next page. */
    flash(message: string): FastifyReply;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** The API scope a token needs, when it differs from the method's (GET read, others write). */
    scope?: 'read' | 'write';
  }
}
