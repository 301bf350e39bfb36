/**
 * What the offline plan can know of the Pulumi ESC environments a stack file imports
 * (`environment: [lakehouse/dev]`): their definitions kept in this repository, `esc/<project>-<env>.yaml`.
 *
 * The CLI opens each imported environment and applies its `pulumiConfig` below the stack file's own
 * values. Offline, only literal values can be applied; what ESC computes when it opens an environment
 * (`fn::open::*`, `${...}` interpolations, `fn::secret`), imports without a local definition and
 * environment values the stack file shadows are reported as notes, never silently ignored.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** The ESC side of one stack's config. */
export interface EnvironmentView {
    /** The stack file's `environment:` imports, in order. */
    imports: string[];
    /** Literal `pulumiConfig` values, `namespace:key` → value (later imports win). */
    config: Record<string, unknown>;
    /** Which environment each value of `config` came from. */
    sources: Record<string, string>;
    /** What the offline plan cannot see, one sentence each. */
    unseen: string[];
}

/** The local definition of an environment: `lakehouse/dev` or `<org>/lakehouse/dev` → `esc/lakehouse-dev.yaml`. */
export function environmentFile(root: string, name: string): string {
    const parts = name.split("/");
    const local = parts.length >= 3 ? parts.slice(-2) : parts;
    return path.join(root, "esc", `${local.join("-")}.yaml`);
}

/** True when ESC would return the value as written (no provider, interpolation or secret in it). */
export function isLiteral(value: unknown): boolean {
    if (typeof value === "string") return !value.includes("${");
    if (Array.isArray(value)) return value.every(isLiteral);
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).every(([k, v]) => !k.startsWith("fn::") && isLiteral(v));
    }
    return true;
}

function importName(entry: unknown): string | undefined {
    if (typeof entry === "string") return entry;
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) return Object.keys(entry)[0];
    return undefined;
}

/**
 * Reads the environments a stack imports (and, recursively, the ones their definitions import).
 * `environment` is the raw `environment:` value of the stack file.
 */
export function readEnvironments(root: string, environment: unknown, project: string): EnvironmentView {
    const view: EnvironmentView = { imports: [], config: {}, sources: {}, unseen: [] };
    if (environment === undefined || environment === null) return view;
    if (!Array.isArray(environment)) {
        view.unseen.push("the stack file defines its environment inline: the offline plan reads only `environment: [<project>/<env>, ...]` imports");
        return view;
    }
    const visiting = new Set<string>();
    const visit = (name: string) => {
        if (visiting.has(name)) return;
        visiting.add(name);
        const file = environmentFile(root, name);
        const rel = path.relative(root, file);
        if (!fs.existsSync(file)) {
            view.unseen.push(`environment ${name} has no local definition (${rel}): its pulumiConfig values are not in this plan`);
            return;
        }
        const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { imports?: unknown[]; values?: { pulumiConfig?: Record<string, unknown> } };
        for (const entry of doc.imports ?? []) {
            const imported = importName(entry);
            if (imported) visit(imported);
        }
        for (const [key, value] of Object.entries(doc.values?.pulumiConfig ?? {})) {
            const fullKey = key.includes(":") ? key : `${project}:${key}`;
            if (isLiteral(value)) {
                view.config[fullKey] = value;
                view.sources[fullKey] = name;
            } else {
                view.unseen.push(`${fullKey} comes from environment ${name} (${rel}) and is computed when ESC opens it: not in this plan`);
            }
        }
    };
    for (const entry of environment) {
        const name = importName(entry);
        if (name === undefined) {
            view.unseen.push(`environment import ${JSON.stringify(entry)} is not a name`);
            continue;
        }
        view.imports.push(name);
        visit(name);
    }
    return view;
}

/**
 * Values an environment gives that the stack file overrides with something else: legal (the stack
 * file wins), but a reader of the environment would expect its value.
 */
export function shadowedValues(view: EnvironmentView, stackValues: Record<string, unknown>, stackFile: string): string[] {
    return Object.entries(view.config)
        .filter(([key, value]) => key in stackValues && JSON.stringify(stackValues[key]) !== JSON.stringify(value))
        .map(
            ([key, value]) =>
                `${key}: ${stackFile} sets ${JSON.stringify(stackValues[key])}, which wins over ${JSON.stringify(value)} from environment ${view.sources[key]}`,
        );
}
