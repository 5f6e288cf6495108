import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKpis } from '../compute/catalog.ts';
import { contractDoc } from './contractDoc.ts';
import { kpisDoc } from './kpisDoc.ts';

/** The documents generated from code, by path relative to the project root. */
export async function generatedDocs(projectRoot: string): Promise<Map<string, string>> {
  const kpis = await loadKpis(join(projectRoot, 'dashboards', 'kpis'));
  return new Map([
    ['docs/contract.md', contractDoc()],
    ['docs/kpis.md', kpisDoc(kpis.map((k) => k.definition))],
  ]);
}

/** The generated documents whose file differs from what the code says now. */
export async function staleDocs(projectRoot: string): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, text] of await generatedDocs(projectRoot)) {
    const current = await readFile(join(projectRoot, path), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(path);
  }
  return stale;
}

/** `npm run docs`: write every generated document. */
export async function writeDocs(projectRoot: string): Promise<string[]> {
  const written: string[] = [];
  for (const [path, text] of await generatedDocs(projectRoot)) {
    await writeFile(join(projectRoot, path), text);
    written.push(path);
  }
  return written;
}
