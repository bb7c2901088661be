// A hand-rolled WebSocket client over TCP that can stop reading, to build up server-side
// backpressure, and that exposes the close frame's code and reason.
import { Socket, connect } from "node:net";

/** A raw WebSocket connection whose reading the test controls. */
export class RawWs {
  private chunks: Buffer[] = [];
  private ended = false;
  private constructor(readonly socket: Socket) {
    socket.on("data", (d: Buffer) => this.chunks.push(d));
    socket.on("end", () => (this.ended = true));
    socket.on("close", () => (this.ended = true));
    socket.on("error", () => (this.ended = true));
  }

  /** Connects and completes the HTTP upgrade; returns the status line and the open socket. */
  static async open(host: string, port: number): Promise<{ status: string; ws: RawWs; head: string }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.write(
      `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    const ws = new RawWs(socket);
    const deadline = Date.now() + 2000;
    for (;;) {
      const text = Buffer.concat(ws.chunks).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = text.slice(0, end);
        const rest = Buffer.concat(ws.chunks).subarray(end + 4);
        ws.chunks = rest.length > 0 ? [rest] : [];
        return { status: head.split("\r\n")[0]!, ws, head: text };
      }
      if (Date.now() > deadline || ws.ended) throw new Error(`no upgrade response: ${text}`);
      await Bun.sleep(5);
    }
  }

  /** Sends a masked text frame, as a client must. */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]) : (() => {
      const b = Buffer.alloc(10);
      b[0] = 0x81;
      b[1] = 0x80 | 127;
      b.writeBigUInt64BE(BigInt(len), 2);
      return b;
    })();
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Reads until the server closes; returns how many data frames came and the close frame, if any. */
  async readToClose(timeoutMs = 5000): Promise<{ dataFrames: number; close: { code: number; reason: string } | null }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await Bun.sleep(10);
    const buf = Buffer.concat(this.chunks);
    let at = 0;
    let dataFrames = 0;
    while (at + 2 <= buf.length) {
      const opcode = buf[at]! & 0x0f;
      let len = buf[at + 1]! & 0x7f;
      let off = at + 2;
      if (len === 126) {
        len = buf.readUInt16BE(off);
        off += 2;
      } else if (len === 127) {
        len = Number(buf.readBigUInt64BE(off));
        off += 8;
      }
      if (off + len > buf.length) break;
      if (opcode === 0x8) {
        const code = len >= 2 ? buf.readUInt16BE(off) : 1005;
        return { dataFrames, close: { code, reason: buf.subarray(off + 2, off + len).toString() } };
      }
      if (opcode === 0x1 || opcode === 0x2) dataFrames++;
      at = off + len;
    }
    return { dataFrames, close: null };
  }

  destroy(): void {
    this.socket.destroy();
  }
}
