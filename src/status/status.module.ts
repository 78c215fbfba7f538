import { Module } from '@nestjs/common';

import { BackfillModule } from '../backfill';
import { SymbolsModule } from '../symbols';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [SymbolsModule, BackfillModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
