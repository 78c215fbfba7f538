import { Injectable } from '@nestjs/common';

import { AuditService } from '../api-keys';
import type { WarehouseRequest } from '../common/request-context';
import { BackfillInput, BackfillRunsService } from './backfill-runs.service';

/** The admin API's side of backfills: start runs on behalf of a key and audit it. */
@Injectable()
export class BackfillAdminService {
  constructor(
    private readonly runs: BackfillRunsService,
    private readonly audit: AuditService,
  ) {}

  async trigger(input: BackfillInput, request: WarehouseRequest): Promise<{ runId: string }> {
    const handle = await this.runs.start(input, {
      trigger: 'manual',
      requestedBy: request.apiKey?.id ?? null,
    });
    await this.audit.record({
      action: 'backfill.triggered',
      request,
      details: { runId: handle.runId, trigger: 'manual', ...input },
    });
    return { runId: handle.runId };
  }

  async repair(
    symbols: string[] | undefined,
    request: WarehouseRequest,
  ): Promise<{ runId: string }> {
    const result = await this.runs.startRepair(symbols, {
      trigger: 'repair',
      requestedBy: request.apiKey?.id ?? null,
    });
    await this.audit.record({
      action: 'backfill.triggered',
      request,
      details: { runId: result.runId, trigger: 'repair', symbols: symbols ?? null },
    });
    return result;
  }
}
