/**
 * A JSON response body assembled from its parts in one Buffer: each part is encoded once,
 * straight into place. Building a string instead (a template around the page text PostgreSQL
 * returned) would flatten it, then encode it again for the ETag hash and once more for the socket:
 * three copies of a page that can be megabytes, and with them the server's memory under load.
 */
export function jsonBody(parts: readonly string[]): Buffer {
  let length = 0;
  for (const part of parts) length += Buffer.byteLength(part);
  const body = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const part of parts) offset += body.write(part, offset);
  return body;
}
