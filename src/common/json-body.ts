/**
 * A JSON response body assembled from its parts in one Buffer: each part is encoded once,
 * straight into place. Building a string instead (a template around the page text PostgreSQL
 * returned) would flatten it, then encode it again for the ETag hash and once more for the socket:
 * three copies of a page that can be megabytes. (Streaming the parts of large bodies instead was
 * measured too: the socket's write queue then held the encoded pieces anyway, and peak memory
 * under load rose; docs/PERFORMANCE.md.)
 */
export function jsonBody(parts: readonly string[]): Buffer {
  let length = 0;
  for (const part of parts) length += Buffer.byteLength(part);
  const body = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const part of parts) offset += body.write(part, offset);
  return body;
}
