import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');

/**
 * Every test that depends on the KPI catalogue: the per-KPI fixture tests, the reference
 * implementation, the demo config, the generated docs, check, compute, publish, the benchmark
 * definitions and a full run with the new KPI. A KPI added by files must keep them green.
 */
const CATALOGUE_SUITE = [
  'tests/kpis',
  'tests/reference',
  'tests/demo',
  'tests/docs',
  'tests/check',
  'tests/compute',
  'tests/publish',
  'tests/benchmarks/definitions.test.ts',
  'tests/cli/newKpiEndToEnd.test.ts',
];

let root: string;

/** A copy of the project as git knows it (what a fresh clone has), with this checkout's node_modules. */
async function cloneProject(): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'pejlemaerke-suite-'));
  const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await copyFile(join(REPO, file), join(copy, file)).catch((error: NodeJS.ErrnoException) => {
      // A file deleted in the working tree but still in the index.
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

beforeAll(async () => {
  root = await cloneProject();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('new-kpi, then the catalogue-dependent suite (a KPI is files only)', () => {
  it('stays green with the scaffolded KPI in the catalogue', async () => {
    await exec(process.execPath, [join(root, 'bin/pejlemaerke.js'), 'new-kpi', 'x_test', '--dir', root]);
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    // A fresh vitest in the copy, not a worker of this one.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    const result = await exec(process.execPath, [vitest, 'run', ...CATALOGUE_SUITE], {
      cwd: root,
      env: { ...env, CI: '1', NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', failed: true }));
    const summary = result.stdout
      .split('\n')
      .filter((line) => /Test Files|Tests|FAIL|×/.test(line))
      .join('\n');
    expect('failed' in result, summary).toBe(false);
    // The new KPI's own fixture test ran with the rest.
    expect(result.stdout).toMatch(/tests\/kpis\/x_test\.test\.ts/);
    expect(result.stdout).toMatch(/Test Files\s+\d+ passed/);
  }, 900_000);
});
