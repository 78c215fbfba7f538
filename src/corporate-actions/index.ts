/** What the corporate-actions feature offers the rest of the application; other features import only this. */
export * from './corporate-actions.module';
export * from './corporate-actions.service';
