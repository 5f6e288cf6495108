import { readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_TIME, DEMO_HEADERS, generateDemo } from '../../functions/demo/generate.ts';
import { generateInTemp } from './demoCsv.ts';

const FILES = Object.keys(DEMO_HEADERS);
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('demo extracts are deterministic', () => {
  it('gives byte-identical files for the same seed and scale, different ones for another seed', async () => {
    const first = await generateInTemp(0.2, 7);
    const second = await generateInTemp(0.2, 7);
    const other = await generateInTemp(0.2, 8);
    dirs.push(first.dir, second.dir, other.dir);

    expect(second.summary).toEqual(first.summary);
    for (const file of FILES) {
      const a = await readFile(join(first.dir, file));
      const b = await readFile(join(second.dir, file));
      expect(a.length, file).toBeGreaterThan(0);
      expect(b.equals(a), file).toBe(true);
    }
    const weeks = await readFile(join(first.dir, 'benefit_weeks.csv'));
    expect((await readFile(join(other.dir, 'benefit_weeks.csv'))).equals(weeks)).toBe(false);
  });

  it('stamps every file with the delivery time 2018-01-15T08:00:00Z', async () => {
    const { dir } = await generateInTemp(0.05);
    dirs.push(dir);
    expect(DELIVERY_TIME.toISOString()).toBe('2018-01-15T08:00:00.000Z');
    for (const file of FILES) {
      expect((await stat(join(dir, file))).mtimeMs, file).toBe(Date.UTC(2018, 0, 15, 8, 0, 0));
    }
  });

  it('rejects a scale that is not a positive number before writing anything', async () => {
    const never = join(tmpdir(), 'pejlemaerke-demo-never-written');
    await expect(generateDemo(never, { scale: 0 })).rejects.toThrow(/skala/);
    await expect(stat(never)).rejects.toThrow();
  });
});
