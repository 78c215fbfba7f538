/** What the api-keys feature offers the rest of the application; other features import only this. */
export * from './admin-api.decorator';
export * from './api-key.guard';
export * from './api-keys.module';
export * from './api-keys.service';
export * from './audit.service';
export * from './dto/create-api-key.dto';
export * from './require-scopes.decorator';
export * from './validate-input';
