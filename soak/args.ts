export interface SoakOptions {
  minutes: number;
  seed: number | undefined;
  recordsPerSecond: number;
  eventsPerRecord: number;
  /** Keep the temporary folder (output, checkpoint, stderr) for a look afterwards. */
  keep: boolean;
}

const USAGE = 'usage: npm run soak -- --minutes N [--seed S] [--rate RECORDS_PER_SECOND] [--events-per-record N] [--keep]';

export function parseSoakArgs(argv: string[]): SoakOptions {
  const options: SoakOptions = { minutes: NaN, seed: undefined, recordsPerSecond: 25, eventsPerRecord: 4, keep: false };
  const number = (flag: string, value: string | undefined, low: number, high: number) => {
    const parsed = Number(value);
    if (value === undefined || !Number.isFinite(parsed) || parsed < low || parsed > high)
      throw new Error(`${flag} wants a number from ${low} to ${high}\n${USAGE}`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--minutes') options.minutes = number(flag, argv[++i], 0.25, 24 * 60);
    else if (flag === '--seed') options.seed = Math.floor(number(flag, argv[++i], 0, 2 ** 32 - 1));
    else if (flag === '--rate') options.recordsPerSecond = number(flag, argv[++i], 1, 200);
    else if (flag === '--events-per-record') options.eventsPerRecord = Math.floor(number(flag, argv[++i], 1, 50));
    else if (flag === '--keep') options.keep = true;
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (Number.isNaN(options.minutes)) throw new Error(`--minutes is required\n${USAGE}`);
  return options;
}
