import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last bus offset whose effects are in the profiles, per consumer group and partition. Written in
 * the same transaction as the profiles, so a redelivered record (at or below it) is recognised and
 * skipped: exactly-once effects over an at-least-once bus.
 */
@Entity({ name: 'consumer_positions' })
export class ConsumerPositionEntity {
  @PrimaryColumn({ name: 'group_name', type: 'text' })
  groupName!: string;

  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @Column({ name: 'last_offset', type: 'text' })
  lastOffset!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
