import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../functions/demo/generate.ts';
import { startSshd, type Sshd } from '../support/sshd.ts';
import { csv, writeDelivery } from './deliveryFixture.ts';

const exec = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/pejlemaerke.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; partial downloads go under the test's own folder, not the machine's tmp. */
async function cli(args: string[]): Promise<CliResult> {
  const withWorkDir = args[0] !== 'pull' || args.includes('--work-dir') ? args : [...args, '--work-dir', join(root, 'work')];
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...withWorkDir], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let sshd: Sshd;
let root: string;
const files = { 'persons.csv': csv(40, 'a'), 'benefit_weeks.csv': csv(90, 'b') };

beforeAll(async () => {
  sshd = await startSshd();
  root = await mkdtemp(join(tmpdir(), 'pejlemaerke-pullcli-'));
  await writeDelivery(join(sshd.served, 'leveringer', 'oktober'), { id: 'okt-2026', extractedAt: '2026-10-02T06:00:00+02:00', files });
  const broken = join(sshd.served, 'ufuldstaendig', 'oktober');
  await writeDelivery(broken, { id: 'okt-2026-b', extractedAt: '2026-10-02T06:00:00+02:00', files });
  await writeFile(join(broken, 'persons.csv'), csv(39, 'a'));
  await mkdir(join(sshd.served, 'tom'));
});

afterAll(async () => {
  await sshd?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('pejlemaerke pull, then run without --input', () => {
  it('gives exactly the numbers and report of a local run on the same files', async () => {
    const demo = join(root, 'demo');
    await generateDemo(demo, { scale: 0.2, manifest: true });
    await cp(demo, join(sshd.served, 'demo', '2018-01-15'), { recursive: true });
    const pulled = join(root, 'pulled');
    const pull = await cli(['pull', '--from', sshd.url('demo'), '--identity', sshd.identity, '--host-key', sshd.hostKey, '--out', pulled]);
    expect(pull.code, pull.stderr).toBe(0);
    const run = await cli(['run', '--out', pulled, '--config', 'dashboards/municipalities/allerod-demo.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('4. kvartal 2017 er udgivet (revision 1).');

    const local = join(root, 'local');
    expect((await cli(['run', '--input', demo, '--out', local, '--config', 'dashboards/municipalities/allerod-demo.yaml'])).code).toBe(0);
    for (const file of ['results/2017Q4/kpis.json', 'results/2017Q4/kpis.csv', 'reports/2017Q4/index.html']) {
      expect((await readFile(join(pulled, file))).equals(await readFile(join(local, file))), file).toBe(true);
    }
  });
});

describe('pejlemaerke pull', () => {
  it('pulls the delivery (exit 0), warns with the host key to pin, and says what to run next', async () => {
    const out = join(root, 'out');
    const result = await cli(['pull', '--from', sshd.url('leveringer'), '--identity', sshd.identity, '--out', out, '--work-dir', join(root, 'work')]);
    expect(result.stderr).toContain(`--host-key ${sshd.hostKey}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Levering okt-2026 hentet fra .*\/leveringer\/oktober: 2 filer, 130 rækker, 0,0 MB/);
    expect(result.stdout).toContain(`Lagt i ${join(out, 'incoming', 'okt-2026')}/`);
    // run without --input takes the newest complete delivery, and the newest quarter it covers.
    expect(result.stdout).toContain(`Næste skridt: npx pejlemaerke run --out ${out}`);
    expect((await readdir(join(out, 'incoming', 'okt-2026'))).sort()).toEqual(['benefit_weeks.csv', 'manifest.json', 'persons.csv']);
    expect((await readFile(join(out, 'incoming', 'okt-2026', 'persons.csv'))).equals(files['persons.csv'])).toBe(true);

    const again = await cli(['pull', '--from', sshd.url('leveringer'), '--identity', sshd.identity, '--host-key', sshd.hostKey, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('--host-key');
    expect(again.stdout).toContain('Levering okt-2026 er allerede hentet');
  });

  it('exits 6 on a delivery that does not match its manifest, naming the file, with nothing in incoming/', async () => {
    const out = join(root, 'out-broken');
    const result = await cli(['pull', '--from', sshd.url('ufuldstaendig'), '--identity', sshd.identity, '--host-key', sshd.hostKey, '--out', out]);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/Levering okt-2026-b i .*oktober er ufuldstændig/);
    expect(result.stderr).toMatch(/ {2}persons\.csv: indholdet passer ikke med manifestets SHA-256/);
    expect(await readdir(join(out, 'incoming')).catch(() => [])).toEqual([]);
  });

  it('exits 0 and says so when there is no delivery', async () => {
    const result = await cli(['pull', '--from', sshd.url('tom'), '--identity', sshd.identity, '--host-key', sshd.hostKey, '--out', join(root, 'out-none')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Ingen færdig levering på sftp:\/\/.*tom: ingen mappe med manifest\.json/);
  });

  it('exits 1 with the reason when the host key is not the pinned one', async () => {
    const wrong = `SHA256:${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`;
    const result = await cli(['pull', '--from', sshd.url('leveringer'), '--identity', sshd.identity, '--host-key', wrong, '--out', join(root, 'out-key')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/serverens værtsnøgle passer ikke/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a wrong address or fingerprint', async () => {
    const noUser = await cli(['pull', '--from', `sftp://127.0.0.1:${sshd.port}/x`, '--identity', sshd.identity]);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toMatch(/brugernavnet mangler/);
    const badKey = await cli(['pull', '--from', sshd.url('x'), '--identity', sshd.identity, '--host-key', 'MD5:aa:bb']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/SHA256:/);
    const noFile = await cli(['pull', '--from', sshd.url('x'), '--identity', join(root, 'findes-ikke')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--identity .* kan ikke læses/);
  });
});
