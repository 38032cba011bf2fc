// Generates src/api/schema.gen.ts, the dashboard's API types, from the server's OpenAPI
// document (openapi/generated.yaml, generated from the server's code and served at
// /openapi.yaml) with openapi-typescript. `--check` writes nothing and fails when the
// checked-in file differs from what the document gives (the test stage runs it, so the
// dashboard cannot drift from the server). Usage:
//   npm run api-types          regenerate after the document changed
//   npm run api-types:check    the drift check
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

const DOCUMENT = new URL('../../openapi/generated.yaml', import.meta.url);
const OUTPUT = new URL('../src/api/schema.gen.ts', import.meta.url);

const HEADER = `// Generated from openapi/generated.yaml by \`npm run api-types\` (web-ui/scripts/api-types.mjs).
// Do not edit: change the server and its document, then regenerate. Nicer names live in
// types.ts.

/** Any JSON value: what the document leaves untyped (a flag's value, an audit snapshot). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

`;

const SHAPE_KEYWORDS = ['type', '$ref', 'oneOf', 'anyOf', 'allOf', 'enum', 'const', 'properties', 'items', 'not'];

/** A schema that constrains nothing but its description is "any JSON value". */
function anyJson(schema) {
  return schema && typeof schema === 'object' && SHAPE_KEYWORDS.every((k) => !(k in schema));
}

async function generate() {
  const ast = await openapiTS(DOCUMENT, {
    transform(schema) {
      if (anyJson(schema)) return ts.factory.createTypeReferenceNode('JsonValue');
      return undefined;
    },
  });
  return HEADER + astToString(ast);
}

const generated = await generate();
if (process.argv.includes('--check')) {
  const current = await readFile(OUTPUT, 'utf8').catch(() => '');
  if (current !== generated) {
    console.error(
      'web-ui/src/api/schema.gen.ts differs from what openapi/generated.yaml gives: run `cd web-ui && npm run api-types` and commit the result',
    );
    process.exit(1);
  }
  console.log('dashboard: API types match openapi/generated.yaml');
} else {
  await writeFile(OUTPUT, generated);
  console.log('wrote web-ui/src/api/schema.gen.ts');
}
