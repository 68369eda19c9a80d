import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A fraud team's receiver (migrations/1795500000000-create-webhooks.ts). */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Alerts below this score are not sent (null: all). */
  @Column({ name: 'min_score', type: 'double precision', nullable: true })
  minScore!: number | null;

  /** Event types to send ([]: all). */
  @Column({ name: 'event_types', type: 'jsonb' })
  eventTypes!: string[];

  /** Send only alerts carrying one of these reason codes ([]: all). */
  @Column({ name: 'reason_codes', type: 'jsonb' })
  reasonCodes!: string[];

  /** Signing secret (`whsec_...`); it must be stored to sign, and never leaves the service except at creation and rotation. */
  @Column({ type: 'text' })
  secret!: string;

  /** The secret before the last rotation, still signed with until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** Deliveries to this endpoint at once, so one slow receiver never holds up the others. */
  @Column({ name: 'max_in_flight', type: 'integer' })
  maxInFlight!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
