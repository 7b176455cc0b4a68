// The bodies of foreign-fetch-bodies.https.html, shared by the page (which
// checks them) and ff-bodies-worker.js (which answers with them).
"use strict";

const FF_BODIES_LARGE_SIZE = 50 * 1024 * 1024;  // 52428800 bytes

// Byte i of the large body: the XOR of i's four bytes, so that every byte
// depends on its offset and a lost, repeated or misplaced chunk of any size
// shows (a pattern of period 256 would not).
function ff_bodies_byte(i) {
  return (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 0xff;
}

function ff_bodies_large(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++)
    bytes[i] = (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 0xff;
  return bytes;
}

// Chunk k of the stream: 1000 * (k + 1) + k bytes, byte j = (37 * k + j) & 0xff.
function ff_bodies_chunk(k) {
  return new Uint8Array(1000 * (k + 1) + k).map((_, j) => (37 * k + j) & 0xff);
}

function ff_bodies_stream(chunks) {
  const parts = [];
  for (let k = 0; k < chunks; k++) parts.push(...ff_bodies_chunk(k));
  return Uint8Array.from(parts);
}
