// The engine-cost baseline: a process that only parses a manifest stream and writes it back with the
// `yaml` package (parseAllDocuments, then each document's toString), stdin to stdout.
import { parseAllDocuments } from 'yaml';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const docs = parseAllDocuments(Buffer.concat(chunks).toString('utf8'));
const parts = [];
for (const d of docs) parts.push(d.toString());
process.stdout.write(parts.join('---\n'));
