/**
 * The inputs of one serving endpoint, derived from its resolved settings: served entities, traffic
 * routes, the AI gateway block, the CAN_QUERY access list and the message that says which model
 * versions the endpoint expects. Pure (Pulumi types only): unit-tested without mocks.
 *
 * Nothing here reads `serving.traffic` except `trafficRoutes`, so a traffic shift changes the
 * endpoint's `config.trafficConfig` and nothing else.
 */
import type * as databricks from "@pulumi/databricks";
import type * as pulumi from "@pulumi/pulumi";
import type { EndpointSettings, ServedEntitySettings } from "./settings/serving";

export type ServedEntityInput = databricks.types.input.ModelServingConfigServedEntity;
export type RouteInput = databricks.types.input.ModelServingConfigTrafficConfigRoute;
export type AiGatewayInput = databricks.types.input.ModelServingAiGateway;

/** The only permission level the program grants on a serving endpoint. */
export const QUERY_PERMISSION = "CAN_QUERY";

/** Entities in a stable order (by name), so reordering them in YAML changes nothing. */
function byName(entities: readonly ServedEntitySettings[]): ServedEntitySettings[] {
    return [...entities].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The served entities: the stable entity name (what routes point at), the UC model's full name,
 * the pinned version, the workload size and scale-to-zero. CPU is spelled out so the plan shows it.
 */
export function servedEntities(endpoint: EndpointSettings, modelNames: Record<string, pulumi.Input<string>>): ServedEntityInput[] {
    return byName(endpoint.entities).map((entity) => {
        const entityName = modelNames[entity.model];
        if (entityName === undefined) throw new Error(`no full name for registered model ${entity.model} (endpoint ${endpoint.key})`);
        return {
            name: entity.name,
            entityName,
            entityVersion: entity.version,
            workloadSize: entity.workloadSize,
            workloadType: "CPU",
            scaleToZeroEnabled: entity.scaleToZero,
        };
    });
}

/** One route per served entity, by entity name (never by `<model>-<version>`, which changes on promotion). */
export function trafficRoutes(endpoint: EndpointSettings): RouteInput[] {
    return byName(endpoint.entities).map((entity) => ({
        servedEntityName: entity.name,
        trafficPercentage: endpoint.traffic[entity.name],
    }));
}

/**
 * The AI gateway: usage tracking on, inference tables (payload logging) on in the payload schema
 * with the endpoint's own prefix, and the configured rate limits. Guardrails and fallbacks are not
 * set: Databricks offers them only on external-model and foundation-model endpoints (config
 * rejects them). `inferenceTableConfig` replaces the legacy `config.autoCaptureConfig`, whose
 * catalog/schema/prefix force a replacement of the endpoint and which cannot be re-enabled once off.
 */
export function aiGateway(endpoint: EndpointSettings, catalogName: pulumi.Input<string>, schemaName: pulumi.Input<string>): AiGatewayInput {
    return {
        usageTrackingConfig: { enabled: true },
        inferenceTableConfig: {
            enabled: true,
            catalogName,
            schemaName,
            tableNamePrefix: endpoint.inferenceTablePrefix,
        },
        ...(endpoint.rateLimits.length > 0
            ? { rateLimits: endpoint.rateLimits.map((l) => ({ calls: l.calls, key: l.key, renewalPeriod: l.renewalPeriod })) }
            : {}),
    };
}


/** Endpoint tags (propagated to billing logs), from the stack's tags, in a stable order. */
export function endpointTags(tags: Record<string, string>): { key: string; value: string }[] {
    return Object.keys(tags)
        .sort()
        .map((key) => ({ key, value: tags[key] }));
}

/** `https://<workspace>/serving-endpoints/<name>/invocations`, the URL clients POST to. */
export function invocationUrl(workspaceUrl: string, endpointName: string): string {
    return `${workspaceUrl.replace(/\/+$/, "")}/serving-endpoints/${endpointName}/invocations`;
}

function listModels(endpoint: EndpointSettings, fullNames: Record<string, string>, withRoutes: boolean): string {
    // In config order (champion first, as people write it), unlike the resource inputs.
    const parts = endpoint.entities.map((e) => {
        const route = withRoutes ? ` (${e.name}, ${endpoint.traffic[e.name]}%)` : ` (${e.name})`;
        return `${fullNames[e.model] ?? e.model} v${e.version}${route}`;
    });
    return parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * What the program says about an endpoint at preview and update time: which model versions an
 * enabled endpoint expects to be registered (Databricks fails the deployment with "Model not
 * found" otherwise), or what a disabled endpoint needs before it can be enabled.
 */
export function deploymentNotice(endpoint: EndpointSettings, fullNames: Record<string, string>): string {
    const them = endpoint.entities.length === 1 ? "it" : "them";
    if (endpoint.enabled) {
        return `endpoint ${endpoint.name} serves ${listModels(endpoint, fullNames, true)} — register ${them} before pulumi up`;
    }
    return (
        `endpoint ${endpoint.name} is disabled (serving.endpoints.${endpoint.key}.enabled is false): register ` +
        `${listModels(endpoint, fullNames, false)}, then run pulumi config set --path serving.endpoints.${endpoint.key}.enabled true and pulumi up`
    );
}
