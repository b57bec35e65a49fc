/**
 * Worker thread: extracts the files the main thread hands it, one batch at a time, one file
 * after another (a worker does nothing else, so nothing is gained by interleaving them, and
 * a batch in flight at once held every document of it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExtractBatch, type ExtractContext } from './extract-file.js';

const context = workerData as ExtractContext;

parentPort?.on('message', (batch: { files: readonly { file: string; known?: string }[] }) => {
  const extracted = new ExtractBatch(context);
  for (const item of batch.files) extracted.add(item.file, item.known);
  parentPort?.postMessage(extracted.flush());
});
