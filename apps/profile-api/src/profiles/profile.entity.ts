import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The profiles table (migrations/1795400000000-create-profiles.ts creates it). */
@Entity({ name: 'profiles' })
export class ProfileEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz', nullable: true })
  firstSeenAt!: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ name: 'event_count', type: 'integer' })
  eventCount!: number;

  @Column({ name: 'counts_by_type', type: 'jsonb' })
  countsByType!: Record<string, number>;

  @Column({ name: 'transaction_count', type: 'integer' })
  transactionCount!: number;

  @Column({ name: 'total_amount', type: 'double precision' })
  totalAmount!: number;

  @Column({ name: 'last_country', type: 'text', nullable: true })
  lastCountry!: string | null;

  @Column({ name: 'last_city', type: 'text', nullable: true })
  lastCity!: string | null;

  @Column({ name: 'last_located_at', type: 'timestamptz', nullable: true })
  lastLocatedAt!: Date | null;

  @Column({ type: 'jsonb' })
  countries!: string[];

  @Column({ type: 'jsonb' })
  devices!: string[];

  @Column({ name: 'page_categories', type: 'jsonb' })
  pageCategories!: Record<string, number>;

  @Column({ name: 'last_risk_score', type: 'double precision', nullable: true })
  lastRiskScore!: number | null;

  @Column({ name: 'last_scored_at', type: 'timestamptz', nullable: true })
  lastScoredAt!: Date | null;

  @Column({ name: 'risk_band', type: 'text' })
  riskBand!: string;

  @Column({ name: 'alert_count', type: 'integer' })
  alertCount!: number;

  @Column({ name: 'recent_alert_event_ids', type: 'jsonb' })
  recentAlertEventIds!: string[];

  @Column({ name: 'recent_event_ids', type: 'jsonb' })
  recentEventIds!: string[];

  @Column({ type: 'jsonb' })
  segments!: string[];

  /** Bumped by every write: the ETag. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
