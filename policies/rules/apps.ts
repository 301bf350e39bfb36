/** Databricks Apps: the resources an app binds get read/use permissions only. */
import * as databricks from "@pulumi/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { UNKNOWN, configOf, knownString, list, read, stringListSchema } from "./util";

const RESOURCE_KINDS = ["sqlWarehouse", "servingEndpoint", "secret", "job", "ucSecurable", "app", "database", "experiment", "genieSpace", "postgres"];

/** Read/use levels: use a warehouse or app, query an endpoint, read a secret, read a volume or table. */
export const APP_READ_PERMISSIONS = ["CAN_USE", "CAN_QUERY", "READ", "READ_VOLUME", "SELECT"];

export const appResourcesLeastPrivilege: ResourceValidationPolicy = {
    name: "app-resources-least-privilege",
    description: "A Databricks App's resources grant its service principal read/use permissions only: CAN_USE (warehouse), CAN_QUERY (serving endpoint), READ (secret), and READ_VOLUME / SELECT on Unity Catalog securables; never manage, write or run rights.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedPermissions: stringListSchema("Permissions an app resource may request.", APP_READ_PERMISSIONS) } },
    validateResource: validateResourceOfType(databricks.App, (app, args, report) => {
        const { allowedPermissions } = configOf<{ allowedPermissions: string[] }>(args, appResourcesLeastPrivilege);
        for (const resource of list<Record<string, unknown>>(() => app.resources)) {
            for (const kind of RESOURCE_KINDS) {
                const block = read(() => resource[kind] as Record<string, unknown> | undefined);
                if (block === undefined || block === null || block === UNKNOWN) continue;
                const permission = knownString(() => block.permission);
                if (permission !== undefined && !allowedPermissions.includes(permission)) {
                    report(`resource ${knownString(() => resource.name) ?? "?"} (${kind}) asks for ${permission}; allowed: ${allowedPermissions.join(", ")}.`);
                }
            }
        }
    }),
};

export const appPolicies = [appResourcesLeastPrivilege];
