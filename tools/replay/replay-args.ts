export interface ReplayArgs {
  group: string;
  from: Date;
  topics: string[];
  busUrl: string;
  dryRun: boolean;
}

export const REPLAY_USAGE = `usage: npm run replay -- --group <consumer group> --from <ISO time> [--topic <topic>]... [--bus <BUS_URL>] [--dry-run]

Rewinds a consumer group so its service reads again every record at or after --from.
Stop (or pause) the service first; its idempotent effects make the second reading safe.
Without --topic, every topic the group has consumed is rewound. --bus defaults to $BUS_URL.`;

/** Parses the command line; throws with a message meant for the person who typed it. */
export function parseReplayArgs(argv: string[], env: Record<string, string | undefined>): ReplayArgs {
  const values = new Map<string, string[]>();
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') {
      dryRun = true;
      continue;
    }
    if (!['--group', '--from', '--topic', '--bus'].includes(arg)) throw new Error(`unknown argument "${arg}"`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    values.set(arg, [...(values.get(arg) ?? []), value]);
  }
  const group = values.get('--group')?.[0];
  if (!group) throw new Error('--group is required');
  const fromText = values.get('--from')?.[0];
  if (!fromText) throw new Error('--from is required');
  const from = new Date(fromText);
  if (!/^\d{4}-\d{2}-\d{2}/.test(fromText) || Number.isNaN(from.getTime()))
    throw new Error(`--from must be an ISO-8601 time such as 2026-11-23T08:00:00Z, got "${fromText}"`);
  const busUrl = values.get('--bus')?.[0] ?? env.BUS_URL;
  if (!busUrl) throw new Error('--bus or BUS_URL is required');
  return { group, from, topics: values.get('--topic') ?? [], busUrl, dryRun };
}
