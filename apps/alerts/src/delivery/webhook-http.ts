import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export interface WebhookAnswer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** The receiver did not answer in time. */
export class WebhookTimeoutError extends Error {}

const agents: Record<string, HttpAgent> = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/** Resolves the URL's host to these addresses only: the ones the target policy checked. */
function pinnedLookup(addresses: string[]): LookupFunction {
  const all = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_host, options, callback) => {
    if (options.all) (callback as unknown as (error: null, addresses: typeof all) => void)(null, all);
    else callback(null, all[0].address, all[0].family);
  };
}

/**
 * POSTs a webhook to the checked addresses of its URL's host (TLS still verifies the host name), never
 * following a redirect, and answers once the body has been read and dropped.
 */
export function postWebhook(url: URL, addresses: string[], body: string, headers: Record<string, string>, timeoutMs: number): Promise<WebhookAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    // The timeout covers the whole exchange, body included: an abort surfaces as an error of either side.
    const fail = (error: Error) => reject(signal.aborted ? new WebhookTimeoutError(`no answer within ${timeoutMs} ms`) : error);
    const request = send(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol],
        lookup: pinnedLookup(addresses),
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        response.on('error', fail);
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}
