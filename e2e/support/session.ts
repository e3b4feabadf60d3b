import path from 'node:path';
import { DATA_DIR } from './server.ts';

/** Cookies of an account that `signed-in.setup.ts` created, verified and logged in. */
export const SIGNED_IN_STATE = path.join(DATA_DIR, '..', 'e2e-signed-in.json');
