/** The kinds of instrument the warehouse tracks; each has its own exchange defaults. */
export const ASSET_CLASSES = ['stocks', 'crypto', 'forex', 'indices'] as const;

export type AssetClass = (typeof ASSET_CLASSES)[number];
