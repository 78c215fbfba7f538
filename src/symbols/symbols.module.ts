import { Module } from '@nestjs/common';

import { AdminSymbolsController } from './admin-symbols.controller';
import { SymbolsController } from './symbols.controller';
import { SymbolsRepository } from './symbols.repository';
import { SymbolsService } from './symbols.service';
import { SymbolsAdminRepository } from './symbols-admin.repository';
import { SymbolsAdminService } from './symbols-admin.service';

/** Tracked symbols: public reads with coverage, and the admin side (create, update, deactivate). */
@Module({
  controllers: [SymbolsController, AdminSymbolsController],
  providers: [SymbolsRepository, SymbolsService, SymbolsAdminRepository, SymbolsAdminService],
  exports: [SymbolsService, SymbolsAdminService],
})
export class SymbolsModule {}
