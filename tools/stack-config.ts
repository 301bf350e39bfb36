/**
 * A stack's config as the Pulumi CLI would hand it to the program: `Pulumi.yaml` defaults, then
 * `Pulumi.<stack>.yaml`, then `--set` overrides with the path syntax of `pulumi config set --path`.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { EnvironmentView, readEnvironments, shadowedValues } from "./esc";

/** One `--set path=value` override. */
export interface ConfigOverride {
    path: string;
    value: string;
}

/** Thrown for a stack file that does not exist or an override that cannot be applied. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/** Parses `path=value` (the first `=` splits). */
export function parseOverride(text: string): ConfigOverride {
    const at = text.indexOf("=");
    if (at <= 0) throw new StackConfigError(`--set expects path=value, got "${text}"`);
    return { path: text.slice(0, at), value: text.slice(at + 1) };
}

/** A value as `pulumi config set --path` stores it: JSON when it parses as JSON, else the string. */
export function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * Splits a config path the way `pulumi config set --path` does: `serving.traffic.challenger`,
 * `layers[0]`, `tags["cost center"]`, optionally prefixed by `namespace:`.
 */
export function splitPath(configPath: string, project: string): { key: string; segments: (string | number)[] } {
    const colon = configPath.indexOf(":");
    const namespaced = colon > 0 && !/[.[]/.test(configPath.slice(0, colon));
    const namespace = namespaced ? configPath.slice(0, colon) : project;
    let rest = namespaced ? configPath.slice(colon + 1) : configPath;
    const segments: (string | number)[] = [];
    const token = /^(?:\.?([A-Za-z0-9_\-]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;
    while (rest.length > 0) {
        const m = token.exec(rest);
        if (!m) throw new StackConfigError(`cannot parse config path "${configPath}" near "${rest}"`);
        if (m[1] !== undefined) segments.push(m[1]);
        else if (m[2] !== undefined) segments.push(Number(m[2]));
        else segments.push(m[3].replace(/\\(.)/g, "$1"));
        rest = rest.slice(m[0].length);
    }
    if (segments.length === 0 || typeof segments[0] !== "string") throw new StackConfigError(`empty config path "${configPath}"`);
    const [head, ...tail] = segments;
    return { key: `${namespace}:${head}`, segments: tail };
}

/** Sets `value` at `segments` inside `target`, creating objects and arrays as needed. */
function setIn(target: unknown, segments: (string | number)[], value: unknown): unknown {
    if (segments.length === 0) return value;
    const [head, ...tail] = segments;
    const container: any =
        typeof head === "number" ? (Array.isArray(target) ? [...target] : []) : typeof target === "object" && target !== null && !Array.isArray(target) ? { ...target } : {};
    container[head] = setIn(container[head], tail, value);
    return container;
}

/**
 * Reads a YAML file the way a user needs to hear about its mistakes: a syntax error names the file,
 * the line and the column; a document that is not a mapping (or has a non-mapping `key`) is refused
 * by name too. Never a stack trace from the YAML library.
 */
export function readYamlFile(file: string, mappingKeys: string[] = []): Record<string, unknown> {
    const name = path.basename(file);
    const text = fs.readFileSync(file, "utf8");
    const doc = YAML.parseDocument(text);
    const error = doc.errors[0];
    if (error) {
        const at = error.linePos?.[0];
        throw new StackConfigError(`${name}${at ? `:${at.line}:${at.col}` : ""}: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    const value: unknown = doc.toJS() ?? {};
    const lineOf = (node: unknown) => {
        const range = (node as { range?: [number, number, number] } | null)?.range;
        return range ? `:${lineAt(text, range[0])}` : "";
    };
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new StackConfigError(`${name}${lineOf(doc.contents)}: expected a mapping of keys to values, got ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`);
    }
    for (const key of mappingKeys) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined && v !== null && (typeof v !== "object" || Array.isArray(v))) {
            const node = (doc.get(key, true) as unknown) ?? doc.contents;
            throw new StackConfigError(`${name}${lineOf(node)}: ${key} must be a mapping of keys to values, got ${JSON.stringify(v)}`);
        }
    }
    return value as Record<string, unknown>;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
    return text.slice(0, offset).split("\n").length;
}

/** The project's declared config: key → default (only keys that declare one). */
export function projectDefaults(root: string): { project: string; defaults: Record<string, unknown> } {
    const doc = readYamlFile(path.join(root, "Pulumi.yaml"), ["config"]) as {
        name: string;
        config?: Record<string, unknown>;
    };
    const defaults: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${doc.name}:${key}`;
        if (typeof decl === "object" && decl !== null && !Array.isArray(decl)) {
            if ("default" in decl) defaults[fullKey] = (decl as { default: unknown }).default;
        } else {
            defaults[fullKey] = decl;
        }
    }
    return { project: doc.name, defaults };
}

/** The stack file's own values (`namespace:key` → value) and the ESC environments it imports. */
export function stackFileValues(
    root: string,
    stack: string,
    project: string = projectDefaults(root).project,
): { project: string; values: Record<string, unknown>; environments: EnvironmentView } {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new StackConfigError(`no stack file ${path.basename(file)} (stacks here: ${listStacks(root).join(", ")})`);
    const stackDoc = readYamlFile(file, ["config"]) as { config?: Record<string, unknown>; environment?: unknown };
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        values[key.includes(":") ? key : `${project}:${key}`] = value;
    }
    return { project, values, environments: readEnvironments(root, stackDoc.environment, project) };
}

/** What the offline plan of `stack` cannot see or takes from elsewhere than the stack file (ESC), one note each. */
export function stackConfigNotes(root: string, stack: string): string[] {
    const { values, environments } = stackFileValues(root, stack);
    return [...environments.unseen, ...shadowedValues(environments, values, `Pulumi.${stack}.yaml`)];
}

/**
 * The config the program sees for `stack`: defaults ← literal `pulumiConfig` of the imported ESC
 * environments ← stack file ← overrides (the CLI's order; see tools/esc.ts for what is not seen offline).
 */
export function stackConfig(root: string, stack: string, overrides: ConfigOverride[]): Record<string, unknown> {
    const { project, defaults } = projectDefaults(root);
    const { values, environments } = stackFileValues(root, stack, project);
    const stackValues: Record<string, unknown> = { ...values };
    // Like the CLI, `--path` edits the stack's own value; a project default is not merged in.
    for (const override of overrides) {
        const { key, segments } = splitPath(override.path, project);
        stackValues[key] = setIn(segments.length === 0 ? undefined : stackValues[key], segments, parseValue(override.value));
    }
    return { ...defaults, ...environments.config, ...stackValues };
}

/** The stacks that have a `Pulumi.<stack>.yaml` file. */
export function listStacks(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}
