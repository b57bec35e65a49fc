#!/usr/bin/env node
// The compiled CLI lives in build/; `npm ci` builds it through the `prepare` script.
import { main } from '../build/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
