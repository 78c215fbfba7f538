/** What the metrics feature offers the rest of the application; other features import only this. */
export * from './instruments';
