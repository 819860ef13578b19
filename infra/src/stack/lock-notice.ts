import type { Reporter } from '../log';

/** The progress line shown while another launcher holds the stack lock. */
export function lockNotice(report: Reporter): (holder: number) => void {
  return (holder) => report('stack', `waiting for another launcher (pid ${holder}) to finish`);
}
