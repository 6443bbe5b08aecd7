/**
 * Network namespaces that tests and the bench create carry their creator's pid in the name, so a run can
 * tell its own from the ones a crashed run left behind, and remove those (tests/support/netns.ts,
 * bench/impair/netns.ts).
 */
import { execFileSync } from 'node:child_process';

export function listNamespaces(): string[] {
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes every namespace `pattern` matches (its first group is the creator's pid) whose creator is gone. */
export function removeOrphanNamespaces(pattern: RegExp): void {
  for (const name of listNamespaces()) {
    const match = pattern.exec(name);
    if (match && !pidAlive(Number(match[1]))) {
      execFileSync('ip', ['netns', 'del', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  }
}
