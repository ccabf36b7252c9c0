// Parses each PromQL expression of a JSON array of {"name", "expr"} with Prometheus' own grammar and prints one line
// per expression that does not parse: "<name>: <position> <expr>". Exits 1 when any does not.
import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";

const expressions = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = 0;
for (const { name, expr } of expressions) {
  const tree = parser.parse(expr);
  let error = -1;
  tree.iterate({
    enter(node) {
      if (error < 0 && node.type.isError) {
        error = node.from;
      }
    },
  });
  if (error >= 0) {
    failed++;
    console.log(`${name}: does not parse at ${error}: ${expr.slice(0, error)} <HERE> ${expr.slice(error)}`);
  }
}
console.log(`${expressions.length} expression(s), ${failed} that do not parse`);
process.exit(failed === 0 ? 0 : 1);
