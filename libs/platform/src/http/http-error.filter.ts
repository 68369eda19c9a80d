import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter, type HttpServer } from '@nestjs/common';
import { TransientError } from '@app/bus';
import { isTransientDatabaseError } from '../postgres-errors';
import { isTransientRedisError } from '../redis-errors';
import { ApiError } from './api-error';

const codeForStatus = (status: number) => (HttpStatus[status] ?? 'ERROR').toString();

/**
 * One error shape for every endpoint: { error: { code, message, details } } with the right status.
 * Answers through the app's HTTP adapter, so on either server (http-server.ts).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(private readonly http: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    const answer = (status: number, body: object) => this.http.reply(response, body, status);
    if (exception instanceof ApiError) {
      answer(exception.getStatus(), { error: { code: exception.code, message: exception.message, details: exception.details } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      // Terminus and other Nest parts put structured bodies here (readiness details): keep them as details.
      const details = typeof body === 'object' ? body : undefined;
      answer(status, { error: { code: codeForStatus(status), message: Array.isArray(message) ? message.join('; ') : String(message), details } });
      return;
    }
    // A store that is down or slow (a connection or statement timeout) is the service's trouble for a
    // while, not a bug: the client should retry.
    if (exception instanceof TransientError || isTransientDatabaseError(exception) || isTransientRedisError(exception)) {
      this.http.setHeader(response, 'Retry-After', '1');
      const message = exception instanceof TransientError ? exception.message : 'a store the service needs is unavailable or slow; try again shortly';
      answer(503, { error: { code: 'SERVICE_UNAVAILABLE', message } });
      return;
    }
    this.logger.error(exception);
    answer(500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
  }
}
