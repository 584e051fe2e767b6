// Bench only: time official MJML (mjml2html, in-process) on the MJML files micromoments wrote.
//
// Usage:
//   node compile.mjs [--runs N] [--warmup W] INPUT
//
// INPUT is a folder (every *.mjml below it, sorted), a JSON file holding a list of paths, or
// "-" to read that JSON list from stdin. Each file is compiled W times untimed (so the JIT and
// mjml's lazy component registry are warm, as they would be in a long-running build), then N
// times timed with process.hrtime.bigint(). Prints one JSON object to stdout:
//   {"mjml": "<version>", "node": "<version>", "runs": N, "warmup": W,
//    "timings": {"<file>": [ms, ...], ...}, "errors": {"<file>": "<message>"}}
// Timings are per call in milliseconds. Files that fail to compile are listed under "errors"
// and have no timings, so one bad file does not hide the rest.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import process from "node:process";

const require = createRequire(import.meta.url);
const mjmlModule = require("mjml");
// mjml 5 exports the compiler as the module itself and as .default depending on the bundler.
const mjml2html = typeof mjmlModule === "function" ? mjmlModule : mjmlModule.default;
const mjmlVersion = require("mjml/package.json").version;

const OPTIONS = { validationLevel: "skip", minify: false };

function parseArgs(argv) {
  const args = { runs: 20, warmup: 3, input: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--runs") args.runs = Number.parseInt(argv[++i], 10);
    else if (arg === "--warmup") args.warmup = Number.parseInt(argv[++i], 10);
    else if (args.input === null) args.input = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (args.input === null) throw new Error("usage: node compile.mjs [--runs N] [--warmup W] INPUT");
  if (!(args.runs > 0) || !(args.warmup >= 0)) throw new Error("--runs > 0 and --warmup >= 0");
  return args;
}

function mjmlFilesIn(folder) {
  const found = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...mjmlFilesIn(path));
    else if (name.endsWith(".mjml")) found.push(path);
  }
  return found;
}

function inputFiles(input) {
  if (input === "-") return JSON.parse(readFileSync(0, "utf8"));
  const path = resolve(input);
  if (statSync(path).isDirectory()) return mjmlFilesIn(path);
  return JSON.parse(readFileSync(path, "utf8"));
}

async function compile(source) {
  // mjml 5's mjml2html returns a promise; awaiting a plain result is harmless too.
  const result = await mjml2html(source, OPTIONS);
  if (!result || typeof result.html !== "string" || result.html.length === 0) {
    throw new Error("mjml2html returned no html");
  }
  return result.html.length;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const files = inputFiles(args.input);
  const timings = {};
  const errors = {};
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    try {
      for (let i = 0; i < args.warmup; i += 1) await compile(source);
      const runs = [];
      for (let i = 0; i < args.runs; i += 1) {
        const start = process.hrtime.bigint();
        await compile(source);
        runs.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      timings[file] = runs;
    } catch (error) {
      errors[file] = String(error && error.message ? error.message : error);
    }
  }
  const out = {
    mjml: mjmlVersion,
    node: process.versions.node,
    runs: args.runs,
    warmup: args.warmup,
    timings,
    errors,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  process.stderr.write(`compile.mjs: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
