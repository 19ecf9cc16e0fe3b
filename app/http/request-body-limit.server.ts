import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { bodyLimitFor, bodyTooLargeAnswer, type BodyLimit } from "./body-limits.server";

function limitOf(req: IncomingMessage): BodyLimit {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return bodyLimitFor(query === -1 ? url : url.slice(0, query));
}

/** The route's limit when the request's Content-Length declares more; undefined when it fits or declares nothing. */
function declaredBodyOverLimit(req: IncomingMessage): BodyLimit | undefined {
  const declared = req.headers["content-length"];
  if (declared === undefined) return undefined;
  const limit = limitOf(req);
  return Number(declared) > limit.bytes ? limit : undefined;
}

/** How long a refused client may go on sending before its connection is cut. */
const LINGER_AFTER_REFUSAL_MS = 2_000;

/**
 * What Node does after a `Connection: close` answer (socket.destroySoon), made gentler: the
 * socket is half-closed at once, and destroyed when the client closes its side or after
 * LINGER_AFTER_REFUSAL_MS. Destroyed at once with body bytes still unread, the connection would
 * be reset and most clients would report ECONNRESET instead of the 413. What arrives meanwhile
 * goes through the HTTP parser into nothing: Node drops the body of an answered request unbuffered.
 */
function lingerBeforeClosing(socket: Socket | null) {
  if (!socket) return;
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_AFTER_REFUSAL_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

/**
 * The 413, sent without reading the body. `Connection: close`: the unread rest of the body
 * would otherwise be read (and thrown away) to reuse the connection.
 */
function refuse(res: ServerResponse, limit: BodyLimit) {
  lingerBeforeClosing(res.socket);
  const body = JSON.stringify(bodyTooLargeAnswer(limit));
  res.writeHead(413, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}

/**
 * Holds a chunked body back from the request's readers until it has all arrived, counting it
 * as it arrives; then hands it over, so that Remix and the fast paths read `req` as usual.
 * `fits` is false as soon as the count passes the limit: the socket stops being read and the
 * rest is dropped.
 *
 * The parser delivers each chunk through `req.push` (the Readable's own way in); taking it
 * over on this one request is what lets the count come before any reader, without a second
 * stream the readers would have to be pointed at.
 */
function holdChunkedBody(req: IncomingMessage, limit: number, done: (fits: boolean) => void) {
  const push = req.push;
  const chunks: Buffer[] = [];
  let size = 0;
  req.push = (chunk: Buffer | null) => {
    if (chunk === null) {
      req.push = push;
      for (const held of chunks) push.call(req, held);
      push.call(req, null);
      done(true);
      return false;
    }
    size += chunk.length;
    if (size <= limit) {
      chunks.push(chunk);
      // true: keep reading the socket although nobody reads the request yet (false would pause it for good).
      return true;
    }
    chunks.length = 0;
    req.push = () => false;
    done(false);
    return false;
  };
}

/**
 * A route may answer without reading the body (an unknown shop, a wrong token). Remix has
 * subscribed to it all the same and stops pulling it when its buffer fills, so Node never
 * drains it: the connection would sit until the keep-alive timeout resets it, and a client
 * still sending would see ECONNRESET instead of the answer. Once the answer is out, the rest
 * (at most the route's cap) is dropped as it arrives.
 */
function dropUnreadBodyAfterAnswer(req: IncomingMessage, res: ServerResponse) {
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    req.removeAllListeners("data");
    req.resume();
  });
}

/**
 * Caps every request body before anything reads it, by route family (see body-limits.server.ts):
 * a Content-Length over the cap is answered 413 at once, unread; a chunked body is counted as
 * it streams in and answered 413 when it passes the cap. In front of every route, in
 * development (Vite, Remix) and production (the fast paths, Remix) alike.
 */
export function limitRequestBodies() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const over = declaredBodyOverLimit(req);
    if (over) return refuse(res, over);
    const length = req.headers["content-length"];
    if (length === undefined && req.headers["transfer-encoding"] === undefined) return next();
    dropUnreadBodyAfterAnswer(req, res);
    if (length !== undefined) return next();
    const limit = limitOf(req);
    // next() is deferred out of the HTTP parser's callback, which delivered the last chunk.
    holdChunkedBody(req, limit.bytes, (fits) => (fits ? setImmediate(next) : refuse(res, limit)));
  };
}

/**
 * For the server's `checkContinue` event: a client that asks before sending (`Expect:
 * 100-continue`, as curl does for large bodies) is told to go on only when its declared body
 * fits; otherwise it gets the 413 without sending anything.
 */
export function continueIfBodyFits(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!declaredBodyOverLimit(req)) res.writeContinue();
    handle(req, res);
  };
}
