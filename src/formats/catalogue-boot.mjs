// A worker thread starts without the TypeScript loader of the main thread: register it, then load
// the catalogue worker.
import { register } from 'tsx/esm/api';

register();
await import('./catalogue-worker.ts');
