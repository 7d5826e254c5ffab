/**
 * The sandbox worker's entry. A worker thread loads modules with Node's own loader, which cannot
 * run TypeScript: register tsx's loader (a devDependency, as only `npm start` and the tests run
 * rules in-process; Lambda bundles never reach this file), then load the worker itself. Under
 * `npm start` the thread already inherits tsx from the process's flags; registering again is harmless.
 */
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-worker.ts');
