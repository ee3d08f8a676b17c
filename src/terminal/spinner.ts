import type { Writable } from 'node:stream';
import { visible } from './visible.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

/** A spinner on a terminal; elsewhere nothing, so logs and pipes stay clean. */
export function createSpinner(stream: Writable, enabled: boolean): Spinner {
  if (!enabled) return { update: () => {}, stop: () => {} };
  let text = '';
  let frame = 0;
  const draw = () => stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  const timer = setInterval(draw, 100);
  return {
    update(next) {
      // The text quotes names the user typed and statuses RDS returned: shown as data.
      text = visible(next);
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    },
  };
}
