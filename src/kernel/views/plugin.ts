import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createViewEnvironment } from './nunjucks.js';
import { errorView } from '../http/validation.js';
import type { PageRender } from '../http/context.js';
import { can, type Permission } from '../auth/permissions.js';

export interface NavItem {
  href: string;
  text: string;
  /** Shown only to people who have this permission in the current organisation. */
  permission: Permission;
}

const FLASH_COOKIE = 'waymark_flash';

/** The items of the service navigation, collected from every module in app.ts. */
export const navigation: NavItem[] = [];

export const viewsPlugin = fp(async (app) => {
  const env = createViewEnvironment({ cache: app.deps.config.NODE_ENV !== 'development' });
  const production = app.deps.config.NODE_ENV === 'production';

  function pageContext(request: FastifyRequest, reply: FastifyReply) {
    const auth = request.auth;
    const path = request.url.split('?')[0] ?? '/';
    const nav = auth?.organisation
      ? navigation
          .filter((n) => can(auth.role, n.permission))
          .map((n) => ({
            href: n.href,
            text: n.text,
            active: n.href === '/' ? path === '/' : path.startsWith(n.href),
          }))
      : [];
    if (auth)
      nav.push({ href: '/account', text: 'Your account', active: path.startsWith('/account') });
    const flashCookie = request.cookies[FLASH_COOKIE];
    let flash: string | null = null;
    if (flashCookie) {
      const unsigned = request.unsignCookie(flashCookie);
      if (unsigned.valid) flash = unsigned.value;
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    return {
      user: auth?.user ?? null,
      role: auth?.role ?? null,
      organisationName: auth?.organisation?.name ?? null,
      memberships: auth?.memberships ?? [],
      navigation: nav,
      csrfToken: reply.generateCsrf(),
      flash,
      path,
    };
  }

  app.decorateReply(
    'page',
    function (this: FastifyReply, template: string, data: PageRender, status?: number) {
      const page = pageContext(this.request, this);
      const html = env.render(template, {
        ...data,
        errors: data.errors ? errorView(data.errors) : undefined,
        page,
        cspNonce: this.cspNonce.script,
      });
      if (status) this.code(status);
      return this.type('text/html; charset=utf-8').send(html);
    },
  );

  app.decorateReply('flash', function (this: FastifyReply, message: string) {
    return this.setCookie(FLASH_COOKIE, message, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: production,
      signed: true,
      maxAge: 60,
    });
  });
});
