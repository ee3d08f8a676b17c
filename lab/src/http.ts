import { UserError } from 'das-read';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves on loopback only: the lab is never reachable from the network. */
export async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void, port = 0): Promise<Listening & { server: Server }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, port)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nobody listens on right now, for a child process that must be told its port. */
export async function freePort(): Promise<number> {
  const probe = await listen(() => {});
  await probe.close();
  return probe.port;
}

/** A taken port is the user's to fix: said in words, as das-read says its own errors. */
function listenError(error: unknown, port: number): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return error;
  return new UserError(
    `cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`,
    undefined,
    'Another program (another lab?) has that port: stop it, or choose another with --port.',
    { cause: error },
  );
}
