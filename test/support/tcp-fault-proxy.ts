import * as net from 'node:net';

/**
 * How the proxy treats traffic:
 * - `pass`: forward both ways (with `latencyMs` added to every chunk in each direction).
 * - `refuse`: the listener is closed, so new connections are refused (ECONNREFUSED).
 * - `drop`: new connections are accepted and closed at once (accepted and dropped).
 * - `blackhole`: new connections are accepted and nothing is ever forwarded or answered.
 */
export type ProxyMode = 'pass' | 'refuse' | 'drop' | 'blackhole';

/**
 * A small TCP proxy on 127.0.0.1 between the app and PostgreSQL (or any server), for fault
 * injection: latency, refused or dropped connections, black holes, and resets of the open
 * connections. Loopback only; it forwards to exactly one target.
 */
export class TcpFaultProxy {
  private server: net.Server | undefined;
  private mode: ProxyMode = 'pass';
  private latency = 0;
  private readonly open = new Set<net.Socket>();
  private listenPort = 0;
  /** Connections accepted since start (for assertions on reconnects). */
  accepted = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(targetHost, targetPort);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.listenPort);
    return parsed.toString();
  }

  async setMode(mode: ProxyMode): Promise<void> {
    if (mode === this.mode) return;
    const wasRefusing = this.mode === 'refuse';
    this.mode = mode;
    if (mode === 'refuse') this.stopListening();
    else if (wasRefusing) await this.listen();
  }

  /** Delay added to every chunk, each direction (0 removes it). */
  setLatency(ms: number): void {
    this.latency = ms;
  }

  /** Destroys every open connection (both ends see a reset / close). */
  resetAll(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    const server = this.stopListening();
    this.resetAll();
    if (server) await new Promise((resolve) => server.once('close', resolve));
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        this.listenPort = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /**
   * Closes the listening socket at once (new connections are refused from here on). The server's
   * `close` event waits for the connections already open, which `resetAll` ends.
   */
  private stopListening(): net.Server | undefined {
    const server = this.server;
    this.server = undefined;
    server?.close();
    return server;
  }

  private accept(client: net.Socket): void {
    this.accepted += 1;
    this.track(client);
    if (this.mode === 'drop') {
      client.destroy();
      return;
    }
    if (this.mode === 'blackhole') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private track(socket: net.Socket): void {
    this.open.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.open.delete(socket));
  }

  /** Forwards `from` → `to`, each chunk after the current latency, in order. */
  private pipe(from: net.Socket, to: net.Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (this.mode === 'blackhole') return;
      const delay = this.latency;
      if (delay === 0) {
        chain = chain.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const due = Date.now() + delay;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(
              () => {
                if (!to.destroyed) to.write(chunk);
                resolve();
              },
              Math.max(0, due - Date.now()),
            ),
          ),
      );
    });
    from.once('close', () => void chain.then(() => to.destroy()));
  }
}
