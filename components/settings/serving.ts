/**
 * Model serving settings: the endpoints, their served entities (UC registered models at pinned
 * versions), and the traffic split of the A/B endpoint. Pure: unit-tested without mocks.
 */
import { SERVING_WORKLOAD_SIZES, ServingWorkloadSize } from "../sizing";
import { UC_IDENTIFIER } from "./catalog";
import { PlatformSettings } from "./platform";
import { Checker, PlainObject, keyPath } from "./validate";

/** Defaults of `lakehouse:serving`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const SERVING_DEFAULTS = {
    traffic: { champion: 50, challenger: 50 } as Record<string, number>,
    scaleToZero: true,
    endpoints: {
        classifier: {
            enabled: true,
            entities: {
                champion: { model: "pneumonia_poc_classifier", version: 1 },
                challenger: { model: "pneumonia_poc_classifier_pytorch", version: 1 },
            },
        },
        feedback: {
            enabled: true,
            entities: { processor: { model: "feedback_processor", version: 1 } },
        },
    } as Record<string, unknown>,
};

export const SERVING_KEYS = ["serving"] as const;

/** Served entity and endpoint names: letters, digits, `-` and `_` (Databricks' rule). */
export const ENTITY_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, allowed: "a served entity name: letters, digits, - and _ (at most 63)" };
export const ENDPOINT_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, allowed: "an endpoint name: letters, digits, - and _ (at most 63)" };
const ENDPOINT_KEY = { pattern: /^[a-z][a-z0-9_-]{0,30}$/, allowed: "an endpoint key: a lower-case letter, then lower-case letters, digits, _ or -" };

export interface ServedEntitySettings {
    /** Stable entity name (the route name): routes keep pointing at it when the version changes. */
    name: string;
    /** Registered model name inside the serving schema (`<catalog>.<schema>_gold.<model>`). */
    model: string;
    /** Pinned model version. */
    version: string;
    workloadSize: ServingWorkloadSize;
    scaleToZero: boolean;
}

export interface EndpointSettings {
    /** Config key of the endpoint (stable logical name of its resources). */
    key: string;
    /** Databricks endpoint name; renaming replaces the endpoint. */
    name: string;
    /** False until the models are registered: the endpoint is not created. */
    enabled: boolean;
    entities: ServedEntitySettings[];
    /** Entity name → percentage, adding up to 100, one route per entity. */
    traffic: Record<string, number>;
}

export interface ServingSettings {
    /** `serving.traffic`: the split of the A/B endpoint (the one multi-entity endpoint without its own `traffic`). */
    traffic: Record<string, number>;
    endpoints: EndpointSettings[];
    /** Every registered model the endpoints serve (distinct, sorted): the catalog creates them. */
    registeredModels: string[];
}

/**
 * Validates a traffic split: every entity name valid, each percentage an integer 0-100, at least
 * one route, and the split adding up to exactly 100.
 */
export function parseTraffic(check: Checker, key: string, value: unknown, fallback: Record<string, number>): Record<string, number> {
    if (value === undefined || value === null) return { ...fallback };
    const obj = check.object(key, value);
    const traffic: Record<string, number> = {};
    let allIntegers = true;
    for (const [entity, pct] of Object.entries(obj)) {
        if (!ENTITY_NAME.pattern.test(entity)) check.fail(keyPath(key, entity), pct, `${ENTITY_NAME.allowed} as the route name`);
        const before = check.issues.length;
        traffic[entity] = check.integer(keyPath(key, entity), pct, 0, { min: 0, max: 100 });
        if (check.issues.length > before) allIntegers = false;
    }
    if (Object.keys(traffic).length === 0) {
        check.fail(key, value, "at least one route, e.g. { champion: 90, challenger: 10 }");
    } else if (allIntegers) {
        const total = Object.values(traffic).reduce((a, b) => a + b, 0);
        if (total !== 100) check.fail(key, value, `percentages that add up to exactly 100 (they add up to ${total})`);
    }
    return traffic;
}

/** Routes must name exactly the endpoint's entities: no route to a missing entity, no entity without a route. */
function checkRoutes(check: Checker, key: string, traffic: Record<string, number>, entities: string[]): void {
    for (const route of Object.keys(traffic)) {
        if (!entities.includes(route)) check.fail(keyPath(key, route), traffic[route], `a route to one of the endpoint's entities (${entities.join(", ")})`);
    }
    for (const entity of entities) {
        if (!(entity in traffic)) check.fail(keyPath(key, entity), undefined, `a route for every served entity (add ${key}.${entity})`);
    }
}

function parseEntity(check: Checker, key: string, name: string, value: unknown, defaults: { workloadSize: ServingWorkloadSize; scaleToZero: boolean }): ServedEntitySettings {
    if (!ENTITY_NAME.pattern.test(name)) check.fail(key, value, ENTITY_NAME.allowed);
    const entity = check.object(key, value, ["model", "version", "workloadSize", "scaleToZero"]);
    if (entity.model === undefined) check.fail(keyPath(key, "model"), undefined, "the registered model name (in the gold schema of lakehouse:catalog)");
    if (entity.version === undefined) check.fail(keyPath(key, "version"), undefined, "the pinned model version (an integer from 1)");
    return {
        name,
        model: check.string(keyPath(key, "model"), entity.model, "", UC_IDENTIFIER),
        version: String(check.integer(keyPath(key, "version"), entity.version, 1, { min: 1, max: 1_000_000 })),
        workloadSize: check.oneOf(keyPath(key, "workloadSize"), entity.workloadSize, SERVING_WORKLOAD_SIZES, defaults.workloadSize),
        scaleToZero: check.boolean(keyPath(key, "scaleToZero"), entity.scaleToZero, defaults.scaleToZero),
    };
}

export function parseServing(check: Checker, raw: PlainObject, platform: PlatformSettings): ServingSettings {
    const d = SERVING_DEFAULTS;
    const serving = check.object("serving", raw.serving, ["traffic", "scaleToZero", "endpoints"]);
    const traffic = parseTraffic(check, "serving.traffic", serving.traffic, d.traffic);
    const scaleToZero = check.boolean("serving.scaleToZero", serving.scaleToZero, d.scaleToZero);
    const entityDefaults = { workloadSize: platform.sizes.serving.workloadSize, scaleToZero };

    const endpointsRaw = check.object("serving.endpoints", serving.endpoints ?? d.endpoints);
    const endpoints: EndpointSettings[] = [];
    const names = new Map<string, string>();
    let sharedTrafficUser: string | undefined;
    for (const [endpointKey, value] of Object.entries(endpointsRaw)) {
        const key = keyPath("serving.endpoints", endpointKey);
        if (!ENDPOINT_KEY.pattern.test(endpointKey)) check.fail(key, value, ENDPOINT_KEY.allowed);
        const endpoint = check.object(key, value, ["name", "enabled", "entities", "traffic"]);
        const name = check.string(keyPath(key, "name"), endpoint.name, `${platform.namePrefix}-${endpointKey}`, ENDPOINT_NAME);
        const other = names.get(name.toLowerCase());
        if (other !== undefined) check.fail(keyPath(key, "name"), name, `a name no other endpoint uses (serving.endpoints.${other} is also named ${name})`);
        names.set(name.toLowerCase(), endpointKey);

        const entitiesRaw = check.object(keyPath(key, "entities"), endpoint.entities);
        const entities = Object.entries(entitiesRaw).map(([n, v]) => parseEntity(check, keyPath(keyPath(key, "entities"), n), n, v, entityDefaults));
        if (entities.length === 0) check.fail(keyPath(key, "entities"), endpoint.entities, "at least one served entity { <name>: { model, version } }");
        const entityNames = entities.map((e) => e.name);

        let routes: Record<string, number>;
        if (endpoint.traffic !== undefined) {
            routes = parseTraffic(check, keyPath(key, "traffic"), endpoint.traffic, {});
            checkRoutes(check, keyPath(key, "traffic"), routes, entityNames);
        } else if (entities.length === 1) {
            routes = { [entityNames[0]]: 100 };
        } else {
            if (sharedTrafficUser !== undefined) {
                check.fail(keyPath(key, "traffic"), undefined, `its own traffic split: serving.traffic already drives serving.endpoints.${sharedTrafficUser}`);
            }
            sharedTrafficUser = endpointKey;
            routes = traffic;
            checkRoutes(check, "serving.traffic", routes, entityNames);
        }
        endpoints.push({
            key: endpointKey,
            name,
            enabled: check.boolean(keyPath(key, "enabled"), endpoint.enabled, true),
            entities,
            traffic: routes,
        });
    }
    const registeredModels = [...new Set(endpoints.flatMap((e) => e.entities.map((x) => x.model)))].filter(Boolean).sort();
    return { traffic, endpoints, registeredModels };
}
