import { Controller, Get, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { SessionGuard, type SignedInRequest } from '../session/session.guard';
import { SignInRedirectFilter } from '../session/sign-in-redirect.filter';
import { CONSOLE_PAGES, pageHtml, type ConsolePageName } from './console-pages';

@ApiExcludeController()
@Controller()
export class PagesController {
  @Get()
  @Redirect('/alerts', 303)
  home(): void {}

  @Get(CONSOLE_PAGES.map((p) => p.name))
  @UseGuards(SessionGuard)
  @UseFilters(SignInRedirectFilter)
  page(@Req() request: SignedInRequest, @Res() response: Response): void {
    const page = request.path.slice(1) as ConsolePageName;
    const { user, csrfToken } = request.consoleSession;
    response.setHeader('Cache-Control', 'no-store');
    response.type('html').send(pageHtml(page as ConsolePageName, user, csrfToken));
  }
}
