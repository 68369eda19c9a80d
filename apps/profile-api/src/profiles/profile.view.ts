import { z } from 'zod';
import { topCategories } from '../folding/fold-profile';
import type { StoredProfile } from './profile.repository';

/** A profile as GET /v1/profiles answers it (the DESIGN.md contract, extended): its published schema and its type. */
export const profileViewSchema = z
  .object({
    userId: z.string(),
    firstSeenAt: z.string().datetime().nullable(),
    lastSeenAt: z.string().datetime().nullable(),
    eventCount: z.number().int(),
    eventCountsByType: z.record(z.number().int()),
    transactionCount: z.number().int(),
    totalAmount: z.number(),
    averageAmount: z.number().nullable(),
    lastCountry: z.string().nullable(),
    lastCity: z.string().nullable(),
    lastDeviceType: z.string().nullable(),
    countries: z.array(z.string()),
    devices: z.array(z.string()),
    topPageCategories: z.array(z.string()),
    lastRiskScore: z.number().nullable(),
    riskBand: z.enum(['low', 'medium', 'high', 'unknown']),
    alertCount: z.number().int(),
    segments: z.array(z.string()),
    updatedAt: z.string().datetime(),
  })
  // Not strict: fields may be added to a response, and clients must take them.
  .passthrough();

export type ProfileView = z.infer<typeof profileViewSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toProfileView({ state, riskBand, segments, updatedAt }: StoredProfile): ProfileView {
  return {
    userId: state.userId,
    firstSeenAt: iso(state.firstSeenAt),
    lastSeenAt: iso(state.lastSeenAt),
    eventCount: state.eventCount,
    eventCountsByType: state.countsByType,
    transactionCount: state.transactionCount,
    totalAmount: state.totalAmount,
    averageAmount: state.transactionCount > 0 ? Math.round((state.totalAmount / state.transactionCount) * 100) / 100 : null,
    lastCountry: state.lastCountry,
    lastCity: state.lastCity,
    lastDeviceType: state.lastDeviceType,
    countries: state.countries,
    devices: state.devices,
    topPageCategories: topCategories(state),
    lastRiskScore: state.lastRiskScore,
    riskBand,
    alertCount: state.alertCount,
    segments,
    updatedAt: updatedAt.toISOString(),
  };
}

export const PROFILE_EXAMPLE: ProfileView = {
  userId: 'user-42',
  firstSeenAt: '2026-10-02T08:15:00.000Z',
  lastSeenAt: '2026-11-23T09:41:12.000Z',
  eventCount: 318,
  eventCountsByType: { page_view: 270, login: 30, transaction: 18 },
  transactionCount: 18,
  totalAmount: 1432.5,
  averageAmount: 79.58,
  lastCountry: 'GB',
  lastCity: 'London',
  lastDeviceType: 'mobile',
  countries: ['FR', 'GB'],
  devices: ['d-7f3a', 'd-91bc'],
  topPageCategories: ['shoes', 'bags'],
  lastRiskScore: 0.12,
  riskBand: 'low',
  alertCount: 0,
  segments: ['high_value'],
  updatedAt: '2026-11-23T09:41:12.480Z',
};
