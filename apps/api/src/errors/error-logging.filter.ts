import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { pathForLog, withoutEchoedInput } from '../http/log-redaction';
import { httpStatusOf, isClientHttpStatus } from './client-errors';

/** The little of an Express request this names in its log line. */
interface RequestLine {
  method?: string;
  originalUrl?: string;
}

/**
 * Nest's last word on an error no other filter took, so that a client's mistake is not logged as
 * a failure of the service:
 *
 * - GraphQL: the error goes on to Apollo as it is. `formatApiError` gives it its code and logs it
 *   once (Nest's default would log every refusal of a resolver, a bad cursor or a FORBIDDEN too, at
 *   error level with its stack, and an unexpected error a second time).
 * - HTTP: a 4xx (a Nest HttpException, or body-parser's 400 and 413) is logged at debug level
 *   without a stack and answered as Nest would; anything else is Nest's (500, logged with its stack).
 */
@Catch()
export class ErrorLoggingFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<string>() === 'graphql') throw exception;
    const status = httpStatusOf(exception);
    if (host.getType() === 'http' && isClientHttpStatus(status)) {
      const request = host.switchToHttp().getRequest<RequestLine>();
      const message = exception instanceof Error ? exception.message : String(exception);
      // Neither the query string (GraphQL GET's document and variables) nor the body: JSON.parse's
      // message (which Nest passes on as a BadRequestException's) quotes the text it could not parse.
      const logged = /\bJSON\b/.test(message) ? 'the body is not valid JSON' : withoutEchoedInput(message);
      this.logger.debug(`${status} ${request.method ?? ''} ${pathForLog(request.originalUrl)}: ${logged}`);
      if (!(exception instanceof HttpException)) {
        // body-parser's errors (http-errors) are answered as Nest's default does, without its error log.
        const expose = (exception as { expose?: unknown }).expose !== false;
        const body = { statusCode: status, message: expose ? message : (STATUS_CODES[status] ?? message) };
        super.catch(new HttpException(body, status), host);
        return;
      }
    }
    super.catch(exception, host);
  }
}
