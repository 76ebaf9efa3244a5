// Node's HTTP parser rejects Vault's custom `LIST` verb with a 400 before any handler runs. The fake Vault
// therefore sits behind this small stream rewriter: it turns each `LIST /path` request line into
// `GET /path?list=true` (which Vault treats the same) and marks it, then hands the stream to node:http.

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export const LIST_MARK_HEADER = 'x-fake-vault-verb';

export function listVerbRewriter(socket: Socket): Duplex {
  let buf = Buffer.alloc(0);
  let bodyLeft = 0;
  let passthrough = false;
  const out = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  const push = (b: Buffer) => {
    if (b.length && !out.push(b)) socket.pause();
  };
  socket.on('data', (chunk: Buffer) => {
    if (passthrough) return push(chunk);
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (bodyLeft > 0) {
        const n = Math.min(bodyLeft, buf.length);
        push(buf.subarray(0, n));
        buf = buf.subarray(n);
        bodyLeft -= n;
        if (bodyLeft > 0) return;
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      let head = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 4);
      if (head.startsWith('LIST ')) {
        head = head.replace(/^LIST (\S+)/, (_m, target: string) => `GET ${target}${target.includes('?') ? '&' : '?'}list=true`);
        head += `\r\n${LIST_MARK_HEADER}: LIST`;
      }
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) passthrough = true;
      bodyLeft = cl ? Number(cl[1]) : 0;
      push(Buffer.from(head + '\r\n\r\n', 'latin1'));
      if (passthrough) {
        push(buf);
        buf = Buffer.alloc(0);
        return;
      }
    }
  });
  socket.on('end', () => out.push(null));
  socket.on('error', (e) => out.destroy(e));
  socket.on('close', () => out.destroy());
  return out;
}
