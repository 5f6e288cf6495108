import { readFileSync } from 'node:fs';

/**
 * CPU seconds this process has used, its own threads (Node and DuckDB's) and, on Linux, the
 * child processes it has waited for (Chromium, once closed). A noisy machine stretches wall
 * time but hardly CPU time, so the bench reports both: CPU seconds say how much work a stage
 * is, and how fast two cores could at best do it.
 */
export interface CpuTime {
  self: number;
  /** Undefined where /proc is not there (the children's time cannot be read). */
  children: number | undefined;
}

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export function cpuTime(): CpuTime {
  const usage = process.cpuUsage();
  return { self: (usage.user + usage.system) / 1e6, children: childrenSeconds() };
}

/** CPU seconds from `since` to now, children included when known. */
export function cpuSince(since: CpuTime): number {
  const now = cpuTime();
  const children = now.children !== undefined && since.children !== undefined ? now.children - since.children : 0;
  return now.self - since.self + children;
}

function childrenSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
