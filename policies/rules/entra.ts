/** Entra ID: application passwords expire within the configured maximum and rotate on schedule. */
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Maybe, UNKNOWN, integerSchema, read, configOf } from "./util";

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
 * When the password starts, read from its own inputs and never from the clock: `startDate`, else
 * the latest date among the `rotateWhenChanged` values (the rotation window the password is
 * created for: it is replaced when the window starts over, so it never starts before it).
 * `UNKNOWN` while the preview does not know it, undefined when nothing says.
 */
export function passwordStart(props: { startDate?: unknown; rotateWhenChanged?: unknown }): Maybe<number | undefined> {
    const start = read(() => props.startDate);
    if (start === UNKNOWN) return UNKNOWN;
    if (typeof start === "string") return isoMs(start);
    const triggers = read(() => props.rotateWhenChanged);
    if (triggers === UNKNOWN) return UNKNOWN;
    if (triggers === null || typeof triggers !== "object") return undefined;
    const dates = Object.values(triggers as Record<string, unknown>)
        .map(isoMs)
        .filter((ms): ms is number => ms !== undefined);
    return dates.length > 0 ? Math.max(...dates) : undefined;
}

export const entraPasswordLifetime: ResourceValidationPolicy = {
    name: "entra-password-max-lifetime",
    description:
        "Application passwords (client secrets) expire: endDate (or endDateRelative) is set and at most the configured number of days after the password starts (Azure's default is two years). The lifetime is judged from the password's own inputs (startDate, else the dated rotation window it is created for), never from today's date, so the verdict is the same on any day.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxLifetimeDays: integerSchema("Longest a client secret may stay valid, in days.", 180, 1) } },
    validateResource: validateResourceOfType(azuread.ApplicationPassword, (password, args, report) => {
        const { maxLifetimeDays } = configOf<{ maxLifetimeDays: number }>(args, entraPasswordLifetime);
        const end = read(() => password.endDate);
        const relative = read(() => password.endDateRelative);
        let lifetimeMs: number | undefined;
        if (typeof relative === "string" && end === undefined) lifetimeMs = durationMs(relative);
        else if (typeof end === "string") {
            const start = passwordStart(password);
            if (start === UNKNOWN) return;
            if (start === undefined) {
                report(
                    `endDate is ${end} but neither startDate nor a dated rotateWhenChanged window says when the password starts, so its lifetime would depend on the day it is created; set startDate, rotate on a dated window, or use endDateRelative (maximum ${maxLifetimeDays} days).`,
                );
                return;
            }
            const endMs = isoMs(end);
            lifetimeMs = endMs === undefined ? undefined : endMs - start;
        } else if (end === undefined && relative === undefined) {
            report(`neither endDate nor endDateRelative is set; the secret would stay valid for two years (maximum ${maxLifetimeDays} days).`);
            return;
        } else return; // not known until deployment
        if (lifetimeMs === undefined || Number.isNaN(lifetimeMs)) report(`the expiry ${String(end ?? relative)} cannot be read as a date or duration.`);
        else if (lifetimeMs <= 0) report(`the secret expires (${String(end)}) before it starts.`);
        else if (lifetimeMs > maxLifetimeDays * DAY_MS) report(`the secret stays valid for ${Math.ceil(lifetimeMs / DAY_MS)} days; the maximum is ${maxLifetimeDays}.`);
    }),
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
