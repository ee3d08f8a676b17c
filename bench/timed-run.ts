import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** One run of a command, its output thrown away as fast as it comes: seconds from start to exit, and what it said on stderr. */
export function timedRun(command: string, args: string[], name = command): Promise<{ seconds: number; stderr: string }> {
  const sink = openSync('/dev/null', 'w');
  const began = performance.now();
  const child = spawn(command, args, {
    stdio: ['ignore', sink, 'pipe'],
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(sink);
      if (code === 0) resolve({ seconds: (performance.now() - began) / 1000, stderr });
      else reject(new Error(`${name} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}
