/** Event types the platform understands (DESIGN.md, "Event in"); add freely, never rename. */
export const EVENT_TYPES = [
  'transaction',
  'refund',
  'chargeback',
  'login',
  'logout',
  'signup',
  'password_change',
  'page_view',
  'search',
  'add_to_cart',
  'checkout',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Money moves: these carry amount and currency; merchantId where the business has merchants (a single
 * shop has none). A chargeback needs only the id of the transaction it disputes: card networks'
 * dispute feeds often give nothing else, and the platform looks the rest up.
 */
export const MONETARY_EVENT_TYPES: readonly EventType[] = ['transaction', 'refund'];
