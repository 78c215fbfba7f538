import type { FastifyRequest } from 'fastify';

export type ApiScope = 'read' | 'admin';

/** The API key that authenticated a request (set by the api-keys guard); never the secret. */
export interface AuthenticatedKey {
  id: string;
  name: string;
  scopes: ApiScope[];
}

/** The request as our code sees it: Fastify's, plus what our guards attach. */
export type WarehouseRequest = FastifyRequest & { apiKey?: AuthenticatedKey };
