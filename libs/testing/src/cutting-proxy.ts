import { createServer, connect, type Socket } from 'node:net';

/** A TCP proxy that can lose a reply on purpose, or stall: the network failing between a request and its answer. */
export interface CuttingProxy {
  port: number;
  /**
   * The next reply chunk that contains `marker` is dropped and every proxied connection is cut, so the
   * server has acted on a request whose answer the client never gets. Resolves once that happened.
   */
  loseNextReply(marker: string): Promise<void>;
  /** Every connection open now stops passing data either way, and stays open: a silent partition. New connections pass. */
  stall(): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: { host: string; port: number }): Promise<CuttingProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const stalled = new WeakSet<Socket>();
  let trap: { marker: string; sprung: () => void } | undefined;
  const cutAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (!stalled.has(client)) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (stalled.has(client)) return;
      if (trap && chunk.includes(trap.marker)) {
        const { sprung } = trap;
        trap = undefined;
        cutAll();
        sprung();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    loseNextReply: (marker) => new Promise<void>((sprung) => (trap = { marker, sprung })),
    stall: () => {
      for (const [client] of pairs) stalled.add(client);
    },
    close: async () => {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
