import { apiKeyStream, type ApiKeyCommand, type ApiKeyEvent, type ApiKeyState } from '@kb/domain';
import { streamWriter, type OutcomeOf, type StreamWrite } from '@kb/event-sourcing';

export type ApiKeyOutcome = OutcomeOf<typeof apiKeyStream>;
export type ApiKeyWrite = StreamWrite<ApiKeyCommand, ApiKeyEvent, ApiKeyState>;

/** A command on the stream of the API key it names, sent with the caller's input. */
export const apiKeyWrite = streamWriter(apiKeyStream, (command) => command.apiKeyId);

/** The outcome of createApiKey: the write, plus the secret, which exists nowhere else. */
export type CreatedApiKeyOutcome = ApiKeyOutcome & { readonly secret: string };
