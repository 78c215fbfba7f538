import { Readable } from 'node:stream';

import { CopyPageReader } from './copy-page-reader';

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** What `COPY ... TO STDOUT (FORMAT binary)` sends for these rows of text columns. */
function binaryCopy(rows: (string | null)[][], extension = Buffer.alloc(0)): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(extension.length)];
  parts.push(extension);
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) {
      if (field === null) parts.push(int32(-1));
      else parts.push(int32(Buffer.byteLength(field)), Buffer.from(field));
    }
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

/** The bytes cut into pieces of the given sizes, cycling through them. */
function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

async function read(pieces: Buffer[]): Promise<{ meta: unknown; body: string }> {
  const reader = new CopyPageReader();
  Readable.from(pieces).pipe(reader);
  const out: Buffer[] = [];
  for await (const chunk of reader) out.push(chunk as Buffer);
  return { meta: await reader.meta, body: Buffer.concat(out).toString('utf8') };
}

describe('CopyPageReader', () => {
  const rows = [
    ['{"n":3}', '{"a":1},{"b":"é"}'],
    [null, ',{"c":2}'],
    [null, ',{"d":"日本"}'],
  ];
  const bytes = binaryCopy(rows);

  it.each([[[bytes.length]], [[1]], [[2]], [[3]], [[7]], [[5, 1, 13, 2]], [[19, 2, 4]]])(
    'passes through the last column of every row and keeps the first row`s first (cut %j)',
    async (sizes) => {
      expect(await read(cut(bytes, sizes))).toEqual({
        meta: '{"n":3}',
        body: '{"a":1},{"b":"é"},{"c":2},{"d":"日本"}',
      });
    },
  );

  it('has no meta when the COPY returned no row', async () => {
    expect(await read([binaryCopy([])])).toEqual({ meta: undefined, body: '' });
  });

  it('reports a NULL first column as null and sends nothing for NULL bodies', async () => {
    expect(
      await read(
        cut(
          binaryCopy([
            [null, null],
            ['x', null],
          ]),
          [3],
        ),
      ),
    ).toEqual({
      meta: null,
      body: '',
    });
  });

  it('skips a header extension', async () => {
    const withExtension = binaryCopy([['m', 'body']], Buffer.from('ext!'));
    expect(await read(cut(withExtension, [4]))).toEqual({ meta: 'm', body: 'body' });
  });

  it('fails, and fails meta, on bytes that are not a binary COPY', async () => {
    const reader = new CopyPageReader();
    const error = new Promise((resolve) => reader.on('error', resolve));
    reader.end(Buffer.from('timestamp,open,high,low,close\n'));
    await expect(reader.meta).rejects.toThrow('Not a binary COPY stream');
    await expect(error).resolves.toBeInstanceOf(Error);
  });

  it('fails when the stream ends before the trailer', async () => {
    const truncated = bytes.subarray(0, bytes.length - 5);
    await expect(read([truncated])).rejects.toThrow('ended before its trailer');
  });

  it('fails meta when closed before the first row', async () => {
    const reader = new CopyPageReader();
    reader.write(bytes.subarray(0, 10));
    reader.destroy();
    await expect(reader.meta).rejects.toThrow('closed before its first row');
  });
});
