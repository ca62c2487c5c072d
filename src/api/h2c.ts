/**
 * One port for HTTP/1.1 and HTTP/2 over cleartext with prior knowledge (h2c), as the SDK v3
 * Kinesis client speaks it by default. A connection's first bytes decide, once per connection:
 * the HTTP/2 connection preface (`PRI * HTTP/2.0`) hands the connection to the node:http2 server,
 * anything else hands the socket itself to the HTTP/1.1 server (whose parser takes the bytes read
 * back). node:http2 reads only from the socket's handle, so an HTTP/2 connection is given as a
 * stream that replays the bytes already read, then relays the socket. Requests then take the same
 * path on both.
 */
import type { Server as HttpServer } from "node:http";
import type { Http2Server, Http2Session } from "node:http2";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { Duplex } from "node:stream";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** The listening front of both servers, and the HTTP/2 sessions still open with their peer's address. */
export interface DualServer {
  readonly listener: NetServer;
  /** Open HTTP/2 sessions (closed on shutdown) and the address of the peer of each. */
  readonly sessions: ReadonlyMap<Http2Session, string>;
}

/** A server that passes each accepted connection to `http` or `h2` by its first bytes. */
export function createDualServer(http: HttpServer, h2: Http2Server): DualServer {
  const sessions = new Map<Http2Session, string>();
  let connecting = "";
  h2.on("session", (session: Http2Session) => {
    sessions.set(session, connecting);
    session.once("close", () => sessions.delete(session));
  });
  const toH2 = (socket: Socket, head: Buffer) => {
    // The session is created (and "session" emitted) synchronously by the connection event.
    connecting = socket.remoteAddress ?? "";
    h2.emit("connection", relay(socket, head));
    connecting = "";
  };
  const listener = createNetServer({ noDelay: true, pauseOnConnect: true }, (socket) => route(socket, http, toH2));
  return { listener, sessions };
}

function route(socket: Socket, http: HttpServer, toH2: (socket: Socket, head: Buffer) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const preface = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    // Until the whole preface could have arrived, a matching prefix is not yet a decision.
    if (preface && n < PREFACE.length) return;
    socket.off("data", onData);
    socket.off("error", onError);
    socket.pause();
    if (preface) return toH2(socket, seen);
    socket.unshift(seen);
    http.emit("connection", socket);
    socket.resume();
  };
  const onError = () => socket.destroy();
  socket.on("data", onData);
  socket.on("error", onError);
  socket.resume();
}

/** A stream reading `head` then the socket's bytes, and writing to the socket. */
function relay(socket: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (error, done) => {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  stream.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once("end", () => stream.push(null));
  socket.once("error", (e) => stream.destroy(e));
  socket.once("close", () => stream.destroy());
  return stream;
}
