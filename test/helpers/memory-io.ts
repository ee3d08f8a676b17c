import { Readable, Writable } from 'node:stream';
import type { IO } from '../../src/terminal/io.js';

export class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
  lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }
}

export function memoryIO(options: { tty?: boolean; env?: Record<string, string>; input?: string } = {}): IO & { stdout: TextSink; stderr: TextSink } {
  return {
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
    stdinIsTTY: options.tty ?? false,
    stdout: new TextSink(),
    stderr: new TextSink(),
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
  };
}
