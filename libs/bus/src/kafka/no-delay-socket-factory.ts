import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/**
 * kafkajs' own factory leaves Nagle's algorithm on, so small requests (a few records, a commit,
 * a heartbeat) wait for the previous segment's delayed ACK: up to ~40 ms on Linux, straight into
 * the latency tail. Same sockets, Nagle off.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};
