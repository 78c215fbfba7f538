import { ValidationPipe } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
} from '@nestjs/common/constants';
import { ApplicationConfig } from '@nestjs/core';

import { ApiKeyGuard } from '../../api-keys';
import { ProblemDetailsFilter } from '../../common/problem-details.filter';
import { UnknownQueryInterceptor } from '../../common/unknown-query.interceptor';

/**
 * The global enhancers the fast lane knows it reproduces, and why. Any other enhancer — global
 * or on a lane route — would silently not apply to the busiest routes, so the application
 * refuses to start instead (checkLaneEnhancers). A new one is either taught to the lane here
 * (and applied in HistoricalFastLane) or its route is taken out of the lane.
 */
const REPRODUCED: { kind: string; matches: (enhancer: unknown) => boolean; why: string }[] = [
  {
    kind: 'guard',
    matches: (guard) => guard instanceof ApiKeyGuard,
    why: 'the lane calls its admit() with the route’s scopes',
  },
  {
    kind: 'pipe',
    matches: (pipe) => pipe instanceof ValidationPipe && transformsAndForbidsUnknown(pipe),
    why: 'the lane reads the query with the rules derived from the DTO’s metadata',
  },
  {
    kind: 'filter',
    matches: (filter) => filter instanceof ProblemDetailsFilter,
    why: 'the lane answers errors with the same replyWithProblem',
  },
  {
    kind: 'interceptor',
    matches: (interceptor) => interceptor instanceof UnknownQueryInterceptor,
    why: 'it only refuses queries on routes without a query DTO; lane routes have one',
  },
];

/** The pipe as createValidationPipe builds it: transform, whitelist, forbidNonWhitelisted. */
function transformsAndForbidsUnknown(pipe: ValidationPipe): boolean {
  const inside = pipe as unknown as {
    isTransformEnabled?: boolean;
    validatorOptions?: { whitelist?: boolean; forbidNonWhitelisted?: boolean };
  };
  return (
    inside.isTransformEnabled === true &&
    inside.validatorOptions?.whitelist === true &&
    inside.validatorOptions.forbidNonWhitelisted === true
  );
}

/**
 * Throws when an enhancer exists that a lane route would skip: a global guard, pipe, filter or
 * interceptor the lane does not reproduce, any request-scoped global one, or any declared on
 * the route's controller or handler.
 */
export function checkLaneEnhancers(
  config: ApplicationConfig,
  route: { name: string; controller: object; handler: object },
): void {
  const skipped: string[] = [];
  const globals: [string, unknown[]][] = [
    ['guard', config.getGlobalGuards()],
    ['pipe', config.getGlobalPipes()],
    ['filter', config.getGlobalFilters()],
    ['interceptor', config.getGlobalInterceptors()],
  ];
  for (const [kind, enhancers] of globals) {
    for (const enhancer of enhancers) {
      const known = REPRODUCED.some((entry) => entry.kind === kind && entry.matches(enhancer));
      if (!known) skipped.push(`the global ${kind} ${nameOf(enhancer)}`);
    }
  }
  const requestScoped = [
    ...config.getGlobalRequestGuards(),
    ...config.getGlobalRequestPipes(),
    ...config.getGlobalRequestFilters(),
    ...config.getGlobalRequestInterceptors(),
  ];
  for (const wrapper of requestScoped) skipped.push(`the request-scoped global ${wrapper.name}`);
  const declared: [string, string][] = [
    [GUARDS_METADATA, 'guard'],
    [PIPES_METADATA, 'pipe'],
    [EXCEPTION_FILTERS_METADATA, 'filter'],
    [INTERCEPTORS_METADATA, 'interceptor'],
  ];
  for (const [key, kind] of declared) {
    for (const target of [route.controller, route.handler]) {
      const list = (Reflect.getMetadata(key, target) ?? []) as unknown[];
      for (const enhancer of list) skipped.push(`the ${kind} ${nameOf(enhancer)} on the route`);
    }
  }
  if (skipped.length) {
    throw new Error(
      `The fast lane of ${route.name} would skip ${skipped.join(', ')}. Teach the lane to apply ` +
        `it (src/bars/http/lane-enhancers.ts) or take the route out of the lane.`,
    );
  }
}

function nameOf(enhancer: unknown): string {
  if (typeof enhancer === 'function') return enhancer.name;
  return (enhancer as object | null)?.constructor?.name ?? String(enhancer);
}
