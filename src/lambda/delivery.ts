/** Where the function puts the events: a line each, in order. */
export interface Delivery {
  /** For each line, whether it reached its destination: never rejects. */
  deliver(lines: readonly string[]): Promise<boolean[]>;
  /** The largest line the destination takes whole, and what it is called: a larger event fails its record. */
  readonly lineLimit?: { bytes: number; name: string };
}

export type LogLevel = 'ERROR' | 'WARN' | 'INFO';

/** das-read's own messages in CloudWatch Logs, as JSON lines beside the events. */
export type LambdaLog = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface LineSink {
  write(text: string, done: (error?: Error | null) => void): unknown;
}

/** Characters joined into one write: one string for a whole batch can pass V8's longest. */
const WRITE_CHARS = 1024 * 1024;

/**
 * Standard output, which Lambda sends to CloudWatch Logs: a log event a line. Written in pieces,
 * in order; after a piece fails, none after it is written, so what reached the log is a prefix.
 */
export function stdoutDelivery(stdout: LineSink): Delivery {
  const write = (text: string) =>
    new Promise<boolean>((resolve) => {
      try {
        stdout.write(text, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
  return {
    async deliver(lines) {
      const written = lines.map(() => false);
      for (let start = 0; start < lines.length;) {
        let end = start;
        let chars = 0;
        while (end < lines.length && (end === start || chars + (lines[end] as string).length <= WRITE_CHARS)) chars += (lines[end++] as string).length;
        if (!(await write(lines.slice(start, end).join('')))) break;
        written.fill(true, start, end);
        start = end;
      }
      return written;
    },
  };
}

/** Each message one JSON line, so that Logs Insights reads its fields. */
export function jsonLog(stderr: LineSink): LambdaLog {
  return (level, message, fields = {}) => {
    stderr.write(`${JSON.stringify({ level, source: 'das-read', message, ...fields })}\n`, () => {});
  };
}
