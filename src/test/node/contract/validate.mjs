// Validates the relay's contract documents with the official parsers; prints one JSON line and exits 0 when valid.
// usage: node validate.mjs asyncapi <file> | node validate.mjs openapi <file>
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [kind, file] = process.argv.slice(2);
const path = resolve(file);

async function asyncapi() {
  const { Parser, fromFile } = await import('@asyncapi/parser');
  const parser = new Parser();
  const { document, diagnostics } = await fromFile(parser, path).parse();
  // severity 0 is an error; warnings and hints do not make a document invalid
  const errors = diagnostics.filter((d) => d.severity === 0)
    .map((d) => `${d.code} at ${d.path.join('/')}: ${d.message}`);
  const channels = document ? document.channels().all().map((c) => ({
    id: c.id(),
    address: c.address(),
    messages: c.messages().all().map((m) => m.name()),
  })) : [];
  return { valid: document !== undefined && errors.length === 0, errors, channels };
}

async function openapi() {
  const SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
  try {
    const api = await SwaggerParser.validate(path);
    return { valid: true, errors: [], paths: Object.keys(api.paths || {}) };
  } catch (e) {
    return { valid: false, errors: [String(e.message || e)] };
  }
}

const answer = kind === 'asyncapi' ? await asyncapi() : await openapi();
console.log(JSON.stringify(answer));
process.exit(answer.valid ? 0 : 1);
