/**
 * Stack config → one validated, typed, frozen object. This is the only module that reads Pulumi
 * config; components receive the slices they need from the object it returns.
 *
 * Every value is checked before any resource is registered, and every problem is reported at
 * once with the key, the bad value and what is allowed (`ConfigError`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ADOPT_DEFAULTS, ADOPT_KEYS, AdoptSettings, adoptedNames, parseAdopt } from "./settings/adopt";
import { NETWORK_DEFAULTS, NETWORK_KEYS, NetworkSettings, SECURITY_DEFAULTS, SecuritySettings, parseNetwork } from "./network/settings";
import { APP_DEFAULTS, APP_KEYS, AppSettings, parseApp } from "./settings/app";
import { CATALOG_DEFAULTS, CATALOG_KEYS, CatalogSettings, parseCatalog } from "./settings/catalog";
import { COST_DEFAULTS, COST_KEYS, CostSettings, checkBudgetPolicyTags, parseCost } from "./settings/cost";
import { GRANTS_DEFAULTS, GRANTS_KEYS, GrantMatrix, PAYLOAD_AUDITORS_DEFAULT, parseGrants, parsePayloadAuditors, withPayloadAuditors } from "./settings/grants";
import { DeclaredPrincipal, PRINCIPALS_DEFAULTS, PRINCIPALS_KEYS, parsePrincipals } from "./settings/principals";
import { PIPELINES_DEFAULTS, PIPELINES_KEYS, PipelinesSettings, parsePipelines } from "./settings/pipelines";
import { PLATFORM_DEFAULTS, PLATFORM_KEYS, PlatformSettings, parsePlatform } from "./settings/platform";
import { SERVING_DEFAULTS, SERVING_KEYS, ServingSettings, parseServing } from "./settings/serving";
import { CONFIG_REFERENCE } from "./settings/reference";
import { Checker, NAMESPACE, PlainObject, deepFreeze } from "./settings/validate";

/** The resolved configuration of one stack. */
export interface LakehouseConfig extends PlatformSettings {
    /** `lakehouse:adopt`: existing resources imported instead of created (their names are in `names`). */
    adopt: AdoptSettings;
    /** Declared roles → principals (the platform roles `pipeline` and `app` are implicit). */
    principals: Record<string, DeclaredPrincipal>;
    catalog: CatalogSettings;
    /** `lakehouse:grants`: role → securable → privileges, resolved to concrete securables (the payload auditors' grants included). */
    grants: GrantMatrix;
    /** `lakehouse:payloadAuditors`: the declared roles that may read the inference payloads. */
    payloadAuditors: string[];
    serving: ServingSettings;
    /** Warehouse, Lakeflow pipeline, full-run job, cluster policy and their permissions. */
    pipelines: PipelinesSettings;
    /** `lakehouse:app`: the Databricks App (name, compute size, endpoint, table, permissions). */
    app: AppSettings;
    /** `lakehouse:network`: the posture, the VNet, private endpoints and DNS, serverless access to storage. */
    network: NetworkSettings;
    /** `lakehouse:security`: diagnostic logs and workspace hardening. */
    security: SecuritySettings;
    /** `lakehouse:cost`: the budget that alerts and the basis of the plan's cost estimate. */
    cost: CostSettings;
}

/** Every `lakehouse:` key the program reads. `Pulumi.yaml` declares exactly these (tested). */
export const CONFIG_KEYS: readonly string[] = [...PLATFORM_KEYS, ...PRINCIPALS_KEYS, ...CATALOG_KEYS, ...GRANTS_KEYS, ...SERVING_KEYS, ...PIPELINES_KEYS, ...APP_KEYS, ...NETWORK_KEYS, ...ADOPT_KEYS, ...COST_KEYS];

/** The default of every key, as `Pulumi.yaml` declares it (tested). */
export const CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = {
    adopt: ADOPT_DEFAULTS,
    ...PLATFORM_DEFAULTS,
    principals: PRINCIPALS_DEFAULTS,
    ...CATALOG_DEFAULTS,
    grants: GRANTS_DEFAULTS,
    payloadAuditors: PAYLOAD_AUDITORS_DEFAULT,
    serving: SERVING_DEFAULTS,
    pipelines: PIPELINES_DEFAULTS,
    app: APP_DEFAULTS,
    network: NETWORK_DEFAULTS,
    security: SECURITY_DEFAULTS,
    cost: COST_DEFAULTS,
};

/** Provider config the program reads from other namespaces. */
export const LOCATION_KEY = "azure-native:location";

export interface ConfigContext {
    project: string;
    stack: string;
    /** Clock for secret rotation windows. */
    now: Date;
}

/**
 * Validates raw config (`lakehouse:` keys without the namespace, values already JSON-parsed) and
 * returns the frozen config object. Throws `ConfigError` naming every bad key. Pure.
 */
export function resolveConfig(raw: PlainObject, location: unknown, context: ConfigContext): LakehouseConfig {
    const check = new Checker();
    for (const key of Object.keys(raw)) {
        if (CONFIG_KEYS.includes(key)) continue;
        // `posture` for `network.posture`: name the nested key the user probably meant.
        const nested = [...new Set(CONFIG_REFERENCE.map((e) => e.path).filter((p) => p.split(".").pop() === key))];
        const hint = nested.length > 0 ? `; did you mean ${nested.map((p) => `lakehouse:${p}`).join(" or ")} (pulumi config set --path ${nested[0]} …)?` : "";
        check.fail(key, raw[key], `a known key (${CONFIG_KEYS.join(", ")}); see Pulumi.yaml${hint}`);
    }
    const platform = parsePlatform(check, raw, location, context);
    const principals = parsePrincipals(check, raw);
    const catalog = parseCatalog(check, raw, platform);
    const serving = parseServing(check, raw, platform, principals, catalog.models.map((m) => m.name));
    const adopt = parseAdopt(check, raw, platform, serving);
    const pipelines = parsePipelines(check, raw, platform, principals);
    const payloadAuditors = parsePayloadAuditors(check, raw, principals);
    const grants = withPayloadAuditors(parseGrants(check, raw, principals, catalog), payloadAuditors);
    const app = parseApp(check, raw, platform, principals, serving);
    const { network, security } = parseNetwork(check, raw, {
        production: platform.production,
        location: platform.location,
        autoClusterNodes: autoClusterNodes(pipelines),
        usesServerless: pipelines.serverless || pipelines.warehouse.serverless || app.enabled || serving.endpoints.some((e) => e.enabled),
    });
    const cost = parseCost(check, raw, platform, context.now);
    checkBudgetPolicyTags(check, raw.tags, platform.tags, cost, network.databricksAccountId);
    check.done();
    return deepFreeze({ ...platform, names: adoptedNames(platform.names, adopt), adopt, principals, catalog, grants, payloadAuditors, serving, pipelines, app, network, security, cost });
}

/**
 * The cluster nodes the workspace subnets are sized for by default: the job's and the pipeline's
 * clusters at their largest (on classic compute), plus two hand-started clusters at the policy's cap.
 */
export function autoClusterNodes(pipelines: Pick<PipelinesSettings, "serverless" | "cluster" | "clusterPolicy">): number {
    const runs = pipelines.serverless ? 0 : 2 * (pipelines.cluster.maxWorkers + 1);
    return runs + 2 * (pipelines.clusterPolicy.maxWorkers + 1);
}

/** Parses one raw config string the way `Config.getObject` does: JSON when it is JSON. */
export function parseRawValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Reads the stack's config from the Pulumi runtime and resolves it. */
export function loadConfig(now: Date = new Date()): LakehouseConfig {
    const raw: PlainObject = {};
    const all = pulumi.runtime.allConfig();
    for (const [fullKey, text] of Object.entries(all)) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace === NAMESPACE && key !== undefined) raw[key] = parseRawValue(text);
    }
    const location = new pulumi.Config("azure-native").get("location");
    return resolveConfig(raw, location, { project: pulumi.getProject(), stack: pulumi.getStack(), now });
}

/** The declared roles that workspace access control lists name (pipelines, warehouse, app, serving): they must be assigned to the workspace. */
export function workspaceAclRoles(config: Pick<LakehouseConfig, "pipelines" | "app" | "serving" | "principals">): string[] {
    const roles = new Set<string>([
        ...config.pipelines.permissions.run,
        ...config.pipelines.permissions.view,
        ...(config.app.enabled ? Object.keys(config.app.permissions) : []),
        ...config.serving.endpoints.filter((e) => e.enabled).flatMap((e) => e.consumers),
    ]);
    return [...roles].filter((role) => config.principals[role] !== undefined).sort();
}
