import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuSince, cpuTime } from '../../functions/bench/cpuTime.ts';

describe('CPU seconds for the bench', () => {
  it("counts this process's own work", () => {
    const start = cpuTime();
    const until = performance.now() + 150;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(cpuSince(start)).toBeGreaterThan(0.1);
  });

  it('counts a child process (as Chromium in publish) once it has ended', () => {
    const start = cpuTime();
    expect(start.children).toBeTypeOf('number');
    // ~0.3 s of CPU in a child, waited for: it shows in cutime, not in this process's own time.
    const child = spawnSync(process.execPath, ['-e', 'const t = Date.now() + 300; let x = 0; while (Date.now() < t) x += Math.sqrt(x + 1);']);
    expect(child.status).toBe(0);
    expect(cpuTime().children! - start.children!).toBeGreaterThan(0.2);
    expect(cpuSince(start)).toBeGreaterThan(0.2);
  });
});
