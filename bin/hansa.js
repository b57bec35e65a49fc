#!/usr/bin/env node
// The compiled CLI lives in build/; `npm ci` builds it through the `prepare` script.
import { main } from '../build/src/cli/main.js';

// A reader that stops early (`hansa import … | head`) is not an error of ours, and it must not
// stop the work either: an import or a run cut short there would leave files half imported
// and the project lock behind. What cannot be written any more is dropped; the command ends
// as it would have, with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') return;
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
