/**
 * Reads the regular files and folders of an uncompressed tar archive (ustar or GNU): enough for the
 * archives an npm package ships, without a dependency.
 *
 * @module
 */

/** One entry of a tar archive. */
export interface TarEntry {
  /** The path inside the archive, without a leading "./". */
  path: string;
  /** Unix permission bits. */
  mode: number;
  /** The file's bytes; null for a folder. */
  data: Uint8Array | null;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, start: number, length: number): number {
  const value = text(block, start, length).trim();
  return value ? parseInt(value, 8) : 0;
}

/**
 * Lists the files and folders of `archive`; links and other entry types are skipped.
 *
 * @example
 * ```ts
 * for (const entry of readTar(bytes)) if (entry.data) writeFileSync(join(dir, entry.path), entry.data);
 * ```
 */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // the end-of-archive blocks
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const body = archive.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") { // GNU: the next entry's name, too long for its header
      longName = text(body, 0, body.length);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = null;
    const path = name.replace(/^\.\//, "").replace(/\/$/, "");
    if (!path || path.split("/").includes("..")) continue;
    const mode = octal(header, 100, 8) & 0o777;
    if (type === "0" || type === "\0") entries.push({ path, mode, data: body });
    else if (type === "5") entries.push({ path, mode, data: null });
  }
  return entries;
}
