/**
 * Writes a small MaxMind DB (MMDB 2.0) file of IPv4 networks, for tests of what reads one: the
 * format's search tree and data section as the spec (maxmind.github.io/MaxMind-DB) lays them out.
 * No permissively licensed writer is on npm, and a test fixture must not need a vendor's download.
 */
export type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** An IPv4 network, e.g. 203.0.113.0/24; networks must not overlap. */
  network: string;
  record: { [key: string]: MmdbValue };
}

const EMPTY = -1;
const RECORD_BITS = 24;

export function mmdbFile(networks: MmdbNetwork[], databaseType = 'Test-ASN'): Buffer {
  const data: Buffer[] = [];
  let dataLength = 0;
  // A node is its two records: a node index, EMPTY, or a data offset stored as -(offset + 2).
  const nodes: Array<[number, number]> = [[EMPTY, EMPTY]];
  for (const { network, record } of networks) {
    const [address, length] = network.split('/');
    const prefix = Number(length);
    const bits = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    const encoded = encode(record);
    const dataSlot = -(dataLength + 2);
    data.push(encoded);
    dataLength += encoded.length;
    let node = 0;
    for (let depth = 0; depth < prefix; depth++) {
      const side = Math.floor(bits / 2 ** (31 - depth)) % 2;
      const slot = nodes[node][side];
      if (depth === prefix - 1) {
        if (slot !== EMPTY) throw new Error(`${network} overlaps another network`);
        nodes[node][side] = dataSlot;
      } else if (slot === EMPTY) {
        nodes.push([EMPTY, EMPTY]);
        nodes[node][side] = nodes.length - 1;
        node = nodes.length - 1;
      } else if (slot < 0) {
        throw new Error(`${network} overlaps another network`);
      } else {
        node = slot;
      }
    }
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * ((RECORD_BITS * 2) / 8));
  const value = (slot: number) => (slot === EMPTY ? count : slot < 0 ? count + 16 + (-slot - 2) : slot);
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(value(left), i * 6, 3);
    tree.writeUIntBE(value(right), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: count,
    record_size: RECORD_BITS,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 0,
    description: { en: 'a test fixture' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

/** A value in the data section's encoding: a control byte (type and size), then the payload. */
function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      const double = Buffer.alloc(8);
      double.writeDoubleBE(value);
      return Buffer.concat([control(3, 8), double]);
    }
    const bytes: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([key, item]) => [encode(key), encode(item)])]);
}

function control(type: number, size: number): Buffer {
  const [sizeBits, extra] = size < 29 ? [size, []] : size < 285 ? [29, [size - 29]] : [30, [(size - 285) >> 8, (size - 285) & 255]];
  if (size >= 285 + 65_536) throw new Error('a value this large is not needed by a test fixture');
  const typeBytes = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return Buffer.from([...typeBytes, ...extra]);
}
