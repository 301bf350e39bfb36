/**
 * The least-privilege allowance each declared principal gets, derived from a stack's config layer
 * by layer, in the form `uc-least-privilege-allowance` takes in `policies/config/<stack>.json`,
 * and the payload auditors `serving-payloads-private` takes.
 *
 *   npm run policy-config -- --stack prod [--set PATH=VALUE ...] [--write]
 *
 * The stack config is the request, the policy config the approval: a config change that grants a
 * declared role more (another layer, the raw files, the models, running the pipeline's job) fails
 * the pack until the policy config allows it too. A test keeps the shipped policy configs equal to
 * what the shipped stack configs derive.
 */
import { reachesChild } from "../policies/rules/access-model";
import { Securable } from "../policies/privileges";
import { LakehouseConfig } from "../components/config";
import { LEVELS } from "../components/pipeline-access";
import { LANDING_LAYER, SERVING_LAYER } from "../components/settings/catalog";
import { RoleGrants } from "../components/settings/grants";
import { PLATFORM_ROLES } from "../components/settings/principals";
import * as fs from "fs";
import * as path from "path";
import { PolicyPackConfig, stackPolicyConfig } from "../policies/runner";
import { plan, resolvedConfig } from "./plan";
import { parseOverride } from "./stack-config";

/** Where the shipped policy configs live. */
const POLICY_CONFIG_DIR = path.join(__dirname, "..", "policies", "config");

/** `{ <kind> or <kind>:<scope>: [privileges] }`, as the policy takes it. */
export type DerivedAllowance = Record<string, string[]>;

const CHILDREN: Record<"catalog" | "schema", readonly Securable[]> = {
    catalog: ["schema", "table", "view", "volume", "registered_model", "function"],
    schema: ["table", "view", "volume", "registered_model", "function"],
};

function add(allowance: DerivedAllowance, key: string, privileges: Iterable<string>): void {
    const set = new Set(allowance[key] ?? []);
    for (const p of privileges) set.add(p);
    if (set.size > 0) allowance[key] = [...set].sort();
}

/** What a container grant passes down, per child kind, under `scope` (undefined: every one of that kind). */
function passDown(allowance: DerivedAllowance, container: "catalog" | "schema", privileges: readonly string[], scope?: string): void {
    for (const child of CHILDREN[container]) {
        const reaching = privileges.filter((p) => reachesChild(container, p, child));
        if (reaching.length > 0) add(allowance, scope === undefined ? child : `${child}:${scope}`, reaching);
    }
}

/** The Unity Catalog part of one role's allowance: what `lakehouse:grants` gives it, securable by securable. */
export function grantsAllowance(grants: RoleGrants): DerivedAllowance {
    const out: DerivedAllowance = {};
    add(out, "catalog", grants.catalog);
    passDown(out, "catalog", grants.catalog);
    for (const [layer, privileges] of Object.entries(grants.schemas)) {
        add(out, `schema:${layer}`, privileges);
        passDown(out, "schema", privileges, layer);
    }
    for (const [volume, privileges] of Object.entries(grants.volumes)) add(out, `volume:${LANDING_LAYER}.${volume}`, privileges);
    for (const [table, privileges] of Object.entries(grants.tables)) add(out, `table:${LANDING_LAYER}.${table}`, privileges);
    for (const [model, privileges] of Object.entries(grants.models)) add(out, `registered_model:${SERVING_LAYER}.${model}`, privileges);
    return out;
}

/** The workspace part of one role's allowance: pipelines run/view, app permissions, serving consumers. */
export function workspaceAllowance(config: LakehouseConfig, role: string): DerivedAllowance {
    const out: DerivedAllowance = {};
    const { run, view } = config.pipelines.permissions;
    if (run.includes(role)) {
        add(out, "job", [LEVELS.job.run]);
        add(out, "pipeline", [LEVELS.pipeline.run]);
        add(out, "sqlWarehouse", [LEVELS.warehouse.run]);
        add(out, "clusterPolicy", [LEVELS.clusterPolicy.run]);
        add(out, "directory", [LEVELS.code.run]);
    }
    if (view.includes(role)) {
        add(out, "job", [LEVELS.job.view]);
        add(out, "pipeline", [LEVELS.pipeline.view]);
        add(out, "sqlWarehouse", [LEVELS.warehouse.view]);
        add(out, "directory", [LEVELS.code.view]);
    }
    const appLevel = config.app.enabled ? config.app.permissions[role] : undefined;
    if (appLevel !== undefined) add(out, "app", [appLevel]);
    if (config.serving.endpoints.some((e) => e.enabled && e.consumers.includes(role))) add(out, "servingEndpoint", ["CAN_QUERY"]);
    return out;
}

/** Principal name → allowance, for every declared role that the config gives anything (roles naming one principal merge). */
export function derivedAllowances(config: LakehouseConfig): Record<string, DerivedAllowance> {
    const out: Record<string, DerivedAllowance> = {};
    for (const [role, principal] of Object.entries(config.principals)) {
        if ((PLATFORM_ROLES as readonly string[]).includes(role)) continue;
        const allowance: DerivedAllowance = {};
        const grants = config.grants[role];
        for (const [key, privileges] of Object.entries({ ...(grants ? grantsAllowance(grants) : {}) })) add(allowance, key, privileges);
        for (const [key, privileges] of Object.entries(workspaceAllowance(config, role))) add(allowance, key, privileges);
        if (Object.keys(allowance).length === 0) continue;
        const slot = (out[principal.name] ??= {});
        for (const [key, privileges] of Object.entries(allowance)) add(slot, key, privileges);
    }
    return Object.fromEntries(Object.entries(out).map(([name, a]) => [name, Object.fromEntries(Object.entries(a).sort(([x], [y]) => x.localeCompare(y)))]));
}

/** `serving-payloads-private`'s auditors: the principals behind the stack's `lakehouse:payloadAuditors`. */
export function derivedPayloadAuditors(config: LakehouseConfig): string[] {
    return [...new Set(config.payloadAuditors.map((role) => config.principals[role].name))].sort();
}

/** The policy config a stack's config derives: paste it into `policies/config/<stack>.json`. */
export function derivedPolicyConfig(config: LakehouseConfig): Record<string, Record<string, unknown>> {
    return {
        "uc-least-privilege-allowance": { allowances: derivedAllowances(config) },
        "serving-payloads-private": { auditors: derivedPayloadAuditors(config) },
    };
}

/** `policies/config/<stack>.json` with the derived entries in place: every other policy's config, and every other field of these two, kept. */
export function withDerived(existing: PolicyPackConfig, derived: ReturnType<typeof derivedPolicyConfig>): PolicyPackConfig {
    const out: PolicyPackConfig = { ...existing };
    for (const [policy, fields] of Object.entries(derived)) out[policy] = { ...((existing[policy] as Record<string, unknown> | undefined) ?? {}), ...fields };
    return out;
}

/**
 * JSON as the policy configs are written: lists of names and small objects on one line, the rest
 * indented by four, so a derived file reads like the hand-written ones and diffs line by line.
 */
export function formatPolicyConfig(value: unknown, indent = ""): string {
    const flat = (v: unknown): boolean => v === null || typeof v !== "object" || (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object"));
    const oneLine = (v: unknown): string =>
        Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(", ")}]` : v !== null && typeof v === "object" ? `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${oneLine(x)}`).join(", ")} }` : JSON.stringify(v);
    if (flat(value)) return oneLine(value);
    if (!Array.isArray(value) && Object.values(value as object).every(flat) && oneLine(value).length <= 60) return oneLine(value);
    const inner = `${indent}    `;
    const entries = Array.isArray(value) ? value.map((x) => `${inner}${formatPolicyConfig(x, inner)}`) : Object.entries(value as object).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatPolicyConfig(x, inner)}`);
    return Array.isArray(value) ? `[\n${entries.join(",\n")}\n${indent}]` : `{\n${entries.join(",\n")}\n${indent}}`;
}

const USAGE = `Usage: npm run policy-config -- [--stack NAME] [--set PATH=VALUE ...] [--write]

Derives what policies/config/<stack>.json must approve from the stack's config: each declared
role's least-privilege allowance (uc-least-privilege-allowance) and the payload auditors
(serving-payloads-private). Prints the policy config with them in place; --write saves it.
Other approvals (admins, act-as, writers, the budget margin) stay as the file has them.`;

async function main(argv: string[]): Promise<number> {
    let stack = "dev";
    let write = false;
    const overrides = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack" && argv[i + 1]) stack = argv[++i];
        else if (arg === "--set" && argv[i + 1]) overrides.push(parseOverride(argv[++i]));
        else if (arg === "--write") write = true;
        else {
            process.stderr.write(`${arg === "--help" ? "" : `unknown option ${arg}\n\n`}${USAGE}\n`);
            return arg === "--help" ? 0 : 1;
        }
    }
    const { run } = await plan(stack, overrides);
    const file = path.join(POLICY_CONFIG_DIR, `${stack}.json`);
    const text = `${formatPolicyConfig(withDerived(stackPolicyConfig(stack), derivedPolicyConfig(resolvedConfig(run))))}\n`;
    if (!write) {
        process.stdout.write(text);
        return 0;
    }
    const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (before === text) {
        process.stderr.write(`${path.relative(process.cwd(), file)}: already approves what the stack config grants\n`);
        return 0;
    }
    fs.writeFileSync(file, text);
    process.stderr.write(`${path.relative(process.cwd(), file)}: ${before === undefined ? "written" : "updated"}; review the change before committing it\n`);
    return 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
