import { Injectable } from '@nestjs/common';

/**
 * Whether this process has begun to shut down: set by the graceful shutdown on SIGTERM or SIGINT,
 * read by `/health/ready`, which answers 503 from that moment so load balancers send traffic elsewhere.
 */
@Injectable()
export class ShutdownState {
  private begun: { readonly signal: string; readonly at: number } | undefined;
  private readonly now = Date.now;

  get shuttingDown(): boolean {
    return this.begun !== undefined;
  }

  /** Marks the shutdown as begun; false when it already had (a second signal starts nothing). */
  begin(signal: string): boolean {
    if (this.begun) return false;
    this.begun = { signal, at: this.now() };
    return true;
  }

  /** Why this process is not ready, in words (undefined while it is not shutting down). */
  reason(): string | undefined {
    if (!this.begun) return undefined;
    const seconds = ((this.now() - this.begun.at) / 1000).toFixed(1);
    return `The service is shutting down (${this.begun.signal} received ${seconds} s ago): send new requests to another instance.`;
  }
}
