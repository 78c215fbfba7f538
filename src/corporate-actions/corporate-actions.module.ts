import { Module } from '@nestjs/common';

import { CorporateActionsController } from './corporate-actions.controller';
import { CorporateActionsRepository } from './corporate-actions.repository';
import { CorporateActionsService } from './corporate-actions.service';

/**
 * Splits and cash dividends: stored by the backfill (through CorporateActionsService), served at
 * `GET /api/v1/corporate-actions/{symbol}`, applied by adjusted bar reads.
 */
@Module({
  controllers: [CorporateActionsController],
  providers: [CorporateActionsRepository, CorporateActionsService],
  exports: [CorporateActionsService],
})
export class CorporateActionsModule {}
