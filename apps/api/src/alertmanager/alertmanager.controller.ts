import {
  Body,
  Catch,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Req,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ConcurrencyConflictError, DomainRuleError } from '@kb/domain';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { authorizeHttp } from '../auth/http-authorization';
import { requestCorrelationId } from '../http/correlation-id';
import { AlertIntake, type AlertIntakeAnswer } from './alert-intake';
import { parseAlertmanagerPayload } from './alertmanager-payload';

/** The little of Express's response the error filter uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
  setHeader(name: string, value: string): void;
}

/**
 * Refusals as JSON: 400 BAD_USER_INPUT with the field and the rule (nothing was written), 401, 403;
 * and 503 with Retry-After when the group was changed concurrently too often (Alertmanager retries
 * a 5xx, not a 4xx).
 */
@Catch(DomainRuleError, ConcurrencyConflictError, HttpException)
class AlertmanagerErrorFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (error instanceof HttpException) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    if (error instanceof ConcurrencyConflictError) {
      response.setHeader('Retry-After', '1');
      response
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .json({ code: 'CONFLICT', message: `${error.message} Alertmanager retries on its own.` });
      return;
    }
    const { field, message } = error as DomainRuleError;
    response.status(HttpStatus.BAD_REQUEST).json({ code: 'BAD_USER_INPUT', field, message });
  }
}

/**
 * `POST /ingest/alertmanager`: Prometheus Alertmanager's webhook (payload version 4), for
 * CONTRIBUTOR keys and above (`Authorization: Bearer <secret>`, what `http_config.authorization`
 * sends). Answers `200 {"incidentId": "<uuid>"}`, the incident of the group's episode, or
 * `{"incidentId": null}` for a resolved group that never had one (docs/integrations.md).
 */
@Controller('ingest')
@UseFilters(AlertmanagerErrorFilter)
export class AlertmanagerController {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly intake: AlertIntake,
  ) {}

  @Post('alertmanager')
  @HttpCode(HttpStatus.OK)
  async receive(
    @Headers('authorization') authorization: string | undefined,
    @Req() req: IncomingMessage,
    @Body() body: unknown,
  ): Promise<AlertIntakeAnswer> {
    const apiKeyId = await this.authorize(authorization);
    const notification = parseAlertmanagerPayload(body);
    return this.intake.receive(notification, {
      actor: apiKeyId,
      correlationId: requestCorrelationId(req),
    });
  }

  private async authorize(authorization: string | undefined): Promise<string> {
    const principal = await authorizeHttp(this.authenticator, authorization, {
      role: 'CONTRIBUTOR',
      what: 'report incidents',
      where: 'http_config.authorization in the webhook_config',
    });
    return principal.apiKeyId;
  }
}
