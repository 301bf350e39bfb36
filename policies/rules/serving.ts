/** Model serving: a traffic split that adds up, and the AI gateway's inference tables, usage tracking and rate limits. */
import * as databricks from "@pulumi/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { servingPayloadsPrivate } from "./serving-payloads";
import { UNKNOWN, knownString, list, read } from "./util";

type Entity = { name?: unknown; entityName?: unknown; modelName?: unknown; entityVersion?: unknown; modelVersion?: unknown };

/** The name a served entity (or legacy served model) is routed by, when known. */
function servedName(e: Entity): string | undefined {
    return knownString(() => e.name);
}

export const servingTrafficSplit: ResourceValidationPolicy = {
    name: "serving-traffic-split-valid",
    description: "A serving endpoint's traffic routes are whole percentages from 0 to 100 that add up to exactly 100, each naming a served entity of the endpoint; an endpoint with several entities declares its routes.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ModelServing, (endpoint, _args, report) => {
        const config = read(() => endpoint.config);
        if (config === UNKNOWN || config === undefined) return;
        const entities = [...list<Entity>(() => config.servedEntities), ...list<Entity>(() => config.servedModels)];
        const known = entities.map(servedName);
        const routes = list<Record<string, unknown>>(() => config.trafficConfig?.routes);
        if (routes.length === 0) {
            if (entities.length > 1) report(`the endpoint serves ${entities.length} entities but declares no traffic routes.`);
            return;
        }
        let total = 0;
        for (const route of routes) {
            const target = knownString(() => route.servedEntityName) ?? knownString(() => route.servedModelName);
            const pct = read(() => route.trafficPercentage);
            if (pct === UNKNOWN) return;
            if (typeof pct !== "number" || !Number.isInteger(pct) || pct < 0 || pct > 100) report(`route to ${target ?? "?"} has trafficPercentage ${String(pct)}; use a whole number 0-100.`);
            else total += pct;
            if (target !== undefined && !known.includes(undefined) && !known.includes(target)) {
                report(`route names "${target}", which is not a served entity of the endpoint (${known.join(", ") || "none"}).`);
            }
        }
        if (total !== 100) report(`traffic routes add up to ${total}%, not 100%.`);
    }),
};

export const servingInferenceTables: ResourceValidationPolicy = {
    name: "serving-inference-tables",
    description: "Serving endpoints log requests and responses to Unity Catalog inference tables (aiGateway.inferenceTableConfig.enabled, or the legacy config.autoCaptureConfig.enabled), so every prediction can be audited and monitored.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ModelServing, (endpoint, _args, report) => {
        const gateway = read(() => endpoint.aiGateway?.inferenceTableConfig?.enabled);
        const legacy = read(() => endpoint.config?.autoCaptureConfig?.enabled);
        if (gateway === UNKNOWN || legacy === UNKNOWN) return;
        if (gateway !== true && legacy !== true) report("inference tables are off; set aiGateway.inferenceTableConfig { enabled: true, catalogName, schemaName }.");
    }),
};

export const servingUsageTracking: ResourceValidationPolicy = {
    name: "serving-usage-tracking",
    description: "Serving endpoints record who calls them and how much (aiGateway.usageTrackingConfig.enabled) in the system tables.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ModelServing, (endpoint, _args, report) => {
        const enabled = read(() => endpoint.aiGateway?.usageTrackingConfig?.enabled);
        if (enabled !== true && enabled !== UNKNOWN) report("usage tracking is off; set aiGateway.usageTrackingConfig.enabled to true.");
    }),
};

export const servingRateLimits: ResourceValidationPolicy = {
    name: "serving-rate-limits",
    description: "Serving endpoints cap calls per user or per endpoint (aiGateway.rateLimits), so one caller cannot exhaust the endpoint or the budget. Advisory.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(databricks.ModelServing, (endpoint, _args, report) => {
        const limits = read(() => endpoint.aiGateway?.rateLimits);
        if (limits === UNKNOWN) return;
        if (!Array.isArray(limits) || limits.length === 0) report("no aiGateway.rateLimits; any caller may send unlimited requests.");
    }),
};

export const servingPolicies = [servingTrafficSplit, servingInferenceTables, servingPayloadsPrivate, servingUsageTracking, servingRateLimits];
