#!/usr/bin/env node
// The `assay` command: runs the CLI from its TypeScript source through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
