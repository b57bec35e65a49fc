/** Worker thread: extracts the files the main thread hands it, one batch at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile, type ExtractContext } from './extract-file.js';

const context = workerData as ExtractContext;

parentPort?.on('message', (batch: { files: readonly { file: string; known?: string }[] }) => {
  void Promise.all(batch.files.map((item) => extractFile(item.file, context, item.known))).then((outcomes) => {
    parentPort?.postMessage(outcomes);
  });
});
