import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignInRequired } from './session.guard';

/** A page asked for without a session: to the sign-in page, and back here after it. */
@Catch(SignInRequired)
export class SignInRedirectFilter implements ExceptionFilter {
  catch(_: SignInRequired, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    host
      .switchToHttp()
      .getResponse<Response>()
      .redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
  }
}
