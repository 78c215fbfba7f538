import { Injectable } from '@nestjs/common';

import { AuditService } from '../api-keys';
import {
  ConflictError,
  FieldError,
  InvalidInputError,
  NotFoundError,
} from '../common/domain-error';
import type { WarehouseRequest } from '../common/request-context';
import { ASSET_CLASSES, AssetClass } from '../market/asset-classes';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../market/symbol';
import {
  checkDate,
  checkTimeframes,
  checkZone,
  currencyFor,
  orderTimeframes,
} from './dto/admin-symbol-fields';
import { AdminSymbolRow, SymbolChanges, SymbolsAdminRepository } from './symbols-admin.repository';

export interface NewSymbolInput {
  symbol: string;
  name?: string | null;
  assetClass: AssetClass;
  exchange?: string | null;
  currency?: string;
  timeZone?: string;
  timeframes: string[];
  backfillFrom?: string | null;
  /** Where its bars come from (`polygon` unless the demo seeding says otherwise). */
  source?: string;
}

export interface AdminContext {
  request?: WarehouseRequest;
  /** Overrides the request's key as the audited actor (null from the CLI). */
  actorKeyId?: string | null;
}

export interface SeriesBackfillState {
  timeframe: string;
  lastBarAt: string | null;
  coveredTo: string | null;
  lastRun: {
    runId: string;
    trigger: string | null;
    status: string;
    from: string | null;
    to: string | null;
    barsFetched: number;
    barsWritten: number;
    error: string | null;
    startedAt: string | null;
    finishedAt: string | null;
  } | null;
}

export interface AdminSymbolView {
  symbol: string;
  name: string | null;
  assetClass: string;
  exchange: string | null;
  currency: string;
  timeZone: string;
  timeframes: string[];
  backfillFrom: string | null;
  source: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export type AdminSymbolDetail = AdminSymbolView & { backfill: SeriesBackfillState[] };

/** Where an asset class trades when the admin does not say: exchange, zone of its daily bars. */
const DEFAULTS: Record<AssetClass, { exchange: string | null; timeZone: string }> = {
  stocks: { exchange: 'XNYS', timeZone: 'America/New_York' },
  indices: { exchange: null, timeZone: 'America/New_York' },
  crypto: { exchange: null, timeZone: 'UTC' },
  forex: { exchange: null, timeZone: 'UTC' },
};

/**
 * Starting, changing and stopping the tracking of symbols. Every mutation is audited; nothing is
 * ever deleted (deactivating keeps the bars and the row).
 */
@Injectable()
export class SymbolsAdminService {
  constructor(
    private readonly repository: SymbolsAdminRepository,
    private readonly audit: AuditService,
  ) {}

  /** 409 when the symbol exists (active or not). Also used by the CLI and the demo seeding. */
  async create(input: NewSymbolInput, context: AdminContext = {}): Promise<AdminSymbolDetail> {
    const symbol = checkSymbol(input.symbol);
    const assetClass = input.assetClass;
    const errors: FieldError[] = [];
    if (!ASSET_CLASSES.includes(assetClass)) {
      errors.push({ field: 'assetClass', message: `must be one of ${ASSET_CLASSES.join(', ')}` });
    }
    errors.push(
      ...checkTimeframes(input.timeframes),
      ...checkDate('backfillFrom', input.backfillFrom),
    );
    errors.push(...checkZone(input.timeZone));
    if (errors.length) throw new InvalidInputError(errors);
    const defaults = DEFAULTS[assetClass];
    const row = await this.repository.insertSymbol({
      symbol,
      name: input.name ?? null,
      assetClass,
      exchange: input.exchange === undefined ? defaults.exchange : input.exchange,
      currency: input.currency ?? currencyFor(symbol, assetClass),
      timeZone: input.timeZone ?? defaults.timeZone,
      timeframes: orderTimeframes(input.timeframes),
      backfillFrom: input.backfillFrom ?? null,
      source: input.source ?? 'polygon',
    });
    if (!row) throw new ConflictError(`${symbol} is already tracked; update it with PUT instead.`);
    await this.record(
      'symbol.created',
      row,
      {
        assetClass: row.asset_class,
        exchange: row.exchange,
        timeframes: row.timeframes,
        backfillFrom: row.backfill_from,
      },
      context,
    );
    return this.detail(row);
  }

  async get(symbol: string): Promise<AdminSymbolDetail> {
    return this.detail(await this.existing(symbol));
  }

  async update(
    symbol: string,
    changes: SymbolChanges,
    context: AdminContext = {},
  ): Promise<AdminSymbolDetail> {
    if (Object.values(changes).every((value) => value === undefined)) {
      throw InvalidInputError.field(
        'body',
        'give at least one of name, assetClass, exchange, currency, timeZone, backfillFrom, active',
      );
    }
    const errors = [
      ...checkDate('backfillFrom', changes.backfillFrom),
      ...checkZone(changes.timeZone),
    ];
    if (changes.timeframes) errors.push(...checkTimeframes(changes.timeframes));
    if (errors.length) throw new InvalidInputError(errors);
    const before = await this.existing(symbol);
    const normalised = changes.timeframes
      ? { ...changes, timeframes: orderTimeframes(changes.timeframes) }
      : changes;
    const row = (await this.repository.updateSymbol(before.symbol, normalised)) ?? before;
    const action =
      changes.active === false && before.active ? 'symbol.deactivated' : 'symbol.updated';
    await this.record(action, row, { changed: diff(before, row) }, context);
    return this.detail(row);
  }

  setTimeframes(
    symbol: string,
    timeframes: string[],
    context: AdminContext = {},
  ): Promise<AdminSymbolDetail> {
    return this.update(symbol, { timeframes }, context);
  }

  /** Stops tracking: no more backfills, hidden from the default listing; bars are kept. */
  async deactivate(symbol: string, context: AdminContext = {}): Promise<void> {
    const before = await this.existing(symbol);
    const row = (await this.repository.updateSymbol(before.symbol, { active: false })) ?? before;
    await this.record('symbol.deactivated', row, { wasActive: before.active }, context);
  }

  private async existing(symbol: string): Promise<AdminSymbolRow> {
    const normalised = SYMBOL_PATTERN.test(symbol) ? symbol.toUpperCase() : undefined;
    const row = normalised ? await this.repository.findSymbol(normalised) : undefined;
    if (!row) throw new NotFoundError(`The warehouse does not track ${symbol}.`);
    return row;
  }

  private async detail(row: AdminSymbolRow): Promise<AdminSymbolDetail> {
    const series = await this.repository.findBackfillState(row.symbol, row.timeframes);
    return {
      ...view(row),
      backfill: series.map((s) => ({
        timeframe: s.timeframe,
        lastBarAt: iso(s.last_bar_at),
        coveredTo: iso(s.covered_to),
        lastRun: s.run_id
          ? {
              runId: s.run_id,
              trigger: s.run_trigger,
              status: s.run_status ?? 'unknown',
              from: iso(s.from_ts),
              to: iso(s.to_ts),
              barsFetched: Number(s.bars_fetched ?? 0),
              barsWritten: Number(s.bars_written ?? 0),
              error: s.error,
              startedAt: iso(s.started_at),
              finishedAt: iso(s.finished_at),
            }
          : null,
      })),
    };
  }

  private async record(
    action: string,
    row: AdminSymbolRow,
    details: Record<string, unknown>,
    context: AdminContext,
  ): Promise<void> {
    await this.audit.record({
      action,
      actorKeyId: context.actorKeyId,
      details: { symbol: row.symbol, ...details, via: context.request ? 'api' : 'cli' },
      request: context.request,
    });
  }
}

function view(row: AdminSymbolRow): AdminSymbolView {
  return {
    symbol: row.symbol,
    name: row.name,
    assetClass: row.asset_class,
    exchange: row.exchange,
    currency: row.currency,
    timeZone: row.time_zone,
    timeframes: row.timeframes,
    backfillFrom: row.backfill_from,
    source: row.source,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function diff(before: AdminSymbolRow, after: AdminSymbolRow): Record<string, unknown> {
  const a = view(before) as unknown as Record<string, unknown>;
  const b = view(after) as unknown as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const field of Object.keys(b)) {
    if (field === 'updatedAt' || field === 'createdAt') continue;
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field]))
      changed[field] = { from: a[field], to: b[field] };
  }
  return changed;
}

function checkSymbol(value: string): string {
  if (typeof value !== 'string' || !SYMBOL_PATTERN.test(value))
    throw InvalidInputError.field('symbol', SYMBOL_RULE);
  return value.toUpperCase();
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
