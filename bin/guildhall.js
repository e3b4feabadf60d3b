#!/usr/bin/env node
// The `guildhall` command: runs the TypeScript CLI directly (Node 24 strips types).
await import('../src/cli/main.ts');
