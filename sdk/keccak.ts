/**
 * Keccak-256 of one 32- or 64-byte input, allocation-free, for the netting SDK's Merkle trees (`sdk/netting.ts`),
 * where a day of 80 million trades is ≈ 160 million hashes. Two kernels of Keccak-f[1600] (FIPS 202 §3), both
 * checked by the tests against ethers' `keccak256`:
 * - {@link keccakWordsWasm}: a WebAssembly function of 1.2 kB assembled here at load time (64-bit lanes in i64
 *   locals, native rotations): ≈ 2 million hashes per CPU second on the build machine;
 * - {@link keccakWordsJs}: plain JavaScript on 32-bit halves, ≈ 0.4 million (js-sha3 ≈ 0.23, the keccak
 *   package's native binding ≈ 0.17 with its per-call objects, `@noble/hashes` — ethers' own — ≈ 0.07);
 * {@link keccakWords} is the WebAssembly one where the runtime has WebAssembly, else the JavaScript one.
 *
 * Words are the little-endian 32-bit words of the bytes (word k = bytes 4k…4k+3, byte 4k lowest): exactly
 * Keccak's lane halves, so no conversion inside.
 */

/** The 24 round constants of ι, as (low, high) halves. */
const RC = new Int32Array([
  0x1, 0x0, 0x8082, 0x0, 0x808a, 0x80000000, 0x80008000, 0x80000000, 0x808b, 0x0, 0x80000001, 0x0, 0x80008081,
  0x80000000, 0x8009, 0x80000000, 0x8a, 0x0, 0x88, 0x0, 0x80008009, 0x0, 0x8000000a, 0x0, 0x8000808b, 0x0, 0x8b,
  0x80000000, 0x8089, 0x80000000, 0x8003, 0x80000000, 0x8002, 0x80000000, 0x80, 0x80000000, 0x800a, 0x0, 0x8000000a,
  0x80000000, 0x80008081, 0x80000000, 0x8080, 0x80000000, 0x80000001, 0x0, 0x80008008, 0x80000000,
]);

/** Keccak-256 of 8 or 16 words of `input` from `inputOffset`, its 8 words written to `out` at `outOffset`. */
export type KeccakWords = (
  input: Int32Array,
  inputOffset: number,
  words: 8 | 16,
  out: Int32Array,
  outOffset: number,
) => void;

/**
 * The JavaScript kernel: lane i = (a{2i}, a{2i+1}) (low, high halves) in locals, x + 5y order; one loop turn per
 * round, its steps θ, ρ+π (into b), χ (back into a) and ι written out lane by lane.
 */
export function keccakWordsJs(
  input: Int32Array,
  inputOffset: number,
  words: 8 | 16,
  out: Int32Array,
  outOffset: number,
): void {
  // Absorb one block of 136 bytes: the input, the padding's 0x01 right after it (word 8 or 16) and its 0x80 in
  // byte 135 (word 33); the rest zero.
  let a0 = input[inputOffset],
    a1 = input[inputOffset + 1],
    a2 = input[inputOffset + 2],
    a3 = input[inputOffset + 3],
    a4 = input[inputOffset + 4],
    a5 = input[inputOffset + 5],
    a6 = input[inputOffset + 6],
    a7 = input[inputOffset + 7];
  const wide = words === 16;
  let a8 = wide ? input[inputOffset + 8] : 1,
    a9 = wide ? input[inputOffset + 9] : 0,
    a10 = wide ? input[inputOffset + 10] : 0,
    a11 = wide ? input[inputOffset + 11] : 0,
    a12 = wide ? input[inputOffset + 12] : 0,
    a13 = wide ? input[inputOffset + 13] : 0,
    a14 = wide ? input[inputOffset + 14] : 0,
    a15 = wide ? input[inputOffset + 15] : 0;
  let a16 = wide ? 1 : 0,
    a17 = 0,
    a18 = 0,
    a19 = 0,
    a20 = 0,
    a21 = 0,
    a22 = 0,
    a23 = 0,
    a24 = 0,
    a25 = 0,
    a26 = 0,
    a27 = 0,
    a28 = 0,
    a29 = 0,
    a30 = 0,
    a31 = 0,
    a32 = 0,
    a33 = -2147483648,
    a34 = 0,
    a35 = 0,
    a36 = 0,
    a37 = 0,
    a38 = 0,
    a39 = 0,
    a40 = 0,
    a41 = 0,
    a42 = 0,
    a43 = 0,
    a44 = 0,
    a45 = 0,
    a46 = 0,
    a47 = 0,
    a48 = 0,
    a49 = 0;
  let b0,
    b1,
    b2,
    b3,
    b4,
    b5,
    b6,
    b7,
    b8,
    b9,
    b10,
    b11,
    b12,
    b13,
    b14,
    b15,
    b16,
    b17,
    b18,
    b19,
    b20,
    b21,
    b22,
    b23,
    b24,
    b25,
    b26,
    b27,
    b28,
    b29,
    b30,
    b31,
    b32,
    b33,
    b34,
    b35,
    b36,
    b37,
    b38,
    b39,
    b40,
    b41,
    b42,
    b43,
    b44,
    b45,
    b46,
    b47,
    b48,
    b49;
  let c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, d0, d1;
  for (let r = 0; r < 48; r += 2) {
    // θ: each lane ^= parity of the column to its left ^ (parity of the column to its right, rotated by 1)
    c0 = a0 ^ a10 ^ a20 ^ a30 ^ a40;
    c1 = a1 ^ a11 ^ a21 ^ a31 ^ a41;
    c2 = a2 ^ a12 ^ a22 ^ a32 ^ a42;
    c3 = a3 ^ a13 ^ a23 ^ a33 ^ a43;
    c4 = a4 ^ a14 ^ a24 ^ a34 ^ a44;
    c5 = a5 ^ a15 ^ a25 ^ a35 ^ a45;
    c6 = a6 ^ a16 ^ a26 ^ a36 ^ a46;
    c7 = a7 ^ a17 ^ a27 ^ a37 ^ a47;
    c8 = a8 ^ a18 ^ a28 ^ a38 ^ a48;
    c9 = a9 ^ a19 ^ a29 ^ a39 ^ a49;
    d0 = c8 ^ ((c2 << 1) | (c3 >>> 31));
    d1 = c9 ^ ((c3 << 1) | (c2 >>> 31));
    a0 ^= d0;
    a1 ^= d1;
    a10 ^= d0;
    a11 ^= d1;
    a20 ^= d0;
    a21 ^= d1;
    a30 ^= d0;
    a31 ^= d1;
    a40 ^= d0;
    a41 ^= d1;
    d0 = c0 ^ ((c4 << 1) | (c5 >>> 31));
    d1 = c1 ^ ((c5 << 1) | (c4 >>> 31));
    a2 ^= d0;
    a3 ^= d1;
    a12 ^= d0;
    a13 ^= d1;
    a22 ^= d0;
    a23 ^= d1;
    a32 ^= d0;
    a33 ^= d1;
    a42 ^= d0;
    a43 ^= d1;
    d0 = c2 ^ ((c6 << 1) | (c7 >>> 31));
    d1 = c3 ^ ((c7 << 1) | (c6 >>> 31));
    a4 ^= d0;
    a5 ^= d1;
    a14 ^= d0;
    a15 ^= d1;
    a24 ^= d0;
    a25 ^= d1;
    a34 ^= d0;
    a35 ^= d1;
    a44 ^= d0;
    a45 ^= d1;
    d0 = c4 ^ ((c8 << 1) | (c9 >>> 31));
    d1 = c5 ^ ((c9 << 1) | (c8 >>> 31));
    a6 ^= d0;
    a7 ^= d1;
    a16 ^= d0;
    a17 ^= d1;
    a26 ^= d0;
    a27 ^= d1;
    a36 ^= d0;
    a37 ^= d1;
    a46 ^= d0;
    a47 ^= d1;
    d0 = c6 ^ ((c0 << 1) | (c1 >>> 31));
    d1 = c7 ^ ((c1 << 1) | (c0 >>> 31));
    a8 ^= d0;
    a9 ^= d1;
    a18 ^= d0;
    a19 ^= d1;
    a28 ^= d0;
    a29 ^= d1;
    a38 ^= d0;
    a39 ^= d1;
    a48 ^= d0;
    a49 ^= d1;
    // ρ and π: b[y, 2x + 3y] = a[x, y] rotated by its offset
    b0 = a0;
    b1 = a1;
    b32 = (a11 << 4) | (a10 >>> 28);
    b33 = (a10 << 4) | (a11 >>> 28);
    b14 = (a20 << 3) | (a21 >>> 29);
    b15 = (a21 << 3) | (a20 >>> 29);
    b46 = (a31 << 9) | (a30 >>> 23);
    b47 = (a30 << 9) | (a31 >>> 23);
    b28 = (a40 << 18) | (a41 >>> 14);
    b29 = (a41 << 18) | (a40 >>> 14);
    b20 = (a2 << 1) | (a3 >>> 31);
    b21 = (a3 << 1) | (a2 >>> 31);
    b2 = (a13 << 12) | (a12 >>> 20);
    b3 = (a12 << 12) | (a13 >>> 20);
    b34 = (a22 << 10) | (a23 >>> 22);
    b35 = (a23 << 10) | (a22 >>> 22);
    b16 = (a33 << 13) | (a32 >>> 19);
    b17 = (a32 << 13) | (a33 >>> 19);
    b48 = (a42 << 2) | (a43 >>> 30);
    b49 = (a43 << 2) | (a42 >>> 30);
    b40 = (a5 << 30) | (a4 >>> 2);
    b41 = (a4 << 30) | (a5 >>> 2);
    b22 = (a14 << 6) | (a15 >>> 26);
    b23 = (a15 << 6) | (a14 >>> 26);
    b4 = (a25 << 11) | (a24 >>> 21);
    b5 = (a24 << 11) | (a25 >>> 21);
    b36 = (a34 << 15) | (a35 >>> 17);
    b37 = (a35 << 15) | (a34 >>> 17);
    b18 = (a45 << 29) | (a44 >>> 3);
    b19 = (a44 << 29) | (a45 >>> 3);
    b10 = (a6 << 28) | (a7 >>> 4);
    b11 = (a7 << 28) | (a6 >>> 4);
    b42 = (a17 << 23) | (a16 >>> 9);
    b43 = (a16 << 23) | (a17 >>> 9);
    b24 = (a26 << 25) | (a27 >>> 7);
    b25 = (a27 << 25) | (a26 >>> 7);
    b6 = (a36 << 21) | (a37 >>> 11);
    b7 = (a37 << 21) | (a36 >>> 11);
    b38 = (a47 << 24) | (a46 >>> 8);
    b39 = (a46 << 24) | (a47 >>> 8);
    b30 = (a8 << 27) | (a9 >>> 5);
    b31 = (a9 << 27) | (a8 >>> 5);
    b12 = (a18 << 20) | (a19 >>> 12);
    b13 = (a19 << 20) | (a18 >>> 12);
    b44 = (a29 << 7) | (a28 >>> 25);
    b45 = (a28 << 7) | (a29 >>> 25);
    b26 = (a38 << 8) | (a39 >>> 24);
    b27 = (a39 << 8) | (a38 >>> 24);
    b8 = (a48 << 14) | (a49 >>> 18);
    b9 = (a49 << 14) | (a48 >>> 18);
    // χ: a = b ^ (~b[x + 1] & b[x + 2]) along each row
    a0 = b0 ^ (~b2 & b4);
    a1 = b1 ^ (~b3 & b5);
    a2 = b2 ^ (~b4 & b6);
    a3 = b3 ^ (~b5 & b7);
    a4 = b4 ^ (~b6 & b8);
    a5 = b5 ^ (~b7 & b9);
    a6 = b6 ^ (~b8 & b0);
    a7 = b7 ^ (~b9 & b1);
    a8 = b8 ^ (~b0 & b2);
    a9 = b9 ^ (~b1 & b3);
    a10 = b10 ^ (~b12 & b14);
    a11 = b11 ^ (~b13 & b15);
    a12 = b12 ^ (~b14 & b16);
    a13 = b13 ^ (~b15 & b17);
    a14 = b14 ^ (~b16 & b18);
    a15 = b15 ^ (~b17 & b19);
    a16 = b16 ^ (~b18 & b10);
    a17 = b17 ^ (~b19 & b11);
    a18 = b18 ^ (~b10 & b12);
    a19 = b19 ^ (~b11 & b13);
    a20 = b20 ^ (~b22 & b24);
    a21 = b21 ^ (~b23 & b25);
    a22 = b22 ^ (~b24 & b26);
    a23 = b23 ^ (~b25 & b27);
    a24 = b24 ^ (~b26 & b28);
    a25 = b25 ^ (~b27 & b29);
    a26 = b26 ^ (~b28 & b20);
    a27 = b27 ^ (~b29 & b21);
    a28 = b28 ^ (~b20 & b22);
    a29 = b29 ^ (~b21 & b23);
    a30 = b30 ^ (~b32 & b34);
    a31 = b31 ^ (~b33 & b35);
    a32 = b32 ^ (~b34 & b36);
    a33 = b33 ^ (~b35 & b37);
    a34 = b34 ^ (~b36 & b38);
    a35 = b35 ^ (~b37 & b39);
    a36 = b36 ^ (~b38 & b30);
    a37 = b37 ^ (~b39 & b31);
    a38 = b38 ^ (~b30 & b32);
    a39 = b39 ^ (~b31 & b33);
    a40 = b40 ^ (~b42 & b44);
    a41 = b41 ^ (~b43 & b45);
    a42 = b42 ^ (~b44 & b46);
    a43 = b43 ^ (~b45 & b47);
    a44 = b44 ^ (~b46 & b48);
    a45 = b45 ^ (~b47 & b49);
    a46 = b46 ^ (~b48 & b40);
    a47 = b47 ^ (~b49 & b41);
    a48 = b48 ^ (~b40 & b42);
    a49 = b49 ^ (~b41 & b43);
    // ι
    a0 ^= RC[r];
    a1 ^= RC[r + 1];
  }
  out[outOffset] = a0;
  out[outOffset + 1] = a1;
  out[outOffset + 2] = a2;
  out[outOffset + 3] = a3;
  out[outOffset + 4] = a4;
  out[outOffset + 5] = a5;
  out[outOffset + 6] = a6;
  out[outOffset + 7] = a7;
}

/* THE WEBASSEMBLY KERNEL */

/** ρ's rotation of lane x + 5y. */
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n ? low | 0x80 : low);
  } while (n);
  return out;
}

function sleb(value: bigint): number[] {
  let v = BigInt.asIntN(64, value);
  const out: number[] = [];
  for (;;) {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(low & 0x40)) || (v === -1n && low & 0x40)) return [...out, low];
    out.push(low | 0x80);
  }
}

/**
 * The module's bytes: one memory page (the 24 round constants at 0…191) and
 * `keccak(src, words, dst)`: Keccak-256 of `words` (8 or 16) 32-bit words at byte `src`, 32 bytes written at `dst`.
 */
function keccakModule(): Uint8Array<ArrayBuffer> {
  // Locals: 0 src, 1 words, 2 dst (parameters), 3 the round constant's address, 4… the lanes a, b, c and d.
  const [SRC, WORDS, DST, RP, A, B, C, D] = [0, 1, 2, 3, 4, 29, 54, 59];
  const code: number[] = [];
  const get = (i: number) => code.push(0x20, ...uleb(i));
  const set = (i: number) => code.push(0x21, ...uleb(i));
  const i64 = (v: bigint) => code.push(0x42, ...sleb(v));
  const xor = () => code.push(0x85);
  const rotl = (n: number) => (i64(BigInt(n)), code.push(0x89));
  const load = (offset: number) => code.push(0x29, 3, ...uleb(offset));
  // Absorb: lanes 0…3 (or 0…7) from src; the padding's 0x01 in the next lane, its 0x80 in lane 16's top byte.
  for (let i = 0; i < 4; i++) (get(SRC), load(8 * i), set(A + i));
  get(WORDS);
  code.push(0x41, 16, 0x46, 0x04, 0x40); // if (words == 16)
  for (let i = 4; i < 8; i++) (get(SRC), load(8 * i), set(A + i));
  i64(1n);
  set(A + 8);
  code.push(0x05); // else
  i64(1n);
  set(A + 4);
  code.push(0x0b); // end
  i64(-(1n << 63n));
  set(A + 16);
  code.push(0x41, 0);
  set(RP);
  code.push(0x03, 0x40); // loop: one round
  // θ
  for (let x = 0; x < 5; x++) {
    get(A + x);
    for (let y = 1; y < 5; y++) (get(A + x + 5 * y), xor());
    set(C + x);
  }
  for (let x = 0; x < 5; x++) {
    get(C + ((x + 4) % 5));
    get(C + ((x + 1) % 5));
    rotl(1);
    xor();
    set(D);
    for (let y = 0; y < 5; y++) (get(A + x + 5 * y), get(D), xor(), set(A + x + 5 * y));
  }
  // ρ and π
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      get(A + x + 5 * y);
      if (ROTATIONS[x + 5 * y]) rotl(ROTATIONS[x + 5 * y]);
      set(B + y + 5 * ((2 * x + 3 * y) % 5));
    }
  }
  // χ
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      get(B + x + 5 * y);
      get(B + ((x + 1) % 5) + 5 * y);
      i64(-1n);
      xor();
      get(B + ((x + 2) % 5) + 5 * y);
      code.push(0x83); // and
      xor();
      set(A + x + 5 * y);
    }
  }
  // ι, and the next round while the constant's address < 192
  get(A);
  get(RP);
  load(0);
  xor();
  set(A);
  get(RP);
  code.push(0x41, 8, 0x6a, 0x22, ...uleb(RP), 0x41, ...sleb(192n), 0x49, 0x0d, 0, 0x0b);
  // Squeeze: lanes 0…3 to dst.
  for (let i = 0; i < 4; i++) (get(DST), get(A + i), code.push(0x37, 3, ...uleb(8 * i)));
  code.push(0x0b);
  const body = [2, 1, 0x7f, 56, 0x7e, ...code]; // locals: 1 i32, 56 i64
  const constants: number[] = [];
  for (let r = 0; r < 24; r++) {
    for (let k = 0; k < 8; k++) constants.push(((k < 4 ? RC[2 * r] : RC[2 * r + 1]) >>> (8 * (k % 4))) & 0xff);
  }
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const name = (text: string) => [text.length, ...Array.from(text, (ch) => ch.charCodeAt(0))];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]), // type: (i32, i32, i32) → ()
    ...section(3, [1, 0]), // function 0 of type 0
    ...section(5, [1, 0, 1]), // memory: 1 page
    ...section(7, [2, ...name("keccak"), 0, 0, ...name("memory"), 2, 0]), // exports
    ...section(10, [1, ...uleb(body.length), ...body]), // code
    ...section(11, [1, 0, 0x41, 0, 0x0b, ...uleb(constants.length), ...constants]), // data: the round constants
  ]);
}

/**
 * A kernel's own buffers, for callers that build the input in place and read the digest in place (no copies):
 * write 8 or 16 words to `input`, call `hash(words)`, read 8 words from `output`.
 */
export interface KeccakScratch {
  input: Int32Array;
  output: Int32Array;
  hash(words: 8 | 16): void;
}

/** The WebAssembly kernel's buffers, or undefined where the runtime has no WebAssembly. */
function wasmScratch(): KeccakScratch | undefined {
  if (typeof WebAssembly !== "object") return undefined;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(keccakModule()), {});
    const keccak = instance.exports.keccak as (src: number, words: number, dst: number) => void;
    // Bytes 256…319 the input, 320…351 the digest (the page never grows: the views stay valid).
    const buffer = (instance.exports.memory as WebAssembly.Memory).buffer;
    return {
      input: new Int32Array(buffer, 256, 16),
      output: new Int32Array(buffer, 320, 8),
      hash: (words) => keccak(256, words, 320),
    };
  } catch {
    return undefined;
  }
}

const wasm = wasmScratch();

/** The WebAssembly kernel (undefined without WebAssembly). */
export const keccakWordsWasm: KeccakWords | undefined =
  wasm &&
  ((input, inputOffset, words, out, outOffset) => {
    for (let k = 0; k < words; k++) wasm.input[k] = input[inputOffset + k];
    wasm.hash(words);
    for (let k = 0; k < 8; k++) out[outOffset + k] = wasm.output[k];
  });

/** Keccak-256 of 8 or 16 words: the fastest kernel the runtime has. */
export const keccakWords: KeccakWords = keccakWordsWasm ?? keccakWordsJs;

/** The fastest kernel's buffers. */
export const keccakScratch: KeccakScratch = wasm ?? {
  input: new Int32Array(16),
  output: new Int32Array(8),
  hash(words) {
    keccakWordsJs(this.input, 0, words, this.output, 0);
  },
};
