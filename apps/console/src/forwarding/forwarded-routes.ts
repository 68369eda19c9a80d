import type { ConsoleService } from '../console.config';

export type ForwardedMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request of the console's pages that the console makes to a service with its own key. */
export interface ForwardedRoute {
  method: ForwardedMethod;
  /** The console's path under /api, `:name` matching one path segment. */
  path: string;
  service: ConsoleService;
  /** The service's path, with the same `:name` segments. */
  target: string;
}

/**
 * Everything the console's pages may ask of the services: nothing else is forwarded, so a signed-in
 * browser reaches no service route the console does not use (it never holds the key itself).
 */
export const FORWARDED_ROUTES: readonly ForwardedRoute[] = [
  { method: 'GET', path: '/alerts', service: 'alerts', target: '/v1/alerts' },
  { method: 'GET', path: '/dead-letters', service: 'alerts', target: '/v1/dead-letters' },
  { method: 'GET', path: '/profiles/:userId', service: 'profile-api', target: '/v1/profiles/:userId' },
  { method: 'GET', path: '/users/:userId/events', service: 'lake', target: '/v1/users/:userId/events' },
  { method: 'GET', path: '/users/:userId/scores', service: 'scoring', target: '/v1/users/:userId/scores' },
  { method: 'GET', path: '/features', service: 'scoring', target: '/v1/features' },
  { method: 'GET', path: '/rules', service: 'scoring', target: '/v1/rules' },
  { method: 'POST', path: '/rules/preview', service: 'scoring', target: '/v1/rules/preview' },
  { method: 'PUT', path: '/rules/:id', service: 'scoring', target: '/v1/rules/:id' },
  { method: 'DELETE', path: '/rules/:id', service: 'scoring', target: '/v1/rules/:id' },
  { method: 'GET', path: '/models/active', service: 'scoring', target: '/v1/models/active' },
  { method: 'PUT', path: '/models/active', service: 'scoring', target: '/v1/models/active' },
  { method: 'GET', path: '/models/shadow', service: 'scoring', target: '/v1/models/shadow' },
  { method: 'PUT', path: '/models/shadow', service: 'scoring', target: '/v1/models/shadow' },
  { method: 'DELETE', path: '/models/shadow', service: 'scoring', target: '/v1/models/shadow' },
  { method: 'POST', path: '/models/shadow/promote', service: 'scoring', target: '/v1/models/shadow/promote' },
  { method: 'GET', path: '/webhooks', service: 'alerts', target: '/v1/webhooks' },
  { method: 'GET', path: '/webhooks/:id/deliveries', service: 'alerts', target: '/v1/webhooks/:id/deliveries' },
  { method: 'POST', path: '/webhooks/:id/deliveries/:deliveryId/replay', service: 'alerts', target: '/v1/webhooks/:id/deliveries/:deliveryId/replay' },
  { method: 'POST', path: '/webhooks/:id/replay', service: 'alerts', target: '/v1/webhooks/:id/replay' },
  { method: 'POST', path: '/webhooks/:id/rotate-secret', service: 'alerts', target: '/v1/webhooks/:id/rotate-secret' },
  { method: 'PATCH', path: '/webhooks/:id', service: 'alerts', target: '/v1/webhooks/:id' },
];

/** One path segment as it arrived, still percent-encoded: never a separator, never `.` or `..`. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._~%@:+-]+$/;

/** The service and path a console request goes to, or null when no route forwards it. */
export function forwardingOf(
  method: string,
  path: string,
  routes: readonly ForwardedRoute[] = FORWARDED_ROUTES,
): { service: ConsoleService; path: string } | null {
  const segments = path.split('/').slice(1);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const values = new Map<string, string>();
    const matches = pattern.every((part, i) => {
      if (part.startsWith(':')) return SEGMENT.test(segments[i]) && Boolean(values.set(part, segments[i]));
      return part === segments[i];
    });
    if (matches) return { service: route.service, path: route.target.replace(/:[A-Za-z]+/g, (name) => values.get(name) as string) };
  }
  return null;
}
