import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchmarkDefinitions } from '../../functions/benchmarks/definitions.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { loadConfig } from '../../functions/config/municipality.ts';
import type { Json } from '../support/cdkStack.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const STACK = 'Pejlemaerke-allerod-demo';

let out: string;
let synth: { code: number; stderr: string };
let assets: Record<string, string>;

/** The folder `cdk synth` bundled a stage's code into. */
function assetDir(stage: 'Ingest' | 'Compute' | 'Publish'): string {
  const dir = assets[stage];
  if (!dir) throw new Error(`no asset for ${stage}`);
  return join(out, dir);
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'pejlemaerke-synth-'));
  try {
    // As CI runs it: the CDK CLI, esbuild on this machine, and no package registry.
    const { stderr } = await exec('npx', ['cdk', 'synth', '--quiet', '-o', out], {
      cwd: root,
      env: { ...process.env, npm_config_offline: 'true' },
      timeout: 540_000,
      maxBuffer: 1 << 24,
    });
    synth = { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    synth = { code: e.code, stderr: e.stderr };
  }
  const template = JSON.parse(await readFile(join(out, `${STACK}.template.json`), 'utf8').catch(() => '{"Resources":{}}'));
  assets = {};
  for (const [id, resource] of Object.entries<Json>(template.Resources)) {
    const stage = /^(Ingest|Compute|Publish)Function[0-9A-F]{8}$/.exec(id)?.[1];
    if (stage) assets[stage] = resource.Metadata['aws:asset:path'];
  }
}, 600_000);

afterAll(() => rm(out, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('exits 0 offline, with cdk-nag passing', () => {
    expect(synth.stderr).not.toMatch(/AwsSolutions-/);
    expect(synth.code).toBe(0);
    expect(Object.keys(assets).sort()).toEqual(['Compute', 'Ingest', 'Publish']);
  });

  it('ships DuckDB’s linux-x64 build beside the ingest bundle, and the bundle loads it', async () => {
    const dir = assetDir('Ingest');
    expect(existsSync(join(dir, 'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/@duckdb/node-api/package.json'))).toBe(true);
    const bundle = await readFile(join(dir, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/from\s*"@duckdb\/node-api"/);
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('copies the KPI files, the benchmark definitions and the municipality config into compute; publish renders the frozen draft and needs none', async () => {
    const kpiFiles = (await readdir(join(root, 'dashboards/kpis'))).sort();
    const compute = assetDir('Compute');
    expect((await readdir(join(compute, 'kpis'))).sort()).toEqual(kpiFiles);
    expect((await loadKpis(join(compute, 'kpis'))).length).toBe(kpiFiles.filter((f) => f.endsWith('.sql')).length);
    const benchmarkFiles = (await readdir(join(root, 'dashboards/benchmarks'))).sort();
    expect((await readdir(join(compute, 'benchmarks'))).sort()).toEqual(benchmarkFiles);
    expect((await loadBenchmarkDefinitions(join(compute, 'benchmarks'))).length).toBe(benchmarkFiles.filter((f) => f.endsWith('.yaml')).length);
    expect((await loadConfig(join(compute, 'municipality.yaml'))).municipality).toBe('Allerød Kommune');
    expect((await readdir(join(compute, 'benchmarks'))).sort()).toEqual((await readdir(join(root, 'dashboards/benchmarks'))).sort());
    expect((await loadBenchmarkDefinitions(join(compute, 'benchmarks'))).length).toBe(kpiFiles.filter((f) => f.endsWith('.sql')).length);
    expect(existsSync(join(assetDir('Publish'), 'kpis'))).toBe(false);
    expect(existsSync(join(assetDir('Publish'), 'benchmarks'))).toBe(false);
    expect(existsSync(join(compute, 'node_modules'))).toBe(false);
    for (const stage of ['Compute', 'Publish'] as const) {
      const module = (await import(pathToFileURL(join(assetDir(stage), 'index.mjs')).href)) as { handler: unknown };
      expect(typeof module.handler).toBe('function');
    }
  });

  it('ships the browser, playwright and resvg beside the publish bundle, within Lambda’s 250 MB', async () => {
    const dir = assetDir('Publish');
    expect(existsSync(join(dir, 'node_modules/@sparticuz/chromium/bin/chromium.br'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/playwright-core/package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node'))).toBe(true);
    const { stdout } = await exec('du', ['-sb', dir]);
    expect(Number(stdout.split('\t')[0])).toBeLessThan(250 * 1024 * 1024);
    // In a plain Node process, as Lambda loads it (no test runner supplying globals).
    const loaded = await exec(process.execPath, [
      '-e',
      `import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}).then((m) => console.log(typeof m.handler))`,
    ]);
    expect(loaded.stdout.trim()).toBe('function');
  });
});
