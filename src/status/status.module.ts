import { Module } from '@nestjs/common';

import { BackfillModule } from '../backfill/backfill.module';
import { SymbolsModule } from '../symbols/symbols.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

@Module({
  imports: [SymbolsModule, BackfillModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
