import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { SCOPES } from './http/api-keys';
import { HttpErrorFilter } from './http/http-error.filter';
import { leaveBodiesUnread, type HttpServerOptions } from './http/http-server';
import { observeRequests } from './http/request-metrics';

/** Everything main.ts does to an app before listening; integration tests call it too, so they test the real thing. */
export function configureApp(app: INestApplication, service: string, description: string, http: HttpServerOptions = {}): INestApplication {
  app.useLogger(app.get(Logger));
  if (http.bodyParser === false) leaveBodiesUnread(app);
  observeRequests(app);
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter()));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const builder = new DocumentBuilder().setTitle(`Sentinel Stream ${service}`).setDescription(description).setVersion('1');
  // One bearer scheme per scope: each route's security names the scope its key needs (RequireScope).
  for (const scope of SCOPES)
    builder.addBearerAuth({ type: 'http', scheme: 'bearer', description: `An API key with the ${scope} scope (API_KEYS: ${scope}=SECRET)` }, scope);
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
