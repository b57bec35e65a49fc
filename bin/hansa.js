#!/usr/bin/env node
// The compiled CLI lives in build/; `npm ci` builds it through the `prepare` script.
import { main } from '../build/src/cli/main.js';

// A reader that stops early (`hansa glossary | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
