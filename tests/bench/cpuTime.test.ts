import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuSince, cpuTime } from '../../functions/bench/cpuTime.ts';

/**
 * A fixed amount of work (~0.2 s of CPU on the dev machine): on a busy machine it takes longer
 * on the clock but about as many CPU seconds, which is what is measured.
 */
const WORK = 'let x = 0; for (let i = 0; i < 3e7; i++) x += Math.sqrt(i); if (!(x > 0)) process.exit(1);';

describe('CPU seconds for the bench', () => {
  it("counts this process's own work", () => {
    const start = cpuTime();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(cpuSince(start)).toBeGreaterThan(0.05);
  });

  it('counts a child process (as Chromium in publish) once it has ended', () => {
    const start = cpuTime();
    expect(start.children).toBeTypeOf('number');
    // The child's work shows in cutime once it is waited for, not in this process's own time.
    const child = spawnSync(process.execPath, ['-e', WORK]);
    expect(child.status).toBe(0);
    expect(cpuTime().children! - start.children!).toBeGreaterThan(0.05);
    expect(cpuSince(start)).toBeGreaterThan(0.05);
  });
});
