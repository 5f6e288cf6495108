import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a server that counts the bytes the server sends: how much
 * really went over the wire, measured outside the code under test.
 */
export interface CountingProxy {
  readonly port: number;
  /** Bytes from the server to clients since the proxy started. */
  downstreamBytes(): number;
  close(): Promise<void>;
}

/** `cutAfterBytes`: drop every connection once the server has sent this much (a broken line). */
export async function startCountingProxy(targetPort: number, { cutAfterBytes = Infinity } = {}): Promise<CountingProxy> {
  let downstream = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (chunk: Buffer) => {
      downstream += chunk.length;
      if (downstream > cutAfterBytes) {
        client.destroy();
        upstream.destroy();
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP port from the OS');
  return {
    port: address.port,
    downstreamBytes: () => downstream,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
