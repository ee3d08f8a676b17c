/** Where the function puts the events: a line each, in order. */
export interface Delivery {
  /** For each line, whether it reached its destination: never rejects. */
  deliver(lines: readonly string[]): Promise<boolean[]>;
}

export type LogLevel = 'ERROR' | 'WARN' | 'INFO';

/** das-read's own messages in CloudWatch Logs, as JSON lines beside the events. */
export type LambdaLog = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface LineSink {
  write(text: string, done: (error?: Error | null) => void): unknown;
}

/** Standard output, which Lambda sends to CloudWatch Logs: a log event a line. */
export function stdoutDelivery(stdout: LineSink): Delivery {
  return {
    async deliver(lines) {
      if (lines.length === 0) return [];
      const written = await new Promise<boolean>((resolve) => stdout.write(lines.join(''), (error) => resolve(!error)));
      return lines.map(() => written);
    },
  };
}

/** Each message one JSON line, so that Logs Insights reads its fields. */
export function jsonLog(stderr: LineSink): LambdaLog {
  return (level, message, fields = {}) => {
    stderr.write(`${JSON.stringify({ level, source: 'das-read', message, ...fields })}\n`, () => {});
  };
}
