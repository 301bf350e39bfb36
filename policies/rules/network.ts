/**
 * The network posture as a reviewer checks it: every compute reaches the data it is granted (or
 * its first query fails with 403), production data is not reachable from the internet, production
 * front ends and storage have their private endpoints, and production keeps audit logs. All read
 * from `policies/reachability.ts`, the function the offline plan prints its table from.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { reachability } from "../reachability";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { knownString, list, read } from "./util";

const T = {
    storage: "azure-native:storage:StorageAccount",
    workspace: "azure-native:databricks:Workspace",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
};

const PRODUCTION = { properties: { production: PRODUCTION_PROPERTY } };

const dependsOn = (r: PolicyResource, target: PolicyResource) => r.dependencies.some((d) => d.urn === target.urn);

/** Group ids of the private endpoints that target `resource`. */
function endpointGroups(resources: readonly PolicyResource[], resource: PolicyResource): Set<string> {
    const groups = new Set<string>();
    for (const pe of resources.filter((r) => r.type === T.privateEndpoint && dependsOn(r, resource))) {
        for (const c of list<{ groupIds?: unknown }>(() => pe.props.privateLinkServiceConnections)) for (const g of list<string>(() => c.groupIds)) groups.add(String(g).toLowerCase());
    }
    return groups;
}

export const computeReachesData: StackValidationPolicy = {
    name: "network-compute-reaches-data",
    description:
        "Every compute the stack runs — SQL warehouse, pipeline, job, model serving; serverless or classic — reaches every storage account through its firewall: classic compute through dfs and blob private endpoints in the workspace's VNet (or an open public endpoint), serverless compute through NCC private endpoints, a network security perimeter admitting AzureDatabricksServerless, or an open public endpoint. Otherwise its first read fails with 403.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const r of reachability(args.resources).reaches) {
            if (!r.path && !r.unknown) report(`${r.compute} (${r.serverless ? "serverless" : "classic"}) cannot reach storage account ${r.storage}: ${r.note}.`, r.urn);
        }
    },
};

export const dataNotPublicInProduction: StackValidationPolicy = {
    name: "network-data-not-public-in-production",
    description:
        "In production stacks no storage account is reachable from the internet: no public endpoint, or one secured by a network security perimeter that admits only Databricks serverless compute; no firewall default Allow, no address ranges admitted.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, dataNotPublicInProduction)) return;
        for (const e of reachability(args.resources).exposure) {
            if (e.internet === "open" || e.internet === "listed addresses") report(`storage account ${e.storage} is reachable from the internet: ${e.detail}.`, e.storageUrn);
        }
    },
};

export const workspaceNotPublicInProduction: StackValidationPolicy = {
    name: "workspace-public-network-access-disabled",
    description: "In production stacks the workspace UI and API are reachable only over Private Link (publicNetworkAccess: Disabled, with VNet injection); development stacks may keep a public front end behind IP access lists.",
    tags: ["CKV_AZURE_158"],
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, workspaceNotPublicInProduction)) return;
        for (const ws of args.resources.filter((r) => r.type === T.workspace)) {
            const access = knownString(() => ws.props.publicNetworkAccess);
            if (read(() => ws.props.publicNetworkAccess) !== undefined && access === undefined) continue;
            if (access !== "Disabled") report(`publicNetworkAccess is ${access ?? "unset (Enabled)"}; the workspace is reachable from the internet (network.posture private).`, ws.urn);
        }
    },
};

export const storageNotPublicInProduction: StackValidationPolicy = {
    name: "storage-public-network-access-disabled",
    description:
        "In production stacks storage accounts have no public endpoint (publicNetworkAccess: Disabled), or one secured by a network security perimeter (SecuredByPerimeter, with the account associated to a perimeter); development stacks may differ.",
    tags: ["CKV_AZURE_59"],
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, storageNotPublicInProduction)) return;
        for (const account of args.resources.filter((r) => r.type === T.storage)) {
            const access = read(() => account.props.publicNetworkAccess);
            if (typeof access !== "string" && access !== undefined) continue;
            const perimeter = args.resources.some((r) => r.type === "azure-native:network:NetworkSecurityPerimeterAssociation" && dependsOn(r, account));
            if (access === "Disabled" || (access === "SecuredByPerimeter" && perimeter)) continue;
            const why = access === "SecuredByPerimeter" ? "SecuredByPerimeter, but no perimeter is associated with the account" : `${access ?? "unset (Enabled)"}`;
            report(`publicNetworkAccess is ${why}; the data is on a public endpoint (network.serverlessAccess ncc or perimeter).`, account.urn);
        }
    },
};

export const privateEndpointsInProduction: StackValidationPolicy = {
    name: "network-private-endpoints-in-production",
    description: "In production stacks the workspace has its databricks_ui_api private endpoint and every storage account its dfs and blob private endpoints, so neither users nor clusters need a public path.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, privateEndpointsInProduction)) return;
        for (const ws of args.resources.filter((r) => r.type === T.workspace)) {
            if (!endpointGroups(args.resources, ws).has("databricks_ui_api")) report("the workspace has no databricks_ui_api private endpoint.", ws.urn);
        }
        for (const account of args.resources.filter((r) => r.type === T.storage)) {
            const groups = endpointGroups(args.resources, account);
            const missing = ["dfs", "blob"].filter((g) => !groups.has(g));
            if (missing.length > 0) report(`storage account has no ${missing.join(" or ")} private endpoint.`, account.urn);
        }
    },
};

export const auditDiagnosticSettings: StackValidationPolicy = {
    name: "audit-diagnostic-settings",
    description:
        "In production stacks the workspace sends its audit log categories, and every storage account its blob service's reads, writes and deletes, to a diagnostic destination (Log Analytics, storage or event hub).",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, auditDiagnosticSettings)) return;
        const settings = args.resources.filter((r) => r.type === T.diagnostics);
        const logsTo = (target: PolicyResource, blob: boolean) =>
            settings.some((d) => {
                if (!dependsOn(d, target)) return false;
                const uri = knownString(() => d.props.resourceUri);
                const onBlob = uri === undefined || uri.toLowerCase().endsWith("/blobservices/default");
                const logs = list<{ enabled?: unknown }>(() => d.props.logs).filter((l) => l.enabled !== false);
                return logs.length > 0 && (!blob || onBlob);
            });
        for (const ws of args.resources.filter((r) => r.type === T.workspace)) if (!logsTo(ws, false)) report("the workspace has no diagnostic setting sending its logs anywhere.", ws.urn);
        for (const account of args.resources.filter((r) => r.type === T.storage)) {
            if (!logsTo(account, true)) report("the storage account's blob service has no diagnostic setting (StorageRead, StorageWrite, StorageDelete).", account.urn);
        }
    },
};

export const networkPolicies = [computeReachesData, dataNotPublicInProduction, workspaceNotPublicInProduction, storageNotPublicInProduction, privateEndpointsInProduction, auditDiagnosticSettings];
