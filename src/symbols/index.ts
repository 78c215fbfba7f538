/** What the symbols feature offers the rest of the application; other features import only this. */
export * from './dto/admin-create-symbol.dto';
export * from './symbols.module';
export * from './symbols.service';
export * from './symbols-admin.service';
