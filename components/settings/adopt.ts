/**
 * `lakehouse:adopt`: existing resources this stack takes over instead of creating (Pulumi's `import`
 * resource option), e.g. a serving endpoint someone created by hand before the first `pulumi up`
 * ("Endpoint already exists"). Pure: unit-tested without mocks.
 *
 * The Azure names of adopted resources come from their ids (the program's derived names would not
 * match them), so keep `lakehouse:adopt` in the stack file after the import: with the same id the
 * option is a no-op, and removing it would rename, i.e. replace, what was adopted.
 */
import { PlatformNames } from "../naming";
import { PlatformSettings } from "./platform";
import { ENDPOINT_NAME, ServingSettings } from "./serving";
import { Checker, PlainObject, keyPath } from "./validate";

/** Defaults of `lakehouse:adopt`: nothing adopted, everything created. `Pulumi.yaml` declares the same. */
export const ADOPT_DEFAULTS: Record<string, unknown> = {};

export const ADOPT_KEYS = ["adopt"] as const;

export const ADOPT_FIELDS = ["resourceGroup", "storageAccount", "workspace", "managedResourceGroup", "servingEndpoints"] as const;

/** One adopted Azure resource: its ARM id (the import id) and the name in it. */
export interface AdoptedAzureResource {
    id: string;
    name: string;
    subscriptionId: string;
    resourceGroup: string;
}

export interface AdoptSettings {
    /** The resource group every platform resource lives in. */
    resourceGroup?: AdoptedAzureResource;
    /** The ADLS Gen2 account (its name replaces `<prefix><stack><random>`). */
    storageAccount?: AdoptedAzureResource;
    /** The Databricks workspace. */
    workspace?: AdoptedAzureResource;
    /** The adopted workspace's managed resource group (cannot change without replacing the workspace). */
    managedResourceGroup?: AdoptedAzureResource;
    /** Endpoint key (`serving.endpoints.<key>`) → existing endpoint name, the import id of a serving endpoint. */
    servingEndpoints: Record<string, string>;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const RG_NAME = "[-\\w.()]{0,89}[-\\w()]";
// Some Azure APIs spell the segment `resourcegroups`; names keep their own case rules.
const SCOPE = `^/subscriptions/(${GUID})/resource[Gg]roups/(${RG_NAME})`;

/** The ARM id shapes `lakehouse:adopt` accepts, with what the error says is allowed. */
export const ARM_ID = {
    resourceGroup: {
        pattern: new RegExp(`${SCOPE}$`),
        allowed: "a resource group id /subscriptions/<subscription id>/resourceGroups/<name>",
    },
    storageAccount: {
        pattern: new RegExp(`${SCOPE}/providers/Microsoft\\.Storage/storageAccounts/([a-z0-9]{3,24})$`),
        allowed: "a storage account id /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<3-24 lower-case letters and digits>",
    },
    workspace: {
        pattern: new RegExp(`${SCOPE}/providers/Microsoft\\.Databricks/workspaces/([A-Za-z0-9][A-Za-z0-9_-]{1,62}[A-Za-z0-9])$`),
        allowed: "an Azure Databricks workspace id /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>",
    },
} as const;

/** Reads one ARM id; undefined when unset or rejected (the issue is recorded). */
function armId(check: Checker, key: string, value: unknown, shape: { pattern: RegExp; allowed: string }): AdoptedAzureResource | undefined {
    if (value === undefined || value === null) return undefined;
    const before = check.issues.length;
    const id = check.string(key, value, "", shape);
    if (check.issues.length > before) return undefined;
    const m = shape.pattern.exec(id) as RegExpExecArray;
    return { id, subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], name: m[3] ?? m[2] };
}

/**
 * Reads `lakehouse:adopt`. Checks the id shapes, that every adopted Azure resource is in one
 * subscription and in the stack's one resource group, that the workspace comes with its managed
 * resource group, and that each adopted endpoint is an enabled `serving.endpoints` entry of the same name.
 */
export function parseAdopt(check: Checker, raw: PlainObject, platform: PlatformSettings, serving: ServingSettings): AdoptSettings {
    const adopt = check.object("adopt", raw.adopt, ADOPT_FIELDS);
    const resourceGroup = armId(check, "adopt.resourceGroup", adopt.resourceGroup, ARM_ID.resourceGroup);
    const storageAccount = armId(check, "adopt.storageAccount", adopt.storageAccount, ARM_ID.storageAccount);
    const workspace = armId(check, "adopt.workspace", adopt.workspace, ARM_ID.workspace);
    const managedResourceGroup = armId(check, "adopt.managedResourceGroup", adopt.managedResourceGroup, ARM_ID.resourceGroup);

    const adopted: [string, AdoptedAzureResource | undefined][] = [
        ["adopt.resourceGroup", resourceGroup],
        ["adopt.storageAccount", storageAccount],
        ["adopt.workspace", workspace],
        ["adopt.managedResourceGroup", managedResourceGroup],
    ];
    const present = adopted.filter((entry): entry is [string, AdoptedAzureResource] => entry[1] !== undefined);
    if (present.length > 0) {
        const [firstKey, first] = present[0];
        for (const [key, resource] of present.slice(1)) {
            if (resource.subscriptionId !== first.subscriptionId) {
                check.fail(key, resource.id, `an id in subscription ${first.subscriptionId}, the subscription of ${firstKey} (one stack deploys to one subscription)`);
            }
        }
    }

    // Everything but the workspace's managed group lives in the stack's one resource group.
    const groupName = resourceGroup?.name ?? platform.names.resourceGroup;
    for (const [key, resource] of [["adopt.storageAccount", storageAccount], ["adopt.workspace", workspace]] as const) {
        if (resource && resource.resourceGroup.toLowerCase() !== groupName.toLowerCase()) {
            check.fail(
                key,
                resource.id,
                `a resource in resource group ${groupName}, where this stack puts everything` +
                    (resourceGroup ? "" : ` (to keep ${resource.resourceGroup}, adopt it too: lakehouse:adopt.resourceGroup)`),
            );
        }
    }
    if (workspace && !managedResourceGroup) {
        check.fail(
            "adopt.managedResourceGroup",
            undefined,
            "the id of the adopted workspace's managed resource group (az databricks workspace show --ids <workspace id> --query managedResourceGroupId): a different one would replace the workspace",
        );
    }
    if (managedResourceGroup && !workspace) {
        check.fail("adopt.managedResourceGroup", managedResourceGroup.id, "no value unless lakehouse:adopt.workspace is set (only an adopted workspace keeps its managed resource group)");
    }
    if (managedResourceGroup && managedResourceGroup.name.toLowerCase() === groupName.toLowerCase()) {
        check.fail("adopt.managedResourceGroup", managedResourceGroup.id, `a group other than ${groupName} (Azure Databricks owns its managed resource group)`);
    }

    const servingEndpoints: Record<string, string> = {};
    const endpointsRaw = check.object("adopt.servingEndpoints", adopt.servingEndpoints);
    const byKey = new Map(serving.endpoints.map((e) => [e.key, e]));
    for (const [endpointKey, value] of Object.entries(endpointsRaw)) {
        const key = keyPath("adopt.servingEndpoints", endpointKey);
        const before = check.issues.length;
        const name = check.string(key, value, "", ENDPOINT_NAME);
        if (check.issues.length > before) continue;
        const endpoint = byKey.get(endpointKey);
        if (!endpoint) {
            check.fail(key, value, `an endpoint key of lakehouse:serving.endpoints (${[...byKey.keys()].join(", ") || "none configured"})`);
        } else if (!endpoint.enabled) {
            check.fail(key, value, `an enabled endpoint (serving.endpoints.${endpointKey}.enabled is false, so there is nothing to adopt it into)`);
        } else if (endpoint.name !== name) {
            check.fail(
                key,
                value,
                `the name of serving.endpoints.${endpointKey}, which is ${endpoint.name}: set lakehouse:serving.endpoints.${endpointKey}.name to ${name} as well, so the program keeps the endpoint's name`,
            );
        } else {
            servingEndpoints[endpointKey] = name;
        }
    }
    return { resourceGroup, storageAccount, workspace, managedResourceGroup, servingEndpoints };
}

/** The stack's names with those of adopted resources in place of the derived ones. */
export function adoptedNames(names: PlatformNames, adopt: AdoptSettings): PlatformNames {
    return {
        ...names,
        resourceGroup: adopt.resourceGroup?.name ?? names.resourceGroup,
        workspace: adopt.workspace?.name ?? names.workspace,
        managedResourceGroup: adopt.managedResourceGroup?.name ?? names.managedResourceGroup,
    };
}

/**
 * Resource options of a resource that may be adopted: import by id, and always protected, since it
 * existed before this stack and `pulumi destroy` must not delete it without `pulumi state unprotect`.
 */
export function adoptOptions(id: string | undefined): { import?: string; protect?: boolean } {
    return id ? { import: id, protect: true } : {};
}
