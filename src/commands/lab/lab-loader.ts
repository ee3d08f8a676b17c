import { UserError } from '../../errors.js';

/**
 * The lab is a package of its own (lab/ in das-read's repository), not part of what a production
 * host installs: its servers, its producer and the Encryption SDK's encrypting half stay out of
 * das-read. This is the part of it `das-read lab` and `das-read demo` use.
 */
export interface LabModule {
  LAB_CLUSTER: string;
  LAB_KEY_ALIAS: string;
  LAB_CREDENTIALS: { accessKeyId: string; secretAccessKey: string };
  startLabSession(options: {
    nodePath: string;
    port?: number;
    transitionMs?: number;
    transactionsPerSecond?: number;
    source?: LabSource;
    onError?: (error: unknown) => void;
  }): Promise<{
    lab: { endpoint: string; region: string };
    exportLine: string;
    attack(scenario: string): Promise<{ scenario: string; summary: string; events: number; real: boolean; note?: string }>;
    close(): Promise<void>;
  }>;
  postgresSource(say: (line: string) => void, transactionsPerSecond: number): LabSource;
}

/** The lab's activity source, handed from one of its functions to another: das-read never looks inside. */
export type LabSource = (server: never) => Promise<unknown>;

export const LAB_PACKAGE = 'das-read-lab';

/** The lab package, or a UserError that says in one line how to get it. */
export async function loadLab(load: (name: string) => Promise<unknown> = (name) => import(name)): Promise<LabModule> {
  try {
    return (await load(LAB_PACKAGE)) as LabModule;
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new UserError(
      `the lab is not installed: it is the package ${LAB_PACKAGE}, in das-read's source repository (lab/); run \`npm ci && npm run lab\` in a checkout of it`,
      undefined,
      undefined,
      { cause: error },
    );
  }
}

// Only the lab package itself missing: a module missing inside an installed lab is a broken install, said as it is.
function isMissing(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${LAB_PACKAGE}'`);
}
