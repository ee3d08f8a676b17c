import { Writable } from 'node:stream';

/**
 * `stream`, with `first` called just before the first bytes go to it: a status line on the same
 * terminal is cleared before an event is written where it stood. Errors and the close of
 * `stream` are this one's.
 */
export function beforeFirstWrite(stream: Writable, first: () => void): Writable {
  let written = false;
  const proxy = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!written && chunk.length > 0) {
        written = true;
        first();
      }
      stream.write(chunk, callback);
    },
  });
  stream.on('error', (error) => proxy.destroy(error));
  stream.on('close', () => proxy.destroy());
  return proxy;
}
