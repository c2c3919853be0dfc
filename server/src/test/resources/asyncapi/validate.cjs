// Validates an AsyncAPI document with the official parser: node validate.cjs <parser install dir> <document>
// Prints every diagnostic as a JSON line, then "errors=<n>"; exits 0 only when there is no error.
const path = require('path');
const fs = require('fs');
const { Parser } = require(path.join(process.argv[2], 'node_modules', '@asyncapi', 'parser'));

(async () => {
  const text = fs.readFileSync(process.argv[3], 'utf8');
  const { document, diagnostics } = await new Parser().parse(text);
  for (const d of diagnostics) {
    console.log(JSON.stringify({ severity: d.severity, code: d.code, message: d.message, path: d.path }));
  }
  const errors = diagnostics.filter((d) => d.severity === 0).length;
  console.log('parsed=' + (document !== undefined));
  console.log('errors=' + errors);
  process.exit(errors === 0 && document !== undefined ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
