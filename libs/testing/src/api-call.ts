/** One request to a service's API: a JSON body (when given), and the caller's key as a bearer token (when it holds one). */
export type ApiCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;

/** Calls the API at `baseUrl` as a client holding `apiKey` does. `baseUrl` may be a function: the service is often booted after the caller is made. */
export function apiCall(baseUrl: string | (() => string), apiKey?: string): ApiCall {
  return (method, path, body, headers = {}) =>
    fetch(`${typeof baseUrl === 'string' ? baseUrl : baseUrl()}${path}`, {
      method,
      headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}
