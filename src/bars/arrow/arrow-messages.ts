import { Builder } from 'flatbuffers';

import type { ColumnSpec } from '../read/bar-columns';

/**
 * The metadata of Arrow IPC messages (Schema, RecordBatch, DictionaryBatch), written with the
 * FlatBuffers runtime following Arrow's Schema.fbs and Message.fbs. Field slots and enum values
 * below are the format's (format/Schema.fbs, format/Message.fbs in the Arrow repository), which
 * is versioned and stable: readers of every Arrow version since 1.0 read MetadataVersion V5.
 *
 * Why not the `apache-arrow` package's writer, which the tests use to read every answer back:
 * see arrow-stream.ts.
 */

/** MetadataVersion.V5 */
const V5 = 4;
const enum Header {
  Schema = 1,
  DictionaryBatch = 2,
  RecordBatch = 3,
}
const enum TypeId {
  Int = 2,
  FloatingPoint = 3,
  Utf8 = 5,
  Timestamp = 10,
  List = 12,
}
const enum Precision {
  Single = 1,
  Double = 2,
}
/** TimeUnit.MILLISECOND */
const MILLISECOND = 1;
/** The id of the one dictionary a page has: its symbols (multi-symbol pages). */
export const SYMBOL_DICTIONARY_ID = 0;

/** A FieldNode of a record batch: a column's (or list child's) length and null count. */
export interface FieldNode {
  length: number;
  nullCount: number;
}

/** Where a buffer sits in a message body, in bytes from the body's start. */
export interface BufferRegion {
  offset: number;
  length: number;
}

/** One Schema message for these columns, with key-value metadata. */
export function schemaMessage(
  specs: readonly ColumnSpec[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const b = new Builder(1024);
  const fields = specs.map((spec) => field(b, spec));
  const fieldsVector = tableVector(b, fields);
  const metadataVector = keyValues(b, metadata);
  b.startObject(4);
  b.addFieldOffset(1, fieldsVector, 0);
  b.addFieldOffset(2, metadataVector, 0);
  const schema = b.endObject();
  return message(b, Header.Schema, schema, 0);
}

/** One RecordBatch message's metadata, for a body of `bodyLength` bytes. */
export function recordBatchMessage(
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly BufferRegion[],
  bodyLength: number,
): Uint8Array {
  const b = new Builder(256 + 16 * (nodes.length + buffers.length));
  return message(b, Header.RecordBatch, recordBatch(b, length, nodes, buffers), bodyLength);
}

/** One DictionaryBatch message's metadata (the dictionary's values as a one-column batch). */
export function dictionaryBatchMessage(
  id: number,
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly BufferRegion[],
  bodyLength: number,
): Uint8Array {
  const b = new Builder(256);
  const data = recordBatch(b, length, nodes, buffers);
  b.startObject(3);
  b.addFieldInt64(0, BigInt(id), 0n);
  b.addFieldOffset(1, data, 0);
  const batch = b.endObject();
  return message(b, Header.DictionaryBatch, batch, bodyLength);
}

function message(b: Builder, header: Header, offset: number, bodyLength: number): Uint8Array {
  b.startObject(5);
  b.addFieldInt16(0, V5, 0);
  b.addFieldInt8(1, header, 0);
  b.addFieldOffset(2, offset, 0);
  b.addFieldInt64(3, BigInt(bodyLength), 0n);
  b.finish(b.endObject());
  return b.asUint8Array();
}

function recordBatch(
  b: Builder,
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly BufferRegion[],
): number {
  // Vectors of structs are written back to front; a struct's fields too.
  b.startVector(16, nodes.length, 8);
  for (let i = nodes.length - 1; i >= 0; i--) {
    b.prep(8, 16);
    b.writeInt64(BigInt(nodes[i].nullCount));
    b.writeInt64(BigInt(nodes[i].length));
  }
  const nodesVector = b.endVector();
  b.startVector(16, buffers.length, 8);
  for (let i = buffers.length - 1; i >= 0; i--) {
    b.prep(8, 16);
    b.writeInt64(BigInt(buffers[i].length));
    b.writeInt64(BigInt(buffers[i].offset));
  }
  const buffersVector = b.endVector();
  b.startObject(5);
  b.addFieldInt64(0, BigInt(length), 0n);
  b.addFieldOffset(1, nodesVector, 0);
  b.addFieldOffset(2, buffersVector, 0);
  return b.endObject();
}

/** A Field table: name, nullability, type, and the dictionary or list child where it has one. */
function field(b: Builder, spec: ColumnSpec): number {
  const name = b.createString(spec.name);
  let children = 0;
  let dictionary = 0;
  let typeId: TypeId;
  let type: number;
  switch (spec.kind) {
    case 'time': {
      const zone = b.createString('UTC');
      b.startObject(2);
      b.addFieldInt16(0, MILLISECOND, 0);
      b.addFieldOffset(1, zone, 0);
      [typeId, type] = [TypeId.Timestamp, b.endObject()];
      break;
    }
    case 'price':
    case 'volume':
    case 'score':
      b.startObject(1);
      b.addFieldInt16(0, spec.kind === 'score' ? Precision.Single : Precision.Double, 0);
      [typeId, type] = [TypeId.FloatingPoint, b.endObject()];
      break;
    case 'count':
      [typeId, type] = [TypeId.Int, int(b, 64)];
      break;
    case 'symbol': {
      // A dictionary-encoded field declares its values' type; the indices are int32.
      const indexType = int(b, 32);
      b.startObject(4);
      b.addFieldInt64(0, BigInt(SYMBOL_DICTIONARY_ID), 0n);
      b.addFieldOffset(1, indexType, 0);
      dictionary = b.endObject();
      [typeId, type] = [TypeId.Utf8, empty(b)];
      break;
    }
    case 'labels': {
      const item = stringField(b, 'item');
      children = tableVector(b, [item]);
      [typeId, type] = [TypeId.List, empty(b)];
      break;
    }
  }
  b.startObject(7);
  b.addFieldOffset(0, name, 0);
  b.addFieldInt8(1, spec.nullable ? 1 : 0, 0);
  b.addFieldInt8(2, typeId, 0);
  b.addFieldOffset(3, type, 0);
  if (dictionary) b.addFieldOffset(4, dictionary, 0);
  if (children) b.addFieldOffset(5, children, 0);
  return b.endObject();
}

/** A plain, non-nullable string field (a list's items). */
function stringField(b: Builder, fieldName: string): number {
  const name = b.createString(fieldName);
  const type = empty(b);
  b.startObject(7);
  b.addFieldOffset(0, name, 0);
  b.addFieldInt8(2, TypeId.Utf8, 0);
  b.addFieldOffset(3, type, 0);
  return b.endObject();
}

function int(b: Builder, bitWidth: number): number {
  b.startObject(2);
  b.addFieldInt32(0, bitWidth, 0);
  b.addFieldInt8(1, 1, 0);
  return b.endObject();
}

const empty = (b: Builder): number => {
  b.startObject(0);
  return b.endObject();
};

function tableVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

function keyValues(b: Builder, metadata: Readonly<Record<string, string>>): number {
  const pairs = Object.entries(metadata).map(([key, value]) => {
    const k = b.createString(key);
    const v = b.createString(value);
    b.startObject(2);
    b.addFieldOffset(0, k, 0);
    b.addFieldOffset(1, v, 0);
    return b.endObject();
  });
  return tableVector(b, pairs);
}
