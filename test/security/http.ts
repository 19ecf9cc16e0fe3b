import http from "node:http";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes the client had written when the answer's headers arrived. */
  sentBeforeAnswer: number;
  /** Whether the client had finished sending the body by then. */
  finishedSending: boolean;
}

/**
 * A POST written by hand, to send what fetch will not: a Content-Length larger than the bytes
 * that follow, or a chunked body that goes on until the server answers. `chunks` is written in
 * order, each after the previous one drained; with `end: false` the request is never finished,
 * so an answer can only come from a server that did not wait for the whole body.
 */
export function rawPost(
  origin: string,
  path: string,
  options: { headers?: Record<string, string | number>; chunks: Iterable<Buffer | string>; end?: boolean; timeoutMs?: number },
): Promise<RawAnswer> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let finished = false;
    let answered = false;
    const request = http.request(url, { method: "POST", headers: options.headers, agent: false });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 5_000} ms after sending ${sent} body bytes to ${path}`));
    }, options.timeoutMs ?? 5_000);
    request.on("response", (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const finishedSending = finished;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode!, headers: response.headers, body, sentBeforeAnswer, finishedSending });
        request.destroy();
      });
    });
    // Once the server has answered and closed the connection, writing the rest fails; that is expected.
    request.on("error", (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    void (async () => {
      for (const chunk of options.chunks) {
        if (answered || request.destroyed) return;
        sent += Buffer.byteLength(chunk);
        if (!request.write(chunk)) {
          await new Promise<void>((resume) => {
            const go = () => {
              request.off("drain", go).off("close", go);
              resume();
            };
            request.once("drain", go).once("close", go);
          });
        }
        // Let the answer's headers in between chunks.
        await new Promise((resume) => setImmediate(resume));
      }
      if (options.end !== false && !answered && !request.destroyed) {
        request.end();
        finished = true;
      }
    })();
  });
}

/** `count` chunks of `size` bytes of JSON-ish filler. */
export function* filler(size: number, count: number): Generator<Buffer> {
  const chunk = Buffer.alloc(size, "a");
  for (let i = 0; i < count; i++) yield chunk;
}
