/**
 * Model serving settings: the traffic split between the served entities of the A/B endpoint.
 * Pure: unit-tested without mocks.
 */
import { Checker, PlainObject, keyPath } from "./validate";

/** Defaults of `lakehouse:serving`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const SERVING_DEFAULTS = {
    traffic: { champion: 50, challenger: 50 } as Record<string, number>,
};

export const SERVING_KEYS = ["serving"] as const;

/** Served entity names: letters, digits, `-` and `_` (Databricks' rule), at most 63 characters. */
export const ENTITY_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, allowed: "a served entity name: letters, digits, - and _" };

export interface ServingSettings {
    /** Entity name → integer percentage; adds up to 100. */
    traffic: Record<string, number>;
}

/**
 * Validates a traffic split: every entity name valid, each percentage an integer 0-100, at least
 * one route, and the split adding up to exactly 100.
 */
export function parseTraffic(check: Checker, key: string, value: unknown, fallback: Record<string, number>): Record<string, number> {
    if (value === undefined || value === null) return { ...fallback };
    const obj = check.object(key, value);
    const traffic: Record<string, number> = {};
    for (const [entity, pct] of Object.entries(obj)) {
        if (!ENTITY_NAME.pattern.test(entity)) check.fail(keyPath(key, entity), pct, `${ENTITY_NAME.allowed} as the route name`);
        traffic[entity] = check.integer(keyPath(key, entity), pct, 0, { min: 0, max: 100 });
    }
    const names = Object.keys(traffic);
    if (names.length === 0) {
        check.fail(key, value, "at least one route, e.g. { champion: 90, challenger: 10 }");
    } else {
        const total = Object.values(traffic).reduce((a, b) => a + b, 0);
        const allValid = names.every((n) => Number.isInteger(obj[n]) || /^\d+$/.test(String(obj[n])));
        if (allValid && total !== 100) check.fail(key, value, `percentages that add up to exactly 100 (they add up to ${total})`);
    }
    return traffic;
}

export function parseServing(check: Checker, raw: PlainObject): ServingSettings {
    const serving = check.object("serving", raw.serving, ["traffic"]);
    return { traffic: parseTraffic(check, "serving.traffic", serving.traffic, SERVING_DEFAULTS.traffic) };
}
