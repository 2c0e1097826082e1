import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API_KEY_STREAM_PREFIX, DomainRuleError, apiKeyStream } from '@kb/domain';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector } from '@kb/read-models';
import { hashApiKeySecret, generateApiKeySecret } from '../auth/api-key-secret';
import { CommandExecutor, nameBasedUuid, SYSTEM_ACTOR, type CommandContext } from '@kb/event-sourcing';
import { SecretFileExistsError, writeSecretFileOnce } from './bootstrap-secret-file';

export const API_KEY_BOOTSTRAP_OPTIONS = Symbol('API_KEY_BOOTSTRAP_OPTIONS');

export interface ApiKeyBootstrapOptions {
  readonly dataDir: string;
  /** KB_BOOTSTRAP_API_KEY. */
  readonly bootstrapApiKey?: string;
  /** Longest wait for the projections to reach the new key before the service listens. Default 15 s. */
  readonly projectionWaitMs?: number;
}

export const BOOTSTRAP_SECRET_FILE = 'bootstrap-api-key.txt';
/** The first key's id, the same everywhere: two instances starting at once create one key, not two. */
export const FIRST_API_KEY_ID = nameBasedUuid('ApiKey\nfirst ADMIN key, made at start-up');
/** The id of the key of a KB_BOOTSTRAP_API_KEY secret (by its hash): one key per secret, ever. */
export const configuredApiKeyId = (secretHash: string) =>
  nameBasedUuid(`ApiKey\nKB_BOOTSTRAP_API_KEY\n${secretHash}`);

/**
 * Makes sure an ADMIN can get in (docs/adr/0005-api-keys.md), at start-up, before the service listens:
 * - with KB_BOOTSTRAP_API_KEY, an ADMIN key with that secret exists (created once; a revoked one
 *   stays revoked);
 * - else, when the event store holds no API key at all, an ADMIN key named `bootstrap` is created
 *   and its secret written to `<DATA_DIR>/bootstrap-api-key.txt` (0600, never overwritten).
 * Then it waits, bounded, for the projections to reach the key, so it works from the first request.
 * Runs after the projector started: ReadSideModule is global, and Nest runs the start-up hooks of
 * global modules first.
 */
@Injectable()
export class ApiKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    @Inject(API_KEY_BOOTSTRAP_OPTIONS) private readonly options: ApiKeyBootstrapOptions,
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const position =
      this.options.bootstrapApiKey !== undefined
        ? await this.ensureConfiguredKey(this.options.bootstrapApiKey)
        : await this.createFirstKeyWhenThereIsNone();
    if (position === null) return;
    const waitMs = this.options.projectionWaitMs ?? 15_000;
    if (!(await this.projector.waitForPosition(position, waitMs)))
      this.logger.warn(
        `The read models have not reached the bootstrap API key within ${waitMs} ms; it authenticates once they do.`,
      );
  }

  /** The position of the configured key's last event (to wait for), created when missing. */
  private async ensureConfiguredKey(secret: string): Promise<string | null> {
    const secretHash = hashApiKeySecret(secret);
    const apiKeyId = configuredApiKeyId(secretHash);
    const existing = await this.executor.load(apiKeyStream, apiKeyId);
    if (existing.state.exists) {
      if (existing.state.revokedAt !== null)
        this.logger.warn(
          `The API key of KB_BOOTSTRAP_API_KEY (${apiKeyId}) was revoked at ${existing.state.revokedAt} and stays revoked. Set a new secret for a new ADMIN key.`,
        );
      return existing.events[existing.events.length - 1].stored.position;
    }
    const created = await this.create(apiKeyId, 'KB_BOOTSTRAP_API_KEY', secretHash);
    if (created === null) return this.ensureConfiguredKey(secret); // another instance created it
    this.logger.log(`The ADMIN API key of KB_BOOTSTRAP_API_KEY was created (${apiKeyId}).`);
    return created;
  }

  private async createFirstKeyWhenThereIsNone(): Promise<string | null> {
    const anyKey = await this.store.readAll({
      filter: { streamPrefixes: [API_KEY_STREAM_PREFIX] },
      maxCount: 1,
    });
    if (anyKey.length > 0) return null;

    const file = resolve(join(this.options.dataDir, BOOTSTRAP_SECRET_FILE));
    const secret = generateApiKeySecret();
    try {
      writeSecretFileOnce(file, secret);
    } catch (error) {
      if (!(error instanceof SecretFileExistsError)) throw error;
      throw new Error(
        `${file} already exists, but the event store holds no API key: it is left from a start that failed before its key was stored, or it belongs to another event store. It is not overwritten. Move it away (or set KB_BOOTSTRAP_API_KEY) and start again.`,
      );
    }
    let position: string | null;
    try {
      position = await this.create(FIRST_API_KEY_ID, 'bootstrap', hashApiKeySecret(secret));
    } catch (error) {
      rmSync(file, { force: true }); // its secret opens nothing
      throw error;
    }
    if (position === null) {
      rmSync(file, { force: true });
      this.logger.log(
        'Another instance created the first ADMIN API key at the same time; its secret is in that instance’s DATA_DIR.',
      );
      return null;
    }
    this.logger.log(`An ADMIN API key was created; its secret is in ${file} (readable only by this user)`);
    return position;
  }

  /** Appends the ADMIN key as `system`; null when a key with this id exists already. */
  private async create(apiKeyId: string, name: string, secretHash: string): Promise<string | null> {
    const context: CommandContext = { actor: SYSTEM_ACTOR, correlationId: `start-up-${randomUUID()}` };
    try {
      const outcome = await this.executor.execute(
        apiKeyStream,
        apiKeyId,
        { type: 'CreateApiKey', apiKeyId, name, role: 'ADMIN', secretHash },
        context,
        { operation: 'CreateApiKey', input: { name, role: 'ADMIN' } },
      );
      return outcome.position;
    } catch (error) {
      if (error instanceof DomainRuleError && error.field === 'apiKeyId') return null;
      throw error;
    }
  }
}
