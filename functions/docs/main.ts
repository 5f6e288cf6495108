import { fileURLToPath } from 'node:url';
import { writeDocs } from './writeDocs.ts';

// `npm run docs`: docs/contract.md and docs/kpis.md from the code.
const root = fileURLToPath(new URL('../../', import.meta.url));
for (const path of await writeDocs(root)) process.stdout.write(`skrevet: ${path}\n`);
