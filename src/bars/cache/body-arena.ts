/** Bytes per block: a 1-bar response (~330 bytes) wastes at most one block's remainder. */
export const ARENA_BLOCK_BYTES = 1024;
const BLOCKS_PER_SLAB = 256;

/** A body copied into the arena: which blocks hold it, in order, and how many bytes it has. */
export interface ArenaBody {
  readonly length: number;
  readonly blocks: Uint32Array;
}

/**
 * Memory for the read cache's bodies that is allocated once and reused, instead of one Buffer
 * per cached response.
 *
 * A cached Buffer lives long enough to be promoted to V8's old generation; when the LRU drops
 * it, its bytes are only returned at the next full (mark-compact) collection, which V8 starts
 * when external memory has grown by ~64 MB since the last one. Under a rotating load every
 * response is stored and soon evicted, so a 32 MB cache held up to ~100 MB of external memory
 * (docs/PERFORMANCE.md, stop 10). Here the cache's bytes live in slabs of 1 KiB blocks that are
 * allocated on first use, never freed, and handed back to a free list when an entry leaves the
 * LRU: the cache costs its bound and no more, whatever the churn.
 *
 * A body is copied in when stored and out when served (a hit must not hand out blocks that a
 * later eviction could overwrite while the socket still writes them): ~10 µs per 140 KB.
 */
export class BodyArena {
  private readonly slabs: Buffer[] = [];
  private readonly freeBlocks: number[] = [];

  /**
   * @param capacityBytes never allocates more than this (rounded up to whole slabs).
   * @param onGrow told the bytes allocated so far, each time a slab is added (for a metric).
   */
  constructor(
    private readonly capacityBytes: number,
    private readonly onGrow: (allocatedBytes: number) => void = () => undefined,
  ) {}

  /** Bytes of slabs allocated so far. */
  get allocatedBytes(): number {
    return this.slabs.length * BLOCKS_PER_SLAB * ARENA_BLOCK_BYTES;
  }

  /** Blocks a body of this many bytes takes. */
  static blocksFor(length: number): number {
    return Math.max(1, Math.ceil(length / ARENA_BLOCK_BYTES));
  }

  /** Copies the body in; undefined when the arena has no room left (nothing is kept then). */
  store(body: Buffer): ArenaBody | undefined {
    const needed = BodyArena.blocksFor(body.length);
    while (this.freeBlocks.length < needed && this.addSlab());
    if (this.freeBlocks.length < needed) return undefined;
    const blocks = new Uint32Array(needed);
    for (let i = 0; i < needed; i++) {
      const block = this.freeBlocks.pop()!;
      blocks[i] = block;
      const start = i * ARENA_BLOCK_BYTES;
      body.copy(this.slabOf(block), this.offsetOf(block), start, start + ARENA_BLOCK_BYTES);
    }
    return { length: body.length, blocks };
  }

  /** A fresh Buffer with the body's bytes. */
  read(stored: ArenaBody): Buffer {
    const out = Buffer.allocUnsafe(stored.length);
    for (let i = 0; i < stored.blocks.length; i++) {
      const block = stored.blocks[i];
      const offset = this.offsetOf(block);
      const bytes = Math.min(ARENA_BLOCK_BYTES, stored.length - i * ARENA_BLOCK_BYTES);
      this.slabOf(block).copy(out, i * ARENA_BLOCK_BYTES, offset, offset + bytes);
    }
    return out;
  }

  /** Gives the body's blocks back; the body must not be read afterwards. */
  release(stored: ArenaBody): void {
    for (let i = 0; i < stored.blocks.length; i++) this.freeBlocks.push(stored.blocks[i]);
  }

  private addSlab(): boolean {
    if (this.allocatedBytes >= this.capacityBytes) return false;
    const first = this.slabs.length * BLOCKS_PER_SLAB;
    // allocUnsafeSlow: a slab of its own, never a slice of Node's shared pool.
    this.slabs.push(Buffer.allocUnsafeSlow(BLOCKS_PER_SLAB * ARENA_BLOCK_BYTES));
    // Pushed in reverse so that blocks are handed out in address order.
    for (let b = first + BLOCKS_PER_SLAB - 1; b >= first; b--) this.freeBlocks.push(b);
    this.onGrow(this.allocatedBytes);
    return true;
  }

  private slabOf(block: number): Buffer {
    return this.slabs[Math.floor(block / BLOCKS_PER_SLAB)];
  }

  private offsetOf(block: number): number {
    return (block % BLOCKS_PER_SLAB) * ARENA_BLOCK_BYTES;
  }
}
