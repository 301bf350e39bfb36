/** Entra ID: application passwords expire within the configured maximum and rotate on schedule. */
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { integerSchema, read, configOf } from "./util";

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

export const entraPasswordLifetime: ResourceValidationPolicy = {
    name: "entra-password-max-lifetime",
    description: "Application passwords (client secrets) expire: endDate (or endDateRelative) is set and at most the configured number of days after the password starts (Azure's default is two years).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxLifetimeDays: integerSchema("Longest a client secret may stay valid, in days.", 180, 1) } },
    validateResource: validateResourceOfType(azuread.ApplicationPassword, (password, args, report) => {
        const { maxLifetimeDays } = configOf<{ maxLifetimeDays: number }>(args, entraPasswordLifetime);
        const end = read(() => password.endDate);
        const relative = read(() => password.endDateRelative);
        const startText = read(() => password.startDate);
        const start = typeof startText === "string" ? Date.parse(startText) : Date.now();
        let lifetimeMs: number | undefined;
        if (typeof end === "string") lifetimeMs = Date.parse(end) - start;
        else if (typeof relative === "string") lifetimeMs = durationMs(relative);
        else if (end === undefined && relative === undefined) {
            report(`neither endDate nor endDateRelative is set; the secret would stay valid for two years (maximum ${maxLifetimeDays} days).`);
            return;
        } else return; // not known until deployment
        if (lifetimeMs === undefined || Number.isNaN(lifetimeMs)) report(`the expiry ${String(end ?? relative)} cannot be read as a date or duration.`);
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
