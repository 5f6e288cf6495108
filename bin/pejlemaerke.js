#!/usr/bin/env node
// The CLI is TypeScript; tsx loads it directly so the checkout needs no build step. tsx reads
// tsconfig.json from the working folder by default, and the data staff's folder has none: the
// project's own tsconfig (JSX for the report) is named here, so `npx pejlemaerke` works anywhere.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv);
