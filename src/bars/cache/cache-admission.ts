/**
 * Decides whether a large response is worth a place in the read cache: only when the same key
 * missed before, within the last `windowBytes` of large misses.
 *
 * Why: an LRU cache of W bytes serves a response again only if it is asked for again before W
 * bytes of other responses have pushed it out. A response whose previous request lies further
 * back than that (a scan over many distinct pages, a notebook walking a year page by page) would
 * be stored, evict other entries, and leave unused. Storing it keeps its body alive past V8's
 * young generation and evicts responses that may be asked for again (docs/PERFORMANCE.md). A
 * page that is re-read soon (a chart refresh,
 * the same page for several clients) is stored at its second miss and served from the third
 * request on. The reuse distance is measured in bytes of large misses only, a lower bound of
 * what passed through the cache in between.
 */
export class CacheAdmission {
  /** Key → position (bytes of large misses so far) of its latest miss, within the window. */
  private readonly lastMiss = new Map<string, number>();
  /** The misses in order, to forget them once they fall out of the window. */
  private readonly misses: { key: string; at: number }[] = [];
  private oldest = 0;
  private position = 0;

  constructor(private readonly windowBytes: number) {}

  /** Records a miss of a response of `bytes`; true when it should be stored. */
  admit(key: string, bytes: number): boolean {
    const previous = this.lastMiss.get(key);
    const admitted = previous !== undefined && this.position - previous <= this.windowBytes;
    this.position += bytes;
    this.lastMiss.set(key, this.position);
    this.misses.push({ key, at: this.position });
    this.forgetOutsideWindow();
    return admitted;
  }

  /** Keys remembered (bounded by the window: at most windowBytes / smallest large response). */
  get remembered(): number {
    return this.lastMiss.size;
  }

  private forgetOutsideWindow(): void {
    while (this.oldest < this.misses.length) {
      const miss = this.misses[this.oldest];
      if (this.position - miss.at <= this.windowBytes) break;
      if (this.lastMiss.get(miss.key) === miss.at) this.lastMiss.delete(miss.key);
      this.oldest += 1;
    }
    // Drop the forgotten prefix now and then, not on every miss.
    if (this.oldest > 1024 && this.oldest * 2 > this.misses.length) {
      this.misses.splice(0, this.oldest);
      this.oldest = 0;
    }
  }
}
