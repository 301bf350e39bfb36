/** Entra ID: application passwords expire within the configured maximum and rotate on schedule. */
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { Maybe, TYPES, UNKNOWN, integerSchema, ofType, read, configOf } from "./util";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Go-style duration (`2160h`, `90h30m`) in milliseconds, or undefined. */
export function durationMs(text: string): number | undefined {
    const re = /(\d+(?:\.\d+)?)(h|m|s)/g;
    let total = 0;
    let matched = "";
    for (let m = re.exec(text); m; m = re.exec(text)) {
        total += Number(m[1]) * (m[2] === "h" ? 3_600_000 : m[2] === "m" ? 60_000 : 1000);
        matched += m[0];
    }
    return matched.length > 0 && matched === text.trim() ? total : undefined;
}

/** An ISO 8601 date or date-time (what `startDate`, `endDate` and a dated rotation window look like). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds of an ISO date, or undefined when the text is not one. */
function isoMs(text: unknown): number | undefined {
    if (typeof text !== "string" || !ISO_DATE.test(text.trim())) return undefined;
    const ms = Date.parse(text.trim());
    return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When the password starts, read from its own properties and never from the clock: the earliest
 * of `startDate` and the dates among its `rotateWhenChanged` values (the rotation window it is
 * created for: it is replaced when the window starts over, so it never starts before it). The
 * earliest, because that gives the longest the password can live whichever day it is created on:
 * after deployment `startDate` is the day it was created, and a late first deployment must not
 * make a long period look short. `UNKNOWN` while the preview knows neither, undefined when
 * nothing says.
 */
export function passwordStart(props: { startDate?: unknown; rotateWhenChanged?: unknown }): Maybe<number | undefined> {
    const candidates: number[] = [];
    const start = read(() => props.startDate);
    const startMs = isoMs(start);
    if (startMs !== undefined) candidates.push(startMs);
    const triggers = read(() => props.rotateWhenChanged);
    if (triggers !== UNKNOWN && triggers !== null && typeof triggers === "object") {
        for (const value of Object.values(triggers as Record<string, unknown>)) {
            const ms = isoMs(value);
            if (ms !== undefined) candidates.push(ms);
        }
    }
    if (candidates.length > 0) return Math.min(...candidates);
    return start === UNKNOWN || triggers === UNKNOWN ? UNKNOWN : undefined;
}

/** The longest a password lives, in milliseconds, by its own inputs; a message instead when they cannot say. */
function passwordLifetime(props: Record<string, unknown>, maxLifetimeDays: number): { ms: number } | { problem: string } | undefined {
    const end = read(() => props.endDate);
    const relative = read(() => props.endDateRelative);
    if (typeof relative === "string" && end === undefined) {
        const ms = durationMs(relative);
        return ms === undefined ? { problem: `the expiry ${relative} cannot be read as a duration.` } : { ms };
    }
    if (typeof end === "string") {
        const start = passwordStart(props);
        if (start === UNKNOWN) return undefined;
        if (start === undefined) {
            return {
                problem: `endDate is ${end} but neither startDate nor a dated rotateWhenChanged window says when the password starts, so its lifetime would depend on the day it is created; set startDate, rotate on a dated window, or use endDateRelative (maximum ${maxLifetimeDays} days).`,
            };
        }
        const endMs = isoMs(end);
        if (endMs === undefined) return { problem: `the expiry ${end} cannot be read as a date.` };
        if (endMs <= start) return { problem: `the secret expires (${end}) before it starts.` };
        return { ms: endMs - start };
    }
    if (end === undefined && relative === undefined) {
        return { problem: `neither endDate nor endDateRelative is set; the secret would stay valid for two years (maximum ${maxLifetimeDays} days).` };
    }
    return undefined; // not known until deployment
}

export const entraPasswordLifetime: StackValidationPolicy = {
    name: "entra-password-max-lifetime",
    description:
        "Application passwords (client secrets) expire: endDate (or endDateRelative) is set and at most the configured number of days after the password starts (Azure's default is two years); production stacks (declared by the stack's resources or stack tags, or by policy config) have a shorter maximum. The lifetime is judged from the password's own properties (the earliest of startDate and the dated rotation window it is created for), never from today's date, so the verdict is the same on any day.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxLifetimeDays: integerSchema("Longest a client secret may stay valid, in days.", 180, 1),
            productionMaxLifetimeDays: integerSchema("Longest a client secret may stay valid in a production stack, in days (the smaller of the two applies).", 120, 1),
            production: PRODUCTION_PROPERTY,
        },
    },
    validateStack: (args, report) => {
        const config = configOf<{ maxLifetimeDays: number; productionMaxLifetimeDays: number }>(args, entraPasswordLifetime);
        const production = isProductionStack(args, entraPasswordLifetime);
        const maxDays = production ? Math.min(config.maxLifetimeDays, config.productionMaxLifetimeDays) : config.maxLifetimeDays;
        for (const password of ofType(args.resources, TYPES.applicationPassword)) {
            const lifetime = passwordLifetime(password.props, maxDays);
            if (lifetime === undefined) continue;
            if ("problem" in lifetime) report(lifetime.problem, password.urn);
            else if (lifetime.ms > maxDays * DAY_MS) {
                report(`the secret stays valid for ${Math.ceil(lifetime.ms / DAY_MS)} days; the maximum is ${maxDays}${production ? " in production" : ""}.`, password.urn);
            }
        }
    },
};

export const entraPasswordRotates: ResourceValidationPolicy = {
    name: "entra-password-rotates",
    description: "Application passwords declare rotateWhenChanged, so the program replaces the secret on schedule (and its consumers get the new value) instead of letting it expire.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azuread.ApplicationPassword, (password, _args, report) => {
        const rotate = read(() => password.rotateWhenChanged);
        if (rotate === undefined || rotate === null || (typeof rotate === "object" && Object.keys(rotate).length === 0)) {
            report("rotateWhenChanged is not set; the secret would never be replaced before it expires.");
        }
    }),
};

export const entraPolicies = [entraPasswordLifetime, entraPasswordRotates];
