/**
 * Model serving settings: the endpoints, their served entities (UC registered models at pinned
 * versions), the traffic split of the A/B endpoint, the AI gateway (usage tracking, inference
 * tables, rate limits) and the roles that may query the endpoints. Pure: unit-tested without mocks.
 */
import { snake } from "../naming";
import { SERVING_WORKLOAD_SIZES, ServingWorkloadSize } from "../sizing";
import { CATALOG_DEFAULTS, UC_IDENTIFIER } from "./catalog";
import { PlatformSettings } from "./platform";
import { DeclaredPrincipal, checkRole } from "./principals";
import { Checker, PlainObject, isPlainObject, keyPath } from "./validate";

/** Defaults of `lakehouse:serving`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const SERVING_DEFAULTS = {
    traffic: { champion: 50, challenger: 50 } as Record<string, number>,
    scaleToZero: true,
    consumers: [] as string[],
    rateLimits: [] as { calls: number; key?: string; renewalPeriod?: string }[],
    endpoints: {
        classifier: {
            enabled: false,
            entities: {
                champion: { model: "pneumonia_poc_classifier", version: 1 },
                challenger: { model: "pneumonia_poc_classifier_pytorch", version: 1 },
            },
        },
        feedback: {
            enabled: false,
            entities: { processor: { model: "feedback_processor", version: 1 } },
        },
    } as Record<string, unknown>,
};

export const SERVING_KEYS = ["serving"] as const;

/** Served entity and endpoint names: letters, digits, `-` and `_` (Databricks' rule). */
export const ENTITY_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, allowed: "a served entity name: letters, digits, - and _ (at most 63)" };
export const ENDPOINT_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, allowed: "an endpoint name: letters, digits, - and _ (at most 63)" };
const ENDPOINT_KEY = { pattern: /^[a-z][a-z0-9_-]{0,30}$/, allowed: "an endpoint key: a lower-case letter, then lower-case letters, digits, _ or -" };
/** Databricks names its own pay-per-token foundation model endpoints `databricks-*`. */
const RESERVED_ENDPOINT_PREFIX = "databricks-";
/** Databricks' limit on served entities per endpoint. */
export const MAX_SERVED_ENTITIES = 10;

/** What an AI gateway rate limit counts per: each user (or service principal) separately, or the endpoint as a whole. */
export const RATE_LIMIT_KEYS = ["user", "endpoint"] as const;
export type RateLimitKey = (typeof RATE_LIMIT_KEYS)[number];
/** The only renewal period Databricks supports. */
export const RATE_LIMIT_PERIODS = ["minute"] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/**
 * AI gateway features Databricks does not offer on custom-model endpoints (UC registered models,
 * which is what every endpoint here serves): guardrails and traffic fallback exist only for
 * external-model and Foundation Model API endpoints. Rejected with this explanation rather than
 * as an unknown field, so the user learns why.
 */
const CUSTOM_MODEL_UNSUPPORTED: Record<string, string> = {
    guardrails:
        "no AI guardrails: Databricks supports guardrails (safety, PII, keywords, topics) only on external-model and Foundation Model API endpoints, not on custom-model endpoints serving Unity Catalog models; validate inputs in the model itself",
    fallback:
        "no traffic fallback: Databricks supports AI gateway fallbacks only on external-model endpoints; a custom-model endpoint splits traffic with serving.traffic instead",
};

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

/** One AI gateway rate limit: at most `calls` queries per `renewalPeriod`, counted per `key`. */
export interface RateLimitSettings {
    calls: number;
    key: RateLimitKey;
    renewalPeriod: RateLimitPeriod;
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
    /** The config key its split comes from (`serving.traffic` or its own `…traffic`); undefined for one entity. */
    trafficKey?: string;
    /** Roles that get CAN_QUERY on this endpoint (`serving.consumers` unless the endpoint sets its own). */
    consumers: string[];
    /** AI gateway rate limits (`serving.rateLimits` unless the endpoint sets its own; empty = unlimited). */
    rateLimits: RateLimitSettings[];
    /** Inference table prefix in the payload schema; Databricks writes `<prefix>_payload`. Cannot change once set. */
    inferenceTablePrefix: string;
}

export interface ServingSettings {
    /** `serving.traffic`: the split of the A/B endpoint (the one multi-entity endpoint without its own `traffic`). */
    traffic: Record<string, number>;
    /** `serving.consumers`: roles with CAN_QUERY on every endpoint that does not set its own. */
    consumers: string[];
    /** `serving.rateLimits`: AI gateway rate limits of every endpoint that does not set its own. */
    rateLimits: RateLimitSettings[];
    endpoints: EndpointSettings[];
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

/**
 * `serving.rateLimits` (or an endpoint's own): `[{ calls, key: user | endpoint, renewalPeriod: minute }]`,
 * at most one limit per key. Token limits are rejected: they only apply to LLM endpoints.
 */
export function parseRateLimits(check: Checker, key: string, value: unknown, fallback: readonly RateLimitSettings[]): RateLimitSettings[] {
    if (value === undefined || value === null) return fallback.map((l) => ({ ...l }));
    if (!Array.isArray(value)) {
        check.fail(key, value, "a list of rate limits [{ calls: <per minute>, key: user | endpoint }] (an empty list means no limit)");
        return [];
    }
    const limits: RateLimitSettings[] = [];
    value.forEach((item, i) => {
        const itemKey = keyPath(key, i);
        if (typeof item === "object" && item !== null && "tokens" in item) {
            check.fail(keyPath(itemKey, "tokens"), (item as PlainObject).tokens, "no token limit: token-based rate limits apply only to foundation-model and external-model endpoints; limit custom-model endpoints by calls");
        }
        const limit = check.object(itemKey, item, ["calls", "key", "renewalPeriod", "tokens"]);
        if (limit.calls === undefined) check.fail(keyPath(itemKey, "calls"), undefined, "the number of calls allowed per renewal period (an integer from 1)");
        const parsed: RateLimitSettings = {
            calls: check.integer(keyPath(itemKey, "calls"), limit.calls, 1, { min: 1, max: 1_000_000 }),
            key: check.oneOf(keyPath(itemKey, "key"), limit.key, RATE_LIMIT_KEYS, "endpoint"),
            renewalPeriod: check.oneOf(keyPath(itemKey, "renewalPeriod"), limit.renewalPeriod, RATE_LIMIT_PERIODS, "minute"),
        };
        if (limits.some((l) => l.key === parsed.key)) {
            check.fail(keyPath(itemKey, "key"), limit.key ?? parsed.key, `one limit per key (another limit already counts per ${parsed.key})`);
        } else {
            limits.push(parsed);
        }
    });
    return limits;
}

/**
 * `serving.consumers` (or an endpoint's own): roles that get CAN_QUERY. Each must be declared in
 * `lakehouse:principals` or be the `pipeline` platform role; the app gets its CAN_QUERY from its own
 * resources block, so listing `app` here is rejected (two owners of one grant drift apart).
 */
export function parseConsumers(
    check: Checker,
    key: string,
    value: unknown,
    fallback: readonly string[],
    principals: Record<string, DeclaredPrincipal>,
): string[] {
    if (value === undefined || value === null) return [...fallback];
    const roles = check.stringList(key, value, []);
    return roles.filter((role, i) => {
        if (role === "app") {
            check.fail(keyPath(key, i), role, "a role other than app: the app is granted CAN_QUERY on the endpoint it uses through its own resources block");
            return false;
        }
        return checkRole(check, keyPath(key, i), role, principals);
    });
}

/**
 * Lays the stack's `serving.endpoints` over the default endpoints, field by field, so that
 * `pulumi config set --path serving.endpoints.feedback.enabled false` changes one field and keeps
 * the rest (Pulumi replaces a structured key as a whole, so without this a one-field edit would
 * drop every default endpoint). Entities merge the same way. `null` (YAML `~`) removes a default
 * endpoint or entity. Values that are not objects pass through unchanged, to be rejected later.
 */
export function withDefaults(given: PlainObject, defaults: PlainObject): PlainObject {
    const merged: PlainObject = {};
    for (const key of new Set([...Object.keys(defaults), ...Object.keys(given)])) {
        const value = given[key];
        const fallback = defaults[key];
        if (value === null) continue;
        if (value === undefined) merged[key] = fallback;
        else if (isPlainObject(value) && isPlainObject(fallback)) {
            merged[key] = { ...fallback, ...value };
            if (isPlainObject(fallback.entities) && isPlainObject(value.entities)) {
                (merged[key] as PlainObject).entities = withDefaults(value.entities, fallback.entities);
            }
        } else merged[key] = value;
    }
    return merged;
}

/** Rejects AI gateway features Databricks does not offer on custom-model endpoints, saying why. */
function rejectUnsupportedGateway(check: Checker, key: string, obj: PlainObject): void {
    for (const [field, allowed] of Object.entries(CUSTOM_MODEL_UNSUPPORTED)) {
        if (obj[field] !== undefined) check.fail(keyPath(key, field), obj[field], allowed);
    }
}

const SERVING_FIELDS = ["traffic", "scaleToZero", "consumers", "rateLimits", "endpoints", ...Object.keys(CUSTOM_MODEL_UNSUPPORTED)];
const ENDPOINT_FIELDS = ["name", "enabled", "entities", "traffic", "consumers", "rateLimits", "inferenceTablePrefix", ...Object.keys(CUSTOM_MODEL_UNSUPPORTED)];

export function parseServing(
    check: Checker,
    raw: PlainObject,
    platform: PlatformSettings,
    principals: Record<string, DeclaredPrincipal> = {},
    models: readonly string[] = Object.keys(CATALOG_DEFAULTS.models),
): ServingSettings {
    const d = SERVING_DEFAULTS;
    const serving = check.object("serving", raw.serving, SERVING_FIELDS);
    rejectUnsupportedGateway(check, "serving", serving);
    const traffic = parseTraffic(check, "serving.traffic", serving.traffic, d.traffic);
    const scaleToZero = check.boolean("serving.scaleToZero", serving.scaleToZero, d.scaleToZero);
    const consumers = parseConsumers(check, "serving.consumers", serving.consumers, d.consumers, principals);
    const rateLimits = parseRateLimits(check, "serving.rateLimits", serving.rateLimits, []);
    const entityDefaults = { workloadSize: platform.sizes.serving.workloadSize, scaleToZero };

    const endpointsRaw = withDefaults(check.object("serving.endpoints", serving.endpoints), d.endpoints);
    const endpoints: EndpointSettings[] = [];
    const names = new Map<string, string>();
    const prefixes = new Map<string, string>();
    let sharedTrafficUser: string | undefined;
    for (const [endpointKey, value] of Object.entries(endpointsRaw)) {
        const key = keyPath("serving.endpoints", endpointKey);
        if (!ENDPOINT_KEY.pattern.test(endpointKey)) check.fail(key, value, ENDPOINT_KEY.allowed);
        const endpoint = check.object(key, value, ENDPOINT_FIELDS);
        rejectUnsupportedGateway(check, key, endpoint);
        const name = check.string(keyPath(key, "name"), endpoint.name, `${platform.namePrefix}-${endpointKey}`, ENDPOINT_NAME);
        if (name.toLowerCase().startsWith(RESERVED_ENDPOINT_PREFIX)) {
            check.fail(keyPath(key, "name"), name, `a name that does not start with ${RESERVED_ENDPOINT_PREFIX} (reserved for Databricks' own foundation model endpoints)`);
        }
        const other = names.get(name.toLowerCase());
        if (other !== undefined) check.fail(keyPath(key, "name"), name, `a name no other endpoint uses (serving.endpoints.${other} is also named ${name})`);
        names.set(name.toLowerCase(), endpointKey);

        const entitiesRaw = check.object(keyPath(key, "entities"), endpoint.entities);
        const entities = Object.entries(entitiesRaw).map(([n, v]) => parseEntity(check, keyPath(keyPath(key, "entities"), n), n, v, entityDefaults));
        if (entities.length === 0) check.fail(keyPath(key, "entities"), endpoint.entities, "at least one served entity { <name>: { model, version } }");
        if (entities.length > MAX_SERVED_ENTITIES) {
            check.fail(keyPath(key, "entities"), Object.keys(entitiesRaw), `at most ${MAX_SERVED_ENTITIES} served entities per endpoint (Databricks' limit)`);
        }
        const entityNames = entities.map((e) => e.name);

        let routes: Record<string, number>;
        let trafficKey: string | undefined;
        if (endpoint.traffic !== undefined) {
            trafficKey = keyPath(key, "traffic");
            routes = parseTraffic(check, trafficKey, endpoint.traffic, {});
            checkRoutes(check, keyPath(key, "traffic"), routes, entityNames);
        } else if (entities.length === 1) {
            routes = { [entityNames[0]]: 100 };
        } else {
            if (sharedTrafficUser !== undefined) {
                check.fail(keyPath(key, "traffic"), undefined, `its own traffic split: serving.traffic already drives serving.endpoints.${sharedTrafficUser}`);
            }
            sharedTrafficUser = endpointKey;
            trafficKey = "serving.traffic";
            routes = traffic;
            checkRoutes(check, "serving.traffic", routes, entityNames);
        }

        const derivedPrefix = /^[a-z]/.test(snake(name)) ? snake(name) : `endpoint_${snake(name)}`;
        const inferenceTablePrefix = check.string(keyPath(key, "inferenceTablePrefix"), endpoint.inferenceTablePrefix, derivedPrefix, UC_IDENTIFIER);
        const sharing = prefixes.get(inferenceTablePrefix);
        if (sharing !== undefined) {
            check.fail(
                keyPath(key, "inferenceTablePrefix"),
                inferenceTablePrefix,
                `an inference table prefix no other endpoint uses (serving.endpoints.${sharing} also logs to ${inferenceTablePrefix}_payload)`,
            );
        }
        prefixes.set(inferenceTablePrefix, endpointKey);

        endpoints.push({
            key: endpointKey,
            name,
            enabled: check.boolean(keyPath(key, "enabled"), endpoint.enabled, true),
            entities,
            traffic: routes,
            ...(trafficKey !== undefined ? { trafficKey } : {}),
            consumers: parseConsumers(check, keyPath(key, "consumers"), endpoint.consumers, consumers, principals),
            rateLimits: parseRateLimits(check, keyPath(key, "rateLimits"), endpoint.rateLimits, rateLimits),
            inferenceTablePrefix,
        });
    }
    if (serving.traffic !== undefined && sharedTrafficUser === undefined) {
        check.fail("serving.traffic", serving.traffic, "no value: no endpoint uses serving.traffic (every endpoint has one entity or its own traffic); remove it");
    }
    // Serving refers to registered models; lakehouse:models declares (and so keeps) them.
    for (const endpoint of endpoints) {
        for (const entity of endpoint.entities) {
            if (entity.model && !models.includes(entity.model)) {
                check.fail(
                    `serving.endpoints.${endpoint.key}.entities.${entity.name}.model`,
                    entity.model,
                    `a model declared in lakehouse:models (${models.join(", ") || "none declared"}): add it there first — models have their own lifecycle, serving never creates or deletes them`,
                );
            }
        }
    }
    return { traffic, consumers, rateLimits, endpoints };
}
