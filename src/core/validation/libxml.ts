/**
 * libxml2 (WebAssembly) loaded on first use, and the compiled schema set.
 *
 * libxml2-wasm is an ES module with top-level await, so CommonJS code (the extension, the CLI,
 * tsx tests) reaches it through a dynamic import. esbuild cannot put top-level await into a
 * CJS bundle, so esbuild.js builds it as its own ESM file, dist/libxml2.mjs (the wasm binary is
 * inlined in it), and points this import there. Nothing is loaded until the first validation,
 * which keeps extension activation and the forwarding path free of it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { XsdValidator } from 'libxml2-wasm';

export type Libxml2 = typeof import('libxml2-wasm');

let lib: Promise<Libxml2> | undefined;

export function libxml2(): Promise<Libxml2> {
  return (lib ??= import('libxml2-wasm'));
}

/** Schema set entry points by what they validate. */
const SCHEMAS = {
  client: 'jabber-client.xsd',
  framing: 'xmpp-framing.xsd',
  finesse: 'finesse.xsd',
} as const;
export type SchemaName = keyof typeof SCHEMAS;

/** Schemas are looked up by this URL scheme so xs:import works without file access in wasm. */
const BASE = 'mem:/schemas/';

/** The schemas/ folder: next to src (tests, tsx) or one level above dist/ (bundles, packaged). */
function schemasDir(): string {
  const candidates = [
    resolve(__dirname, '../../../schemas'),
    resolve(__dirname, '../schemas'),
    resolve(__dirname, 'schemas'),
  ];
  const found = candidates.find((d) => existsSync(join(d, SCHEMAS.client)));
  if (!found) throw new Error(`schemas not found (looked in ${candidates.join(', ')})`);
  return found;
}

let providerRegistered = false;
const validators = new Map<SchemaName, Promise<XsdValidator>>();

/** A compiled validator, built once per process and kept (validators are small). */
export function schemaValidator(name: SchemaName): Promise<XsdValidator> {
  let v = validators.get(name);
  if (!v) {
    v = compile(name);
    validators.set(name, v);
    v.catch(() => validators.delete(name));
  }
  return v;
}

async function compile(name: SchemaName): Promise<XsdValidator> {
  const lx = await libxml2();
  const dir = schemasDir();
  if (!providerRegistered) {
    const encoder = new TextEncoder();
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(dir))
      if (f.endsWith('.xsd')) files[BASE + f] = encoder.encode(readFileSync(join(dir, f), 'utf8'));
    lx.xmlRegisterInputProvider(new lx.XmlBufferInputProvider(files));
    providerRegistered = true;
  }
  const file = SCHEMAS[name];
  // The schema document stays alive with the validator: libxml2's compiled schema keeps
  // pointers into it (for error reports), so disposing it early would be a use-after-free.
  const doc = lx.XmlDocument.fromString(readFileSync(join(dir, file), 'utf8'), { url: BASE + file });
  return lx.XsdValidator.fromDoc(doc);
}
