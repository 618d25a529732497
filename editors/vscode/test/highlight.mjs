// Tokenizes every .aim file under examples/ with the engine VS Code itself uses
// (vscode-textmate + Oniguruma) and checks that the grammar gives each part of the language
// its scope: keywords, stage names and kinds, strings, numbers, comments, and that no word is
// left unscoped. Run by `cargo test` (tests/cli/editors.rs) once `npm ci` has run here.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const wasm = fs.readFileSync(path.join(here, "../node_modules/vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (s) => new oniguruma.OnigScanner(s),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () =>
    vsctm.parseRawGrammar(
      fs.readFileSync(path.join(here, "../syntaxes/aim.tmLanguage.json"), "utf8"),
      "aim.tmLanguage.json",
    ),
});
const grammar = await registry.loadGrammar("source.aim");

function aimFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "data" ? [] : aimFiles(p);
    return e.name.endsWith(".aim") ? [p] : [];
  });
}

// The scope given to the first character of each match of `re` on a line.
function expect(failures, where, line, tokens, re, scope) {
  for (const m of line.matchAll(new RegExp(re.source, re.flags + "d"))) {
    const at = m[1] ? m.indices[1][0] : m.index;
    const tok = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
    if (!tok || !tok.scopes.some((s) => s.startsWith(scope))) {
      failures.push(`${where}: \`${m[1] ?? m[0]}\` is ${tok ? tok.scopes.join(" ") : "untokenized"}, want ${scope}`);
    }
  }
}

const failures = [];
const files = aimFiles(path.join(root, "examples"));
if (files.length === 0) throw new Error("no .aim files under examples/");
for (const file of files) {
  let stack = vsctm.INITIAL;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    const where = `${path.relative(root, file)}:${i + 1}`;
    const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
    stack = ruleStack;
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, (s) => " ".repeat(s.length));
    const hash = code.indexOf("#");
    const body = hash >= 0 ? code.slice(0, hash) : code;
    expect(failures, where, body, tokens, /^\s*(stage)\b/g, "keyword.control.stage");
    expect(failures, where, body, tokens, /^\s*stage\s+(\w+)/g, "entity.name.function.stage");
    expect(failures, where, body, tokens, /^\s*stage\s+\w+\s*:\s*([\w.]+)/g, "entity.name.type.kind");
    expect(failures, where, body, tokens, /^\s*(pipeline)\b/g, "keyword.control.pipeline");
    expect(failures, where, body, tokens, /^\s*(plugin)\b/g, "keyword.control.plugin");
    expect(failures, where, hash >= 0 ? line.slice(0, hash) : line, tokens, /"(?:[^"\\]|\\.)*"/g, "string.quoted");
    expect(failures, where, body, tokens, /(?<![\w.])-?\d[\w.%]*/g, "constant.numeric");
    // The whole comment, to the end of the line.
    if (hash >= 0) expect(failures, where, " ".repeat(hash) + line.slice(hash).replace(/\S/g, "x"), tokens, /x/g, "comment.line");
    // Every word outside strings and comments has a scope of its own.
    for (const m of body.matchAll(/[A-Za-z_]\w*/g)) {
      const tok = tokens.find((t) => t.startIndex <= m.index && m.index < t.endIndex);
      if (!tok || tok.scopes.length < 2) failures.push(`${where}: \`${m[0]}\` has no scope`);
    }
  });
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`highlighted ${files.length} files`);
