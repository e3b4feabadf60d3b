/** Where the e2e server listens; BASE_URL is what mail links point to. */
export const PORT = Number(process.env.GUILDHALL_E2E_PORT ?? 3217); // another port lets two checkouts test at once
export const BASE_URL = `http://localhost:${PORT}`;

/** Fresh for every run (the webServer command removes it first); mails go to `${DATA_DIR}/mail`. */
export const DATA_DIR = '.tmp/e2e-data';
