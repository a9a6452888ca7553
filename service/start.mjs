// `npm start`: the service from freshly compiled JavaScript, built and run in one process, so a start pays
// for one Node and no package-manager layer in between (see build.mjs for why compiled code, and why one
// file). Its command line (package.json) keeps PGlite's WebAssembly on V8's baseline compiler: the optimising
// compiler's background work competed with the start for the cores (docs/benchmarks.md, "Start-up").
import { buildService } from './build.mjs';

// Relative settings (DATA_DIR's default ./.data) mean the service folder, as under `npm run start -w service`.
process.chdir(import.meta.dirname);
await buildService();
await import('./dist/start/serve.js');
