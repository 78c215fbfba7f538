/** What the bars feature offers the rest of the application; other features import only this. */
export * from './import/csv-bar-parser';
