/**
 * `lakehouse:app`: the per-stack Databricks App — its name, compute size, which serving endpoint it
 * scores against, which gold table it shows, and who may use or manage it. Pure: validated here and
 * resolved to the values the `DataApp` component uses, unit-tested without mocks.
 */
import { kebab } from "../naming";
import { PERMISSION_LEVELS } from "../../policies/privileges";
import { APP_COMPUTE_SIZES, AppComputeSize } from "../sizing";
import { UC_IDENTIFIER } from "./catalog";
import { PlatformSettings } from "./platform";
import { DeclaredPrincipal, PLATFORM_ROLES, checkRole } from "./principals";
import { ServingSettings } from "./serving";
import { Checker, PlainObject, keyPath } from "./validate";

/**
 * Defaults of `lakehouse:app`; `Pulumi.yaml` declares the same value (a test keeps them equal).
 * `name` and `computeSize` have no static default: the name is derived per stack
 * (`<namePrefix>-<stack>-app`) and the size comes from the `lakehouse:computeSize` profile.
 * `enabled: auto` deploys the app when the endpoint it scores against is enabled, so the serving
 * runbook's first step (endpoint off until the models are registered) keeps working.
 */
export const APP_DEFAULTS = {
    enabled: "auto" as AppEnabled,
    description: "Gold-layer rows and live scoring against the A/B serving endpoint",
    endpoint: "classifier",
    table: "payments_daily_summary",
    users: [] as string[],
    owners: [] as string[],
    permissions: {} as Record<string, string>,
};

export const APP_KEYS = ["app"] as const;

export const APP_ENABLED = ["auto", "true", "false"] as const;
export type AppEnabled = (typeof APP_ENABLED)[number];

const FIELDS = ["enabled", "name", "description", "computeSize", "endpoint", "table", "users", "owners", "permissions"] as const;

/** Databricks app names: lower-case letters, digits and `-`, 2 to 30 characters (the Apps API limit). */
export const APP_NAME = {
    pattern: /^[a-z0-9][a-z0-9-]{0,28}[a-z0-9]$/,
    allowed: "an app name: 2-30 lower-case letters, digits and dashes, not starting or ending with a dash (no capitals, no underscores)",
};
const MAX_APP_NAME = 30;
const DESCRIPTION = { pattern: /^[^\r\n]{0,256}$/, allowed: "one line of at most 256 characters" };

/** The only permission levels a Databricks App has. */
export const APP_PERMISSION_LEVELS = PERMISSION_LEVELS.app;
export type AppPermissionLevel = (typeof APP_PERMISSION_LEVELS)[number];

export interface AppSettings {
    /** False: no app (and no app resources) in this stack. */
    enabled: boolean;
    /** Set when `enabled: auto` left the app out because its endpoint is disabled: that endpoint's key. */
    waitingForEndpoint?: string;
    /** Databricks app name, unique in the workspace; renaming replaces the app. */
    name: string;
    description: string;
    /** MEDIUM or LARGE: `app.computeSize`, else the compute profile's. */
    computeSize: AppComputeSize;
    /** Key of the serving endpoint the app scores against (`lakehouse:serving.endpoints.<key>`). */
    endpointKey: string;
    /** That endpoint's Databricks name (it reaches the app as a CAN_QUERY resource). */
    endpointName: string;
    /** The gold-layer table the app shows (`<catalog>.<gold schema>.<table>`). */
    table: string;
    /** Declared role → permission level on the app (users → CAN_USE, owners → CAN_MANAGE). */
    permissions: Record<string, AppPermissionLevel>;
    /** Workspace folder the app's source is uploaded under, one sub-folder per source hash (`/<prefix>-<stack>/apps/<name>`). */
    sourceRoot: string;
    /** Secret scope holding the app's own secret (only the app reads it). */
    secretScope: string;
}

/** `<namePrefix>-<stack>-app`, cut to the 30 characters Databricks allows. */
export function defaultAppName(namePrefix: string, stack: string): string {
    return kebab(`${namePrefix}-${stack}-app`).slice(0, MAX_APP_NAME).replace(/-+$/, "");
}

/** A role list (`app.users` / `app.owners`): declared roles only, no duplicates. */
function parseRoles(check: Checker, key: string, value: unknown, principals: Record<string, DeclaredPrincipal>): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
        check.fail(key, value, "a list of roles declared in lakehouse:principals");
        return [];
    }
    const roles: string[] = [];
    value.forEach((role, i) => {
        const itemKey = keyPath(key, i);
        if (!checkRole(check, itemKey, role, principals)) return;
        if (isPlatformRole(check, itemKey, role)) return;
        if (roles.includes(role)) check.fail(itemKey, role, "no duplicates in the list");
        else roles.push(role);
    });
    return roles;
}

/** `pipeline` and `app` are service principals of the platform: they never use the app's UI. */
function isPlatformRole(check: Checker, key: string, role: string): boolean {
    if (!(PLATFORM_ROLES as readonly string[]).includes(role)) return false;
    check.fail(key, role, `a role declared in lakehouse:principals (${PLATFORM_ROLES.join(" and ")} are the platform's service principals and do not use the app)`);
    return true;
}

export function parseApp(
    check: Checker,
    raw: PlainObject,
    platform: PlatformSettings,
    principals: Record<string, DeclaredPrincipal>,
    serving: ServingSettings,
): AppSettings {
    const d = APP_DEFAULTS;
    const app = check.object("app", raw.app, FIELDS);
    const enabledSetting = check.oneOf("app.enabled", typeof app.enabled === "boolean" ? String(app.enabled) : app.enabled, APP_ENABLED, d.enabled);
    const name = check.string("app.name", app.name, defaultAppName(platform.namePrefix, platform.stack), APP_NAME);
    const description = check.string("app.description", app.description, d.description, DESCRIPTION);
    const computeSize = parseComputeSize(check, app.computeSize, platform.sizes.app.computeSize);
    const table = check.string("app.table", app.table, d.table, UC_IDENTIFIER);

    const endpointKey = check.string("app.endpoint", app.endpoint, d.endpoint);
    const endpoint = serving.endpoints.find((e) => e.key === endpointKey);
    const keys = serving.endpoints.map((e) => e.key);
    let enabled = enabledSetting !== "false";
    let waitingForEndpoint: string | undefined;
    if (enabled && endpoint === undefined) {
        check.fail("app.endpoint", app.endpoint ?? endpointKey, `the key of an endpoint in lakehouse:serving.endpoints (${keys.join(", ") || "none declared"})`);
    } else if (enabled && endpoint !== undefined && !endpoint.enabled) {
        if (enabledSetting === "auto") {
            enabled = false;
            waitingForEndpoint = endpointKey;
        } else {
            check.fail(
                "app.endpoint",
                app.endpoint ?? endpointKey,
                `an enabled serving endpoint (serving.endpoints.${endpointKey}.enabled is false): enable it, point app.endpoint at another, or set app.enabled auto or false`,
            );
        }
    }

    const users = parseRoles(check, "app.users", app.users, principals);
    const owners = parseRoles(check, "app.owners", app.owners, principals);
    const permissions: Record<string, AppPermissionLevel> = {};
    const source: Record<string, string> = {};
    const assign = (key: string, role: string, level: AppPermissionLevel) => {
        if (role in permissions && permissions[role] !== level) {
            check.fail(key, role, `one permission level per role (${role} already has ${permissions[role]} from lakehouse:${source[role]})`);
            return;
        }
        permissions[role] = level;
        source[role] ??= key;
    };
    users.forEach((role, i) => assign(keyPath("app.users", i), role, "CAN_USE"));
    owners.forEach((role, i) => assign(keyPath("app.owners", i), role, "CAN_MANAGE"));
    const explicit = check.object("app.permissions", app.permissions);
    for (const [role, level] of Object.entries(explicit)) {
        const key = keyPath("app.permissions", role);
        if (!checkRole(check, key, role, principals) || isPlatformRole(check, key, role)) continue;
        const checked = checkLevel(check, key, level);
        if (checked) assign(key, role, checked);
    }

    const base = kebab(`${platform.namePrefix}-${platform.stack}`);
    return {
        enabled,
        ...(waitingForEndpoint !== undefined ? { waitingForEndpoint } : {}),
        name,
        description,
        computeSize,
        endpointKey,
        endpointName: endpoint?.name ?? "",
        table,
        permissions,
        sourceRoot: `/${base}/apps/${name}`,
        secretScope: `${base}-app`,
    };
}

/** MEDIUM or LARGE; lower case is accepted (`pulumi config set --path app.computeSize large`). */
function parseComputeSize(check: Checker, value: unknown, fallback: AppComputeSize): AppComputeSize {
    if (value === undefined || value === null) return fallback;
    const upper = typeof value === "string" ? value.toUpperCase() : value;
    if (typeof upper !== "string" || !(APP_COMPUTE_SIZES as readonly string[]).includes(upper)) {
        check.fail("app.computeSize", value, `one of ${APP_COMPUTE_SIZES.join(" | ")} (the compute sizes Databricks Apps offer)`);
        return fallback;
    }
    return upper as AppComputeSize;
}

function checkLevel(check: Checker, key: string, level: unknown): AppPermissionLevel | undefined {
    if (typeof level === "string" && (APP_PERMISSION_LEVELS as readonly string[]).includes(level)) return level as AppPermissionLevel;
    check.fail(key, level, `a permission level apps have: ${APP_PERMISSION_LEVELS.join(" | ")} (CAN_VIEW, CAN_QUERY, CAN_RUN and IS_OWNER belong to other objects)`);
    return undefined;
}
