import { IncomingMessage, ServerResponse } from 'node:http';

import { FakeFault, FaultRule, RecordedRequest } from './fake-polygon.types';

interface ActiveRule extends FaultRule {
  seen: number;
  applied: number;
}

/** The fault rules of a fake server; the first matching rule with uses left applies. */
export class FaultBook {
  private readonly rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, applied: 0 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  pick(path: string, query: Record<string, string>, pathTicker?: string): FakeFault | null {
    const ticker = pathTicker !== undefined ? decodeURIComponent(pathTicker) : query.ticker;
    for (const rule of this.rules) {
      if (rule.ticker !== undefined && rule.ticker !== ticker) continue;
      if (rule.path !== undefined && !rule.path.test(path)) continue;
      if (rule.pagesOnly && query.cursor === undefined) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.skip ?? 0)) continue;
      rule.applied += 1;
      return rule.fault;
    }
    return null;
  }
}

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** Answers (or deliberately fails to answer) a request the way the fault describes. */
export function answerWithFault(
  fault: FakeFault,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  requestId: string,
  send: Send,
): void {
  switch (fault.kind) {
    case 'reset':
      record.outcome = 'reset';
      req.socket.destroy();
      return;
    case 'hang':
      record.outcome = 'hang';
      return;
    case 'status':
      send(
        fault.status,
        { status: 'ERROR', request_id: requestId, error: `Injected HTTP ${fault.status}` },
        {
          ...(fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}),
          ...(fault.location !== undefined ? { Location: fault.location } : {}),
        },
      );
      return;
    case 'html502':
      send(502, '<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>');
      return;
    case 'malformed':
      record.outcome = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ticker":"X","status":"OK","results":[{"v":1,"o":');
      return;
    case 'bad-shape':
      send(200, {
        ticker: 'X',
        status: 'OK',
        request_id: requestId,
        resultsCount: 1,
        results: [{ v: 1, c: 1, h: 1, l: 1, t: 1_700_000_000_000 }],
      });
      return;
    case 'empty':
      send(200, {
        ticker: 'X',
        queryCount: 0,
        resultsCount: 0,
        adjusted: false,
        status: 'OK',
        request_id: requestId,
      });
      return;
  }
}
