import type { EventIn } from '@app/contracts';

/** The domain of an e-mail address the producer put in properties (email or emailDomain), lower-cased. */
export function emailDomainOf(event: EventIn): string | undefined {
  const props = event.properties ?? {};
  const explicit = typeof props.emailDomain === 'string' ? props.emailDomain : undefined;
  const email = typeof props.email === 'string' ? props.email : undefined;
  const domain = explicit ?? (email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : undefined);
  return domain?.trim().toLowerCase() || undefined;
}
