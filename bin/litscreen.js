#!/usr/bin/env node
// Thin shim: the program lives in dist/cli.js (built by `npm ci` through the prepare script).
import { main } from '../dist/cli.js';
main(process.argv);
