import { pipeline, Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { ReadPool } from '../../database/read-pool';
import { timed } from '../../metrics';
import { ColumnsPlan, planColumnsRead } from '../query/read-plan';
import type { BarsSelection } from '../query/selection';
import { BarColumns, columnSpecs } from './bar-columns';
import { ColumnsReader } from './columns-reader';
import { copyOut } from './copy-out';

/** Rows per batch of an export: ~1 MB of columns (4,096 measured no lower peak RSS). */
export const EXPORT_BATCH_ROWS = 16_384;

/** A page of bars as typed columns, the probe row past it dropped. */
export interface ColumnsPage {
  /** False when the statement returned no row: a single symbol the warehouse does not know. */
  known: boolean;
  /** The page's rows (undefined: none). */
  batch: BarColumns | undefined;
  more: boolean;
  /** Last bucket of the page, epoch microseconds; null when the page is empty. */
  lastMicros: string | null;
  /** Multi-symbol pages: the symbol of the last bar. */
  lastSymbol: string | null;
}

/**
 * Bar reads as typed columns (the Arrow format), on the read pool: a binary COPY of typed rows
 * (query/sql/columns.ts) decoded into columns as it arrives (ColumnsReader). `symbols` is the
 * page's symbol list in order: a multi-symbol page's rows carry their index into it.
 */
@Injectable()
export class BarColumnsRepository {
  constructor(private readonly reads: ReadPool) {}

  /** One page (the selection has a limit): read whole, because its cursor goes in a header. */
  async findPage(selection: BarsSelection, multi: boolean): Promise<ColumnsPage> {
    const limit = selection.limit!;
    let plan: ColumnsPlan | undefined = planColumnsRead(selection, multi);
    for (;;) {
      const reader = this.open(plan, selection, multi, Infinity, Math.min(limit + 1, 1024));
      const batches = await timed(
        'BarColumnsRepository.findPage',
        async () => {
          const read: BarColumns[] = [];
          for await (const batch of reader) read.push(batch as BarColumns);
          return read;
        },
        plan.statement.params,
      );
      const more = reader.bars > limit;
      // The bound of a bounded aggregation cut the page short: read it unbounded.
      if (reader.edge && !more && plan.fallback) {
        plan = plan.fallback;
        continue;
      }
      const batch = batches[0];
      if (more) batch.truncate(limit);
      const last = more ? 0 : 1;
      return {
        known: reader.sawRow,
        batch,
        more,
        lastMicros: reader.bars > 0 ? String(reader.lastMicros[last]) : null,
        lastSymbol: multi && reader.bars > 0 ? selection.symbols[reader.lastSymbol[last]] : null,
      };
    }
  }

  /**
   * Every bar of the selection, as a stream of batches of EXPORT_BATCH_ROWS rows that moves as
   * fast as its consumer takes them: constant memory however long. Destroying it ends the COPY.
   */
  stream(selection: BarsSelection, multi: boolean): Readable {
    return this.open(planColumnsRead(selection, multi), selection, multi, EXPORT_BATCH_ROWS, 1024);
  }

  private open(
    plan: ColumnsPlan,
    selection: BarsSelection,
    multi: boolean,
    batchRows: number,
    initialRows: number,
  ): ColumnsReader {
    const reader = new ColumnsReader({
      specs: columnSpecs(selection.includeQuality, multi),
      symbolIndex: multi ? new Map(selection.symbols.map((s, i) => [s, i])) : undefined,
      batchRows,
      initialRows,
      edgeColumn: plan.fallback !== undefined,
    });
    // pipeline: the reader closing early (client gone) destroys the COPY, and with it the
    // connection; the COPY failing fails the reader, and so whoever reads it.
    copyOut(this.reads, plan.statement).then(
      (copy) => pipeline(copy, reader, () => undefined),
      (error: Error) => reader.destroy(error),
    );
    return reader;
  }
}
