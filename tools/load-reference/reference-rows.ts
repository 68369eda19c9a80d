import { createReadStream } from 'node:fs';
import { isIP } from 'node:net';
import { parse } from 'csv-parse';
import { canonicalIp } from '@app/net';
import type { MerchantRow, SetDataset } from '@app/enrichment';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** How each deny-list's values are checked and normalised: a wrong value would silently never match. */
export const SET_VALUES: Record<SetDataset, { column: string; normalise: (v: string) => string; valid: (v: string) => boolean }> = {
  denyIps: { column: 'ip', normalise: (v) => canonicalIp(v.trim()), valid: (v) => isIP(v) !== 0 },
  denyDevices: { column: 'deviceId', normalise: (v) => v.trim(), valid: (v) => ID.test(v) },
  denyEmailDomains: { column: 'domain', normalise: (v) => v.trim().toLowerCase(), valid: (v) => DOMAIN.test(v) },
};

export class InvalidRowsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file}: ${problems.length} invalid row(s), nothing loaded:\n${problems
        .slice(0, 10)
        .map((p) => `  ${p}`)
        .join('\n')}${problems.length > 10 ? `\n  ... and ${problems.length - 10} more` : ''}`,
    );
  }
}

type Rows<T> = { rows: AsyncIterable<T>; skipped: () => string[] };
type RowResult<T> = { value: T } | { problem: string };

/** Reads a CSV with a header row; a bad row fails the load (or is skipped and reported, with skipInvalid). */
function readCsv<T>(file: string, toRow: (record: Record<string, string>) => RowResult<T>, skipInvalid: boolean): Rows<T> {
  const problems: string[] = [];
  async function* rows() {
    const parser = createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
    let line = 1;
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      line++;
      const row = toRow(record);
      if ('problem' in row) {
        problems.push(`line ${line}: ${row.problem}`);
        continue;
      }
      if (problems.length === 0 || skipInvalid) yield row.value;
    }
    if (problems.length > 0 && !skipInvalid) throw new InvalidRowsError(file, problems);
  }
  return { rows: rows(), skipped: () => problems };
}

export function merchantRows(file: string, skipInvalid: boolean): Rows<MerchantRow> {
  return readCsv<MerchantRow>(
    file,
    (r) => {
      if (!r.merchantId || !ID.test(r.merchantId))
        return { problem: `merchantId "${r.merchantId ?? ''}" is not an id (columns: merchantId,category,riskTier)` };
      return { value: { merchantId: r.merchantId, category: r.category || null, riskTier: r.riskTier || null } };
    },
    skipInvalid,
  );
}

export function setRows(dataset: SetDataset, file: string, skipInvalid: boolean): Rows<string> {
  const { column, normalise, valid } = SET_VALUES[dataset];
  return readCsv<string>(
    file,
    (r) => {
      const value = normalise(r[column] ?? '');
      return valid(value) ? { value } : { problem: `${column} "${r[column] ?? ''}" is not valid (column: ${column})` };
    },
    skipInvalid,
  );
}
