import { run } from '../../src/cli/run.js';
import { memoryIO } from './memory-io.js';

/** `das-read … --no-follow` in this process against `endpoint`: its exit code, stdout lines and stderr. */
export async function readOnce(endpoint: string, args: string[]): Promise<{ code: number; stdout: string[]; stderr: string }> {
  const io = memoryIO();
  const code = await run([...args, '--endpoint-url', endpoint, '--no-follow'], io);
  return { code, stdout: io.stdout.lines(), stderr: io.stderr.text };
}
