#!/usr/bin/env node
// The one executable (commands: src/cli-main.ts).
import { finish, processIO } from './cli-io.js';
import { main } from './cli-main.js';

finish(main(process.argv.slice(2), processIO()));
