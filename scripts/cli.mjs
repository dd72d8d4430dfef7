// What the CLIs share: option parsing that answers a mistake with one line (not a stack trace), and
// the separator rule of every multi-value variable (commas or whitespace, as the Worker reads them).
import { parseArgs } from "node:util";

/** Prints `<command>: <message>` on stderr and exits (2: a usage mistake, by convention). */
export function fail(command, message, code = 2) {
  console.error(`${command}: ${message}`);
  process.exit(code);
}

/**
 * parseArgs, strict, no positionals; a bad option ends the process with one line naming it.
 * @template {import("node:util").ParseArgsConfig["options"]} T
 * @param {string} command @param {T} options
 */
export function parseOptions(command, options, args = process.argv.slice(2)) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // Node's messages run on ("Unknown option '--x'. To specify a positional argument …"): the first
    // sentence is the useful one.
    const first = String(/** @type {Error} */ (err).message).split(/\.\s/)[0];
    return fail(command, `${first}; npm run ${command} -- --help lists the options`);
  }
}

/** "a, b c" → ["a", "b", "c"]: the values of a multi-value variable or option. */
export function splitList(value) {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}
