#!/usr/bin/env node
// The `guildhall` command: runs the TypeScript CLI directly (Node 24 strips types). The module
// compile cache keeps each module's stripped and compiled code on disk, so from the second start on
// the type stripper (a WebAssembly compiler, 30–40 MB of memory for the whole app) is never
// loaded and start-up skips the work. A file that changed is stripped again; a cache that cannot
// be written (read-only install) only costs that memory.
import { enableCompileCache } from 'node:module';
import path from 'node:path';

enableCompileCache(
  process.env.GUILDHALL_COMPILE_CACHE ||
    path.join(import.meta.dirname, '..', 'node_modules', '.cache', 'guildhall-compile')
);
await import('../src/cli/main.ts');
