import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REGISTRY_DIR, TOPICS_DOC, registrations, registryCheck, schemaJson, topicsDoc } from './topic-schemas';

/**
 * `npm run contracts`: registers each topic schema that changed compatibly and writes docs/topics.md.
 * A change that would break a consumer is refused: it needs a new schemaVersion (and a codec that reads
 * the older ones).
 */
function main(): void {
  const checks = registryCheck(registrations());
  const breaking = checks.flatMap((check) => check.breaking);
  if (breaking.length > 0) {
    process.stderr.write(`refused, these changes would break existing consumers:\n${breaking.map((line) => `  ${line}`).join('\n')}\n`);
    process.exit(1);
  }
  for (const { schema, next } of checks.filter((check) => !check.upToDate)) {
    const file = join(REGISTRY_DIR, next.topic, `v${next.schemaVersion}.${next.number}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, schemaJson(schema));
    process.stdout.write(`registered ${relative(process.cwd(), file)}\n`);
  }
  writeFileSync(TOPICS_DOC, topicsDoc());
  process.stdout.write(`wrote ${relative(process.cwd(), TOPICS_DOC)}\n`);
}

main();
