import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { NotFoundError } from '../common/domain-error';
import { replyWithProblem } from '../common/problem-details.filter';
import { cacheControlFor, dashboardBuildDir } from './dashboard-build';

/**
 * Serves the dashboard's build (dashboard/dist, made by `npm run build`) at /dashboard/, so
 * `npm start` shows it without nginx. @fastify/static gives content types, ETag and
 * Last-Modified with 304s; hashed bundles are cached for a year, index.html revalidated.
 * Its stricter CSP comes from the security-headers hook (securityHeadersFor).
 *
 * Registered by createApp before Nest initialises (as Nest's own useStaticAssets is): a plugin
 * registered from a module's init hook loads Nest's routes before Nest installs its error
 * handler, and body-parser errors then answer plain JSON instead of problem+json.
 */
export async function serveDashboard(fastify: FastifyInstance): Promise<void> {
  const root = dashboardBuildDir();
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Dashboard').warn(`no dashboard build in ${root}: run npm run build`);
    const notBuilt = (request: FastifyRequest, reply: FastifyReply): void =>
      replyWithProblem(
        new NotFoundError(
          'The dashboard is not built: it needs the dev dependencies (npm install), then npm run build.',
        ),
        request,
        reply,
      );
    fastify.get('/dashboard', notBuilt);
    fastify.get('/dashboard/*', notBuilt);
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    // With redirect, /dashboard answers 301 to /dashboard/: the build links its assets
    // relatively (./assets/...), which only resolves below the slash.
    prefix: '/dashboard',
    redirect: true,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (reply, path) =>
      void reply.header('cache-control', cacheControlFor(relative(root, path))),
  });
}
