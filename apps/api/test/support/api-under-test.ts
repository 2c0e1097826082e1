/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/create-app';

/** The ADMIN secret every ApiUnderTest starts with (KB_BOOTSTRAP_API_KEY). */
export const ADMIN_SECRET = 'e2e-admin-secret-0123456789abcdef';

export interface GraphQLResponse<Data = Record<string, any>> {
  status: number;
  contentType: string | null;
  body: {
    data?: Data | null;
    errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  };
}

/**
 * The service as it is served, on the embedded default (a temp DATA_DIR) or with `env` (e.g.
 * DATABASE_URL), listening on a free port, driven over real HTTP (fetch) and WebSocket (graphql-ws).
 */
export class ApiUnderTest {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly dataDir: string,
  ) {}

  /**
   * `logger`: where the service's log goes (by default nowhere). Like local development, it runs with
   * WEBHOOK_ALLOW_PRIVATE=true (webhooks to receivers on 127.0.0.1) unless `env` says otherwise, and
   * without request budgets (RATE_LIMIT_PER_SECOND=0): tests send as fast as they can with one key.
   */
  static async start(
    env: NodeJS.ProcessEnv = {},
    options: {
      logger?: LoggerService;
      /** Runs on the fresh DATA_DIR before the service starts (to write a demo history into it, say). */
      prepare?: (dataDir: string) => Promise<void>;
    } = {},
  ): Promise<ApiUnderTest> {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-e2e-'));
    await options.prepare?.(dataDir);
    const app = await createApp(
      loadConfig({
        DATA_DIR: dataDir,
        KB_BOOTSTRAP_API_KEY: ADMIN_SECRET,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        RATE_LIMIT_PER_SECOND: '0',
        ...env,
      }),
      {
        logger: options.logger ?? false,
      },
    );
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return new ApiUnderTest(app, `http://127.0.0.1:${port}`, dataDir);
  }

  async stop(): Promise<void> {
    await this.app.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** POSTs a GraphQL request as a client would (JSON, with the API key). */
  async graphql<Data = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options: { secret?: string | null; headers?: Record<string, string> } = {},
  ): Promise<GraphQLResponse<Data>> {
    const secret = options.secret === undefined ? ADMIN_SECRET : options.secret;
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: (await response.json()) as GraphQLResponse<Data>['body'],
    };
  }

  /** Like `graphql`, but fails the test unless the response has data and no errors. */
  async data<Data = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    secret?: string,
  ): Promise<Data> {
    const { body } = await this.graphql<Data>(query, variables, { secret });
    if (body.errors?.length || !body.data)
      throw new Error(`GraphQL errors: ${JSON.stringify(body.errors ?? body)}`);
    return body.data;
  }

  /** An API key of `role` (created by the ADMIN key); returns its secret. */
  async keyFor(role: 'VIEWER' | 'ANALYST' | 'CONTRIBUTOR' | 'ADMIN', name = `${role.toLowerCase()} key`) {
    const data = await this.data<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }',
      { input: { name, role } },
    );
    return { secret: data.createApiKey.secret, id: data.createApiKey.apiKey.id };
  }

  /** A graphql-ws client on /graphql, authenticated by connectionParams. Dispose it after use. */
  wsClient(secret: string | null = ADMIN_SECRET): Client {
    return createClient({
      url: `${this.baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: secret === null ? {} : { authorization: `Bearer ${secret}` },
      retryAttempts: 0,
      lazy: true,
    });
  }
}
