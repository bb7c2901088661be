// Plain HTTP answers that are not JSON-RPC results but still carry a JSON-RPC error body,
// so a client library shows the reason instead of a bare status.

/** Headers every response carries; browsers need CORS to call a node directly. */
export function baseHeaders(corsOrigin: string | null): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (corsOrigin !== null) headers["access-control-allow-origin"] = corsOrigin;
  return headers;
}

/** An HTTP response whose body is a JSON-RPC error with id null. */
export function httpError(status: number, code: number, message: string, corsOrigin: string | null, extra: Record<string, string> = {}): Response {
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } });
  return new Response(body, { status, headers: { ...baseHeaders(corsOrigin), ...extra } });
}

/** The CORS preflight answer. */
export function preflight(corsOrigin: string | null): Response {
  if (corsOrigin === null) return new Response(null, { status: 204 });
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": corsOrigin,
      "access-control-allow-methods": "POST, GET, OPTIONS",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "86400",
    },
  });
}
