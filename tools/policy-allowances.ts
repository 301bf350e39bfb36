/**
 * The least-privilege allowance each declared principal gets, derived from a stack's config layer
 * by layer, in the form `uc-least-privilege-allowance` takes in `policies/config/<stack>.json`,
 * and the payload auditors `serving-payloads-private` takes.
 *
 *   node -r ./tools/register.js tools/policy-allowances.ts --stack prod
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
import { plan, resolvedConfig } from "./plan";

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

async function main(): Promise<number> {
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : "dev";
    const { run } = await plan(stack);
    process.stdout.write(`${JSON.stringify(derivedPolicyConfig(resolvedConfig(run)), null, 4)}\n`);
    return 0;
}

if (require.main === module) main().then((code) => (process.exitCode = code));
