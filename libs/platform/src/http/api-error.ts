import { HttpException } from '@nestjs/common';

/** An error with a stable machine-readable code; rendered by HttpErrorFilter as { error: { code, message, details } }. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, status);
  }
}
