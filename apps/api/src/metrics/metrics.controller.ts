import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ServiceMetrics } from './service-metrics';

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
export interface MetricsOptions {
  /** METRICS_KEY; undefined when /metrics is open (reachable only from the monitoring network, say). */
  readonly key?: string;
}

/**
 * `GET /metrics`: this process's metrics in Prometheus's text format, served by every process
 * whatever its KB_ROLES. With METRICS_KEY set, the scraper must send `Authorization: Bearer <key>`.
 */
@Controller('metrics')
export class MetricsController {
  private readonly keyDigest: Buffer | undefined;

  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(METRICS_OPTIONS) options: MetricsOptions,
  ) {
    this.keyDigest = options.key === undefined ? undefined : digest(options.key);
  }

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: ServerResponse) {
    if (this.keyDigest !== undefined && !this.authorized(authorization)) {
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException(
        'GET /metrics needs "Authorization: Bearer <METRICS_KEY>": the key this service was started with.',
      );
    }
    const text = await this.metrics.registry.metrics();
    res.setHeader('content-type', this.metrics.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(text);
  }

  /** Compares digests, so the time taken tells nothing of the key, its length included. */
  private authorized(authorization: string | undefined): boolean {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.keyDigest!);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
