import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXTRACT_LIST } from '../../functions/contract/extracts.ts';
import { staleDocs } from '../../functions/docs/writeDocs.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs generated from the code', () => {
  it('are up to date: docs/contract.md and docs/kpis.md say what the code does (else: npm run docs)', async () => {
    expect(await staleDocs(root), 'run `npm run docs` and commit the result').toEqual([]);
  });

  it('name every extract, column and value the contract checks', async () => {
    const contract = await readFile(join(root, 'docs/contract.md'), 'utf8');
    for (const spec of EXTRACT_LIST) {
      expect(contract).toContain(`### \`${spec.file}\``);
      for (const column of spec.columns) {
        expect(contract, `${spec.file} ${column.name}`).toContain(`| \`${column.name}\` |`);
        if (column.type.kind === 'enum') for (const value of column.type.values) expect(contract).toContain(`\`${value}\``);
      }
    }
  });

  it('go stale when a KPI definition changes without them', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'pejlemaerke-docs-'));
    try {
      await cp(join(root, 'dashboards'), join(copy, 'dashboards'), { recursive: true });
      await cp(join(root, 'docs'), join(copy, 'docs'), { recursive: true });
      expect(await staleDocs(copy)).toEqual([]);
      const yaml = join(copy, 'dashboards/kpis/samarbejdsgrad.yaml');
      await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(/^title: .*$/m, 'title: Samarbejdsgrad med virksomheder (ny titel)'));
      expect(await staleDocs(copy)).toEqual(['docs/kpis.md']);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
