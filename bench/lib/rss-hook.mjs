// Loaded with `node --import`: writes the process's peak resident set size (KB) to ESO_BENCH_RSS_FILE
// when it exits, so the benchmark can report peak memory without an external `time` program.
import { writeFileSync } from 'node:fs';

const file = process.env.ESO_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
