import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_HEADERS, generateDemo, type DemoSummary } from '../demo/generate.ts';

/**
 * Demo extracts for the bench, kept between runs: generating 10 M rows takes seconds, and the
 * figures are about the pipeline. A marker file records the scale and seed they were made with.
 */
export interface BenchData {
  inputDir: string;
  summary: DemoSummary;
  /** Seconds spent generating; undefined when earlier data was reused. */
  generatedIn?: number;
}

export async function benchData(root: string, scale: number, seed: number): Promise<BenchData> {
  const inputDir = join(root, 'input');
  const marker = join(root, 'demo.json');
  const previous = await readMarker(marker);
  if (previous && previous.scale === scale && previous.seed === seed && (await allFilesExist(inputDir))) {
    return { inputDir, summary: previous };
  }
  await rm(inputDir, { recursive: true, force: true });
  const started = performance.now();
  const summary = await generateDemo(inputDir, { scale, seed });
  const generatedIn = (performance.now() - started) / 1000;
  await writeFile(marker, `${JSON.stringify(summary, null, 2)}\n`);
  return { inputDir, summary, generatedIn };
}

async function readMarker(path: string): Promise<DemoSummary | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as DemoSummary;
  } catch {
    return undefined;
  }
}

async function allFilesExist(dir: string): Promise<boolean> {
  for (const file of Object.keys(DEMO_HEADERS)) {
    if (!(await stat(join(dir, file)).catch(() => undefined))) return false;
  }
  return true;
}
