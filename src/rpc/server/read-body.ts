// Reads an HTTP body without ever holding more than the limit, whether or not the client
// declared a Content-Length (chunked bodies have none).

/** The body bytes, or the number of bytes seen when it exceeds `limit` (the read stops there). */
export async function readBodyWithLimit(req: Request, limit: number): Promise<Uint8Array | { tooLarge: number }> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { tooLarge: declared };
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { tooLarge: total };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
