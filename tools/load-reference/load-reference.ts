/**
 * `npm run load-reference -- --merchants m.csv --deny-ips ips.csv --deny-devices d.csv --deny-email-domains e.csv [--skip-invalid] [--redis URL]`
 * Replaces each named dataset in Redis atomically (ingest sees the old or the new set, never half).
 * CSV headers: merchants `merchantId,category,riskTier`; deny-lists `ip`, `deviceId`, `domain`.
 */
import Redis from 'ioredis';
import { ReferenceDataWriter, type SetDataset } from '@app/enrichment';
import { merchantRows, setRows } from './reference-rows';

const FLAGS: Record<string, SetDataset | 'merchants'> = {
  '--merchants': 'merchants',
  '--deny-ips': 'denyIps',
  '--deny-devices': 'denyDevices',
  '--deny-email-domains': 'denyEmailDomains',
};
const USAGE =
  'usage: npm run load-reference -- [--merchants FILE] [--deny-ips FILE] [--deny-devices FILE] [--deny-email-domains FILE] [--skip-invalid] [--redis URL]';

async function main(argv: string[]): Promise<void> {
  const files: Array<[SetDataset | 'merchants', string]> = [];
  let redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let skipInvalid = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--skip-invalid') skipInvalid = true;
    else if (argv[i] === '--redis') redisUrl = argv[++i];
    else if (FLAGS[argv[i]] && argv[i + 1]) files.push([FLAGS[argv[i]], argv[++i]]);
    else throw new Error(`unknown or incomplete argument "${argv[i]}"\n${USAGE}`);
  }
  if (files.length === 0) throw new Error(`name at least one file\n${USAGE}`);

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const writer = new ReferenceDataWriter(redis);
  try {
    for (const [dataset, file] of files) {
      const progress = (n: number) => process.stderr.write(`\r${dataset}: ${n} rows written`);
      let count: number;
      let skipped: string[];
      if (dataset === 'merchants') {
        const source = merchantRows(file, skipInvalid);
        count = await writer.replaceMerchants(source.rows, progress);
        skipped = source.skipped();
      } else {
        const source = setRows(dataset, file, skipInvalid);
        count = await writer.replaceSet(dataset, source.rows, progress);
        skipped = source.skipped();
      }
      process.stderr.write('\n');
      console.log(`${dataset}: ${count} loaded from ${file}${skipped.length ? `, ${skipped.length} invalid row(s) skipped (first: ${skipped[0]})` : ''}`);
    }
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`load-reference: ${(error as Error).message}`);
  process.exit(1);
});
