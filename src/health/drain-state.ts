import { Injectable } from '@nestjs/common';

/**
 * Whether this process is draining before it stops (SIGTERM). While it drains, /ready answers
 * 503 so load balancers stop routing here, and every response asks its client to close the
 * connection, so keep-alive clients reconnect elsewhere instead of reusing a socket that is about
 * to close. Requests are still served normally until the listener closes.
 */
@Injectable()
export class DrainState {
  private startedAt: number | undefined;

  get draining(): boolean {
    return this.startedAt !== undefined;
  }

  begin(): void {
    this.startedAt ??= Date.now();
  }
}
