// Worker entry in plain JS: tsx's loader hooks do not reach worker threads on Node 20, so the
// worker registers them itself before importing the TypeScript module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
