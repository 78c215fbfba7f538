import { ARENA_BLOCK_BYTES, BodyArena } from './body-arena';

const bodyOf = (length: number, seed: number) => {
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = (i * 31 + seed) % 251;
  return body;
};

describe('BodyArena', () => {
  it('gives back exactly the bytes stored, at every length around a block', () => {
    const arena = new BodyArena(1024 * 1024);
    const lengths = [
      0,
      1,
      ARENA_BLOCK_BYTES - 1,
      ARENA_BLOCK_BYTES,
      ARENA_BLOCK_BYTES + 1,
      140_000,
    ];
    const stored = lengths.map((length, i) => [bodyOf(length, i), arena.store(bodyOf(length, i))!]);
    for (const [body, inArena] of stored) expect(arena.read(inArena as never)).toEqual(body);
  });

  it('hands out copies: changing what it returned does not change what it holds', () => {
    const arena = new BodyArena(1024 * 1024);
    const stored = arena.store(Buffer.from('{"bars":[]}'))!;
    arena.read(stored).fill(0);
    expect(arena.read(stored).toString()).toBe('{"bars":[]}');
  });

  it('reuses released blocks instead of allocating more', () => {
    const arena = new BodyArena(1024 * 1024);
    for (let round = 0; round < 100; round++) {
      const stored = arena.store(bodyOf(100_000, round))!;
      expect(arena.read(stored)).toEqual(bodyOf(100_000, round));
      arena.release(stored);
    }
    expect(arena.allocatedBytes).toBe(256 * 1024);
  });

  it('reports each slab it adds', () => {
    const sizes: number[] = [];
    const arena = new BodyArena(1024 * 1024, (bytes) => sizes.push(bytes));
    arena.store(bodyOf(300_000, 1));
    expect(sizes).toEqual([256 * 1024, 512 * 1024]);
  });

  it('refuses a body it has no room for, and keeps what it holds intact', () => {
    const arena = new BodyArena(256 * 1024);
    const kept = arena.store(bodyOf(200_000, 1))!;
    expect(arena.store(bodyOf(100_000, 2))).toBeUndefined();
    expect(arena.read(kept)).toEqual(bodyOf(200_000, 1));
    expect(arena.allocatedBytes).toBe(256 * 1024);
  });
});
