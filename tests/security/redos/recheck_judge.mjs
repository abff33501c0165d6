// The reference ReDoS judge: recheck (npm, https://makenowjust-labs.github.io/recheck/) reads
// each pattern as an ECMA-262 regex, as the platform's validators do, and says whether a
// crafted input makes a backtracking engine take exponential time.
// stdin: a JSON array of patterns; stdout: a JSON array of complexity types (or the status).
import { checkSync } from "recheck";

const patterns = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));
const verdicts = patterns.map((pattern) => {
  const result = checkSync(pattern, "u", { timeout: 10000 });
  return result.status === "unknown" ? "unknown" : result.complexity.type;
});
process.stdout.write(JSON.stringify(verdicts));
