import { Inject, Injectable } from '@nestjs/common';
import { ApiError, APP_CONFIG } from '@app/platform';
import { serviceUrlOf, type ConsoleConfig, type ConsoleService } from '../console.config';

export interface ServiceAnswer {
  status: number;
  /** The parsed JSON body, or the text of any other body; null when there is none. */
  body: unknown;
  retryAfter: string | null;
}

export interface ServiceRequest {
  method?: string;
  body?: unknown;
  /** The signed-in person the console acts for: the services' audit trail names them beside the key. */
  onBehalfOf?: string;
  /** Without the console's key: /health and /metrics ask for none. */
  anonymous?: boolean;
}

/** Calls a service with the console's key (CONSOLE_API_KEY), within CONSOLE_UPSTREAM_TIMEOUT_MS. */
@Injectable()
export class ServiceClient {
  constructor(@Inject(APP_CONFIG) private readonly config: ConsoleConfig) {}

  /**
   * An endless answer (server-sent events) as it comes: connected within CONSOLE_UPSTREAM_TIMEOUT_MS,
   * then open until `signal` aborts it or the service ends it.
   */
  async stream(service: ConsoleService, path: string, signal: AbortSignal, onBehalfOf: string): Promise<Response> {
    const connected = AbortSignal.timeout(this.config.CONSOLE_UPSTREAM_TIMEOUT_MS);
    const aborted = new AbortController();
    const abort = () => aborted.abort();
    signal.addEventListener('abort', abort);
    connected.addEventListener('abort', abort);
    try {
      const response = await fetch(`${serviceUrlOf(this.config, service)}${path}`, {
        headers: { authorization: `Bearer ${this.config.CONSOLE_API_KEY}`, accept: 'text/event-stream', 'x-on-behalf-of': onBehalfOf },
        signal: aborted.signal,
      });
      connected.removeEventListener('abort', abort);
      return response;
    } catch (error) {
      throw new ApiError(502, 'SERVICE_UNREACHABLE', `${service} did not answer: ${(error as Error).message}`, { service });
    }
  }

  async call(service: ConsoleService, path: string, request: ServiceRequest = {}): Promise<ServiceAnswer> {
    let response: Response;
    try {
      response = await fetch(`${serviceUrlOf(this.config, service)}${path}`, {
        method: request.method ?? 'GET',
        headers: {
          ...(request.anonymous ? {} : { authorization: `Bearer ${this.config.CONSOLE_API_KEY}` }),
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(request.onBehalfOf ? { 'x-on-behalf-of': request.onBehalfOf } : {}),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.config.CONSOLE_UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      const why = (error as Error).name === 'TimeoutError' ? `no answer within ${this.config.CONSOLE_UPSTREAM_TIMEOUT_MS} ms` : (error as Error).message;
      throw new ApiError(502, 'SERVICE_UNREACHABLE', `${service} did not answer: ${why}`, { service });
    }
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: text === '' ? null : json ? (JSON.parse(text) as unknown) : text, retryAfter: response.headers.get('retry-after') };
  }
}
