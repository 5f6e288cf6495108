import { copyFile, cp, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/**
 * A throwaway project root: a copy of dashboards/ (so tests can add and break KPIs without
 * touching the checkout), and links to the code, fixtures and node_modules a generated KPI
 * test needs to run.
 */
export async function tempProject(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pejlemaerke-check-'));
  await cp(join(REPO, 'dashboards'), join(root, 'dashboards'), { recursive: true });
  await mkdir(join(root, 'tests'));
  for (const path of ['functions', 'node_modules', 'tests/fixtures']) await symlink(join(REPO, path), join(root, path));
  for (const file of ['package.json', 'tsconfig.json', 'vitest.config.ts']) await copyFile(join(REPO, file), join(root, file));
  return root;
}
