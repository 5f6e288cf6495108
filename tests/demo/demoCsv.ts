import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo, type DemoSummary } from '../../functions/demo/generate.ts';

export interface Csv {
  text: string;
  header: string[];
  rows: string[][];
}

/** The demo never quotes (no cell holds a comma), so a plain split reads it exactly. */
export async function readCsv(dir: string, file: string): Promise<Csv> {
  const text = await readFile(join(dir, file), 'utf8');
  const [head, ...lines] = text.replace(/\n$/, '').split('\n');
  return { text, header: head!.split(','), rows: lines.map((line) => line.split(',')) };
}

/** Demo extracts in a fresh temporary folder. */
export async function generateInTemp(scale: number, seed?: number): Promise<{ dir: string; summary: DemoSummary }> {
  const dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-demo-'));
  return { dir, summary: await generateDemo(dir, { scale, seed }) };
}
