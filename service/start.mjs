// `npm start`: the service from freshly compiled JavaScript, built and run in one process, so a start pays
// for one Node and no package-manager layer in between (see build.mjs for why compiled code, and why one
// file).
import { buildService } from './build.mjs';

// Relative settings (DATA_DIR's default ./.data) mean the service folder, as under `npm run start -w service`.
process.chdir(import.meta.dirname);
await buildService();
await import('./dist/start/serve.js');
