import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { TransientError } from '@app/bus';
import { ApiError } from './api-error';

const codeForStatus = (status: number) => (HttpStatus[status] ?? 'ERROR').toString();

/** One error shape for every endpoint: { error: { code, message, details } } with the right status. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ApiError) {
      response.status(exception.getStatus()).json({ error: { code: exception.code, message: exception.message, details: exception.details } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      // Terminus and other Nest parts put structured bodies here (readiness details): keep them as details.
      const details = typeof body === 'object' ? body : undefined;
      response.status(status).json({ error: { code: codeForStatus(status), message: Array.isArray(message) ? message.join('; ') : String(message), details } });
      return;
    }
    // A store that is down is the service's trouble for a while, not a bug: the client should retry.
    if (exception instanceof TransientError) {
      response.setHeader('Retry-After', '1');
      response.status(503).json({ error: { code: 'SERVICE_UNAVAILABLE', message: exception.message } });
      return;
    }
    this.logger.error(exception);
    response.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
  }
}
