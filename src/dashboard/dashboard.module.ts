import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

import fastifyStatic from '@fastify/static';
import { Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { NotFoundError } from '../common/domain-error';
import { replyWithProblem } from '../common/problem-details.filter';
import { cacheControlFor, dashboardBuildDir } from './dashboard-build';

/**
 * Serves the dashboard's build (dashboard/dist, made by `npm run build`) at /dashboard/, so
 * `npm start` shows it without nginx. @fastify/static gives content types, ETag and
 * Last-Modified with 304s; hashed bundles are cached for a year, index.html revalidated.
 * Its stricter CSP comes from the security-headers hook (securityHeadersFor).
 */
@Injectable()
export class DashboardAssets implements OnModuleInit {
  private readonly logger = new Logger(DashboardAssets.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const root = dashboardBuildDir();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn(`no dashboard build in ${root}: run npm run build`);
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
}

@Module({ providers: [DashboardAssets] })
export class DashboardModule {}
