import { BarField, BarFieldKind, servedFields } from '../bar-fields';

/** A column of a page read as typed columns: a bar field, or the symbol of a multi-symbol page. */
export interface ColumnSpec {
  name: string;
  kind: BarFieldKind | 'symbol';
  nullable: boolean;
}

/** The columns of a page, in order: `symbol` first on multi-symbol pages, then the served fields. */
export function columnSpecs(includeQuality: boolean, multi: boolean): ColumnSpec[] {
  const fields = servedFields(includeQuality).map(({ name, kind, nullable }: BarField) => ({
    name,
    kind,
    nullable,
  }));
  return multi ? [{ name: 'symbol', kind: 'symbol', nullable: false }, ...fields] : fields;
}

/**
 * One column's values as Arrow lays them out (little-endian, as this machine and every Arrow
 * reader): `time` and `count` are 64-bit integers, kept as two 32-bit halves (no BigInt per
 * value); `price`/`volume` doubles; `score` floats; `symbol` an index into the page's symbol
 * list; `labels` a list of strings (`offsets` into `items`, whose text is `bytes`).
 * `validity` is a bitmap made when the first null arrives (Arrow's: a set bit is a value).
 */
export interface Column {
  spec: ColumnSpec;
  values: Float64Array | Float32Array | Int32Array;
  validity: Uint8Array | null;
  nullCount: number;
  labels?: { offsets: Int32Array; itemOffsets: Int32Array; bytes: Uint8Array; items: number };
}

/** 32-bit words per value. */
const WORDS: Record<ColumnSpec['kind'], number> = {
  time: 2,
  count: 2,
  price: 1,
  volume: 1,
  score: 1,
  symbol: 1,
  labels: 1,
};

/** A batch of rows in columns, filled row by row (ColumnsReader) and grown as needed. */
export class BarColumns {
  length = 0;
  readonly columns: Column[];
  private capacity: number;

  constructor(specs: readonly ColumnSpec[], capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.columns = specs.map((spec) => ({
      spec,
      values: allocate(spec, this.capacity),
      validity: null,
      nullCount: 0,
      labels:
        spec.kind === 'labels'
          ? {
              offsets: new Int32Array(this.capacity + 1),
              itemOffsets: new Int32Array(this.capacity + 1),
              bytes: new Uint8Array(this.capacity * 16),
              items: 0,
            }
          : undefined,
    }));
  }

  /** Room for one more row. */
  reserve(): void {
    if (this.length < this.capacity) return;
    this.capacity *= 2;
    for (const column of this.columns) {
      column.values = grow(column.values, allocate(column.spec, this.capacity));
      if (column.validity) column.validity = grow(column.validity, bitmap(this.capacity));
      if (column.labels) column.labels.offsets = grow(column.labels.offsets, this.capacity + 1);
    }
  }

  /** Marks row `row` of a column null (its value stays zero). */
  setNull(column: Column, row: number): void {
    if (!column.validity) {
      // Every row so far had a value.
      column.validity = bitmap(this.capacity);
      for (let i = 0; i < row; i++) column.validity[i >> 3] |= 1 << (i & 7);
    }
    column.nullCount++;
  }

  /** Marks row `row` of a column valid; only needed once a bitmap exists. */
  static setValid(column: Column, row: number): void {
    column.validity![row >> 3] |= 1 << (row & 7);
  }

  /** Appends a label (UTF-8 bytes) to row `row`'s list (labels columns). */
  static addLabel(column: Column, source: Uint8Array, start: number, end: number): void {
    const labels = column.labels!;
    const used = labels.itemOffsets[labels.items];
    if (used + (end - start) > labels.bytes.length) {
      labels.bytes = grow(labels.bytes, new Uint8Array(2 * (used + end - start)));
    }
    labels.bytes.set(source.subarray(start, end), used);
    if (labels.items + 2 > labels.itemOffsets.length) {
      labels.itemOffsets = grow(labels.itemOffsets, 2 * labels.itemOffsets.length);
    }
    labels.items++;
    labels.itemOffsets[labels.items] = used + (end - start);
  }

  /** Keeps the first `n` rows (drops the probe row past a page). */
  truncate(n: number): void {
    if (n >= this.length) return;
    for (const column of this.columns) {
      if (column.validity) {
        let nulls = 0;
        for (let i = 0; i < n; i++) if (!(column.validity[i >> 3] & (1 << (i & 7)))) nulls++;
        column.nullCount = nulls;
      }
      if (column.labels) column.labels.items = column.labels.offsets[n];
    }
    this.length = n;
  }
}

function allocate(spec: ColumnSpec, capacity: number): Float64Array | Float32Array | Int32Array {
  const size = capacity * WORDS[spec.kind];
  switch (spec.kind) {
    case 'price':
    case 'volume':
      return new Float64Array(size);
    case 'score':
      return new Float32Array(size);
    default:
      return new Int32Array(size);
  }
}

const bitmap = (capacity: number): Uint8Array => new Uint8Array(Math.ceil(capacity / 8));

/** A copy of `from` in a larger array (`to`, or a new one of that many elements). */
function grow<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
  from: T,
  to: T | number,
): T {
  const bigger = typeof to === 'number' ? new (from.constructor as new (n: number) => T)(to) : to;
  bigger.set(from);
  return bigger;
}
