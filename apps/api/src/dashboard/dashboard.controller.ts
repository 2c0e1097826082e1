import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DashboardAssets, type DashboardAsset } from './dashboard-assets';

/**
 * The page may run only its own script and talk only to this service. Observable Plot writes a
 * `<style>` element and style attributes into each chart it draws, hence `'unsafe-inline'` for
 * styles (never for scripts); the page renders no HTML from data, only text.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT =
  'The dashboard is not built. `npm start` builds it; after changing its sources run `npm run build`.\n' +
  'The GraphQL API at /graphql works without it.\n';

/**
 * `GET /` serves the dashboard page and `GET /dashboard/<file>` its script and stylesheet: public
 * files, like any web page; the page asks for an API key and uses the GraphQL API with it.
 */
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Get()
  page(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: ServerResponse): void {
    const page = this.assets.get('index.html');
    if (!page) {
      res.statusCode = 503;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(NOT_BUILT);
      return;
    }
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-frame-options', 'DENY');
    send(page, ifNoneMatch, res);
  }

  @Get('dashboard/:file')
  file(
    @Param('file') file: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: ServerResponse,
  ): void {
    const asset = file === 'index.html' ? undefined : this.assets.get(file);
    if (!asset) {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`No dashboard file '${file.slice(0, 80)}'. The page is at /.\n`);
      return;
    }
    send(asset, ifNoneMatch, res);
  }
}

/** With a validator: browsers ask again each time (`no-cache`) and get 304 while nothing changed. */
function send(asset: DashboardAsset, ifNoneMatch: string | undefined, res: ServerResponse): void {
  res.setHeader('etag', asset.etag);
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  if (ifNoneMatch === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('content-type', asset.contentType);
  res.setHeader('content-length', asset.body.length);
  res.end(asset.body);
}
