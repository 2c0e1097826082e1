import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files `npm run build` writes for the dashboard (scripts/build-dashboard.js), by URL name. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css.map': 'application/json; charset=utf-8',
};

export interface DashboardAsset {
  readonly modifiedMs: number;
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** The directory holding package.json above `from`: the repository (or the image's /app). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}

export const DEFAULT_DASHBOARD_DIR = join(packageRoot(), 'dist', 'dashboard');

/**
 * The built dashboard, read from `directory` and kept in memory (a handful of files under two
 * megabytes) until `npm run build` writes them again. Only the names above are served, so no
 * request path reaches the file system.
 */
export class DashboardAssets {
  private readonly cache = new Map<string, DashboardAsset>();

  constructor(readonly directory: string) {}

  /** The asset, or undefined for an unknown name or a dashboard that is not built. */
  get(name: string): DashboardAsset | undefined {
    const contentType = FILES[name];
    if (contentType === undefined) return undefined;
    const path = join(this.directory, name);
    let modifiedMs: number;
    let body: Buffer;
    try {
      modifiedMs = statSync(path).mtimeMs;
      const cached = this.cache.get(name);
      if (cached?.modifiedMs === modifiedMs) return cached;
      body = readFileSync(path);
    } catch {
      return undefined;
    }
    const asset = {
      modifiedMs,
      body,
      contentType,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    this.cache.set(name, asset);
    return asset;
  }
}
