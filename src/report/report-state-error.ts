import { UserError } from '../errors.js';

/** A saved report state (an --incremental day's) that cannot be continued from: damaged, hand-edited, or of another version. */
export class ReportStateError extends UserError {
  constructor(problem: string) {
    super(`the report state is damaged: ${problem}`, undefined, 'remove it to start that report afresh: its events are read again');
    this.name = 'ReportStateError';
  }
}
