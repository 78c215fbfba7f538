import { QueryFailedError } from 'typeorm';

import { InvalidInputError } from './domain-error';
import {
  asInfrastructureError,
  DatabaseUnavailableError,
  DeadlineExceededError,
} from './infrastructure-errors';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('asInfrastructureError', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['no pool connection in time', new Error('timeout exceeded when trying to connect')],
    ['a database shutting down', withCode('terminating connection', '57P01')],
    ['a database starting up', withCode('the database system is starting up', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a connection exception', withCode('connection failure', '08006')],
    [
      'several refused addresses',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]),
    ],
  ])('maps %s to 503 with Retry-After', (_name, error) => {
    const mapped = asInfrastructureError(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapped?.status).toBe(503);
    expect(mapped?.headers).toEqual({ 'Retry-After': '5' });
  });

  it('looks inside TypeORM query failures', () => {
    const driverError = withCode('canceling statement due to statement timeout', '57014');
    const error = new QueryFailedError('SELECT 1', [], driverError);
    expect(asInfrastructureError(error)).toBeInstanceOf(DeadlineExceededError);
  });

  it('leaves bugs, constraint violations and domain errors alone', () => {
    expect(asInfrastructureError(new TypeError('x is undefined'))).toBeUndefined();
    expect(asInfrastructureError(withCode('duplicate key', '23505'))).toBeUndefined();
    expect(asInfrastructureError(InvalidInputError.field('a', 'b'))).toBeUndefined();
    expect(asInfrastructureError(undefined)).toBeUndefined();
  });
});
