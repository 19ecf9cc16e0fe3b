/** An HTTP answer as plain data, so that both Remix and the production fast path can send it. */
export interface PlainAnswer {
  status: number;
  headers: Record<string, string>;
  /** Undefined: no body. */
  body?: unknown;
  /** A body sent as it is instead of JSON (its Content-Type in headers): the app proxy's Liquid answer. */
  text?: string;
}

/** The same answer as a Fetch API Response, for Remix. */
export function toResponse(answer: PlainAnswer): Response {
  if (answer.text !== undefined) return new Response(answer.text, { status: answer.status, headers: answer.headers });
  if (answer.body === undefined) return new Response(undefined, { status: answer.status, headers: answer.headers });
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
}
