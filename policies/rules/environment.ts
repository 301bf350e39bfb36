/**
 * Which environment a stack is, read from what the stack itself declares, never from the name of
 * its stack file or of its policy config file (`policies/config/<stack>.json`).
 *
 * The program tags every Azure resource with `environment: <lakehouse:environment>` (a tag config
 * cannot override) and the serving endpoints carry the same tag; Pulumi passes the stack's own
 * tags to policies too. A stack is production when any of them says so: a copy of
 * `Pulumi.prod.yaml` under another stack name keeps `lakehouse:environment: production`, so it
 * keeps production enforcement with or without a policy config file of its own.
 *
 * Policy config can only add production enforcement (`production: true`), never take it away:
 * a stack whose resources say production is production whatever the config says.
 */
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { UNKNOWN, configOf, read } from "./util";

/** The tag (on resources) and stack tag that names the environment. */
export const ENVIRONMENT_TAG = "environment";

/** Environment names that mean production (compared trimmed and case-folded). */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ["production", "prod", "prd", "live"];

function normalize(value: string): string {
    return value.normalize("NFC").trim().toLowerCase();
}

/** True for a tag or stack-tag key that names the environment (`environment`, `Environment`, `lakehouse:environment`). */
function isEnvironmentKey(key: unknown): boolean {
    if (typeof key !== "string") return false;
    const k = normalize(key);
    return k === ENVIRONMENT_TAG || k.endsWith(`:${ENVIRONMENT_TAG}`);
}

/** Environment values one resource's tags declare: an Azure tag map, a Databricks `[{ key, value }]` list, or cluster `customTags`. */
export function taggedEnvironments(props: Record<string, unknown>): string[] {
    const out: string[] = [];
    for (const field of ["tags", "customTags"]) {
        const tags = read(() => props[field]);
        if (tags === UNKNOWN || tags === null || typeof tags !== "object") continue;
        const entries: [unknown, unknown][] = Array.isArray(tags)
            ? tags.map((t) => (t && typeof t === "object" ? [(t as Record<string, unknown>).key, (t as Record<string, unknown>).value] : [undefined, undefined]))
            : Object.entries(tags as Record<string, unknown>);
        for (const [key, value] of entries) {
            if (isEnvironmentKey(key) && typeof value === "string" && value.trim() !== "") out.push(normalize(value));
        }
    }
    return out;
}

/** Every environment the stack declares: its resources' environment tags and its own stack tags. */
export function declaredEnvironments(resources: readonly PolicyResource[], stackTags: ReadonlyMap<string, string> = new Map()): string[] {
    const found = new Set<string>();
    for (const r of resources) for (const e of taggedEnvironments(r.props)) found.add(e);
    for (const [key, value] of stackTags) if (isEnvironmentKey(key) && typeof value === "string" && value.trim() !== "") found.add(normalize(value));
    return [...found].sort();
}

/** Whether the stack is production, and why (for messages and docs). */
export interface StackEnvironment {
    production: boolean;
    reason: string;
}

/**
 * Production when any declared environment is a production name, or when policy config forces it
 * (`production: true`). Nothing turns it off.
 */
export function stackEnvironment(resources: readonly PolicyResource[], stackTags: ReadonlyMap<string, string> | undefined, forced: boolean): StackEnvironment {
    const declared = declaredEnvironments(resources, stackTags);
    const production = declared.filter((e) => PRODUCTION_ENVIRONMENTS.includes(e));
    if (production.length > 0) return { production: true, reason: `the stack declares environment ${production.join(", ")}` };
    if (forced) return { production: true, reason: "policy config sets production: true" };
    return { production: false, reason: declared.length > 0 ? `the stack declares environment ${declared.join(", ")}` : "the stack declares no environment" };
}

/** The config property every production rule takes. */
export const PRODUCTION_PROPERTY: PolicyConfigJSONSchema = {
    type: "boolean",
    default: false,
    description:
        "Treat the stack as production even if none of its resources declares it. A stack whose resources or stack tags say environment production is production whatever this says.",
};

/** True when a stack-validation policy's stack is production (its resources, its stack tags, or its `production` config). */
export function isProductionStack(
    args: { resources: readonly PolicyResource[]; stackTags?: ReadonlyMap<string, string>; getConfig<U extends object>(): U },
    policy: { configSchema?: PolicyConfigSchema },
): boolean {
    const { production } = configOf<{ production?: boolean }>(args, policy);
    return stackEnvironment(args.resources, args.stackTags, production === true).production;
}
