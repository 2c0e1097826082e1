/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** GraphQL over HTTP to a service at `baseUrl` (a ServiceProcess, or one started otherwise). */
export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    readonly secret: string,
  ) {}

  /** The data of a query or mutation; fails on GraphQL errors. */
  async data<Data = any>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.secret}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data as Data;
  }

  /**
   * Every node of a connection query (`incidents`, `actionItems`), page after page, in its order.
   * Pages are small: every field of every node costs, and the service limits a query's cost.
   */
  async all(field: 'incidents' | 'actionItems', fields: string, pageSize = 10): Promise<any[]> {
    const nodes: any[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await this.data(
        `query($after: String, $first: Int) { ${field}(first: $first, after: $after) {
           edges { node { ${fields} } } pageInfo { hasNextPage endCursor } } }`,
        { after, first: pageSize },
      );
      nodes.push(...data[field].edges.map((edge: any) => edge.node));
      if (!data[field].pageInfo.hasNextPage) return nodes;
      after = data[field].pageInfo.endCursor;
    }
  }
}

/** Runs a built CLI (`dist/apps/api/src/cli/<name>.js`) as npm run would, with `env`; never throws. */
export function runCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, `dist/apps/api/src/cli/${name}.js`), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? exitCodeOf(error) : 0, stdout, stderr }),
    );
  });
}

function exitCodeOf(error: Error): number {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : 1;
}
