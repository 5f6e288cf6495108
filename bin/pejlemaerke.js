#!/usr/bin/env node
// The CLI is TypeScript; tsx loads it directly so the checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv);
