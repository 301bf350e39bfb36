import { LakehouseConfig } from "./config";
import { PlatformIdentity } from "./identity";
import { ModelServing } from "./serving";
import { QueryPrincipal } from "./serving-spec";
import { LakehouseStorage } from "./storage";
import { DatabricksWorkspace } from "./workspace";

/**
 * Wires the components in data-flow order (storage → workspace → identity → …) and returns the
 * stack outputs. Each component takes its slice of the config and the outputs of those before it.
 */
export function buildPlatform(config: LakehouseConfig) {
    const { names } = config;

    const storage = new LakehouseStorage("storage", {
        location: config.location,
        resourceGroupName: names.resourceGroup,
        accountNameStem: names.storageAccountStem,
        accessConnectorName: names.accessConnector,
        layers: config.catalog.layers,
        network: config.network,
        settings: config.storage,
        protectData: config.protectData,
        tags: config.tags,
    });

    const workspace = new DatabricksWorkspace("workspace", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        workspaceName: names.workspace,
        managedResourceGroupName: names.managedResourceGroup,
        adopt: { resourceGroupId: config.adopt.resourceGroup?.id, account: config.adopt.storageAccount },
        network: config.network,
        tags: config.tags,
    });

    const identity = new PlatformIdentity("identity", {
        displayName: names.pipelineIdentity,
        storageAccountId: storage.accountId,
        secretScopeName: names.secretScope,
        rotation: config.secretRotation,
        adopt:
            config.adopt.workspace && config.adopt.managedResourceGroup
                ? { id: config.adopt.workspace.id, managedResourceGroupId: config.adopt.managedResourceGroup.id }
                : undefined,
        provider: workspace.provider,
    });

    // Model serving. TEMPORARY: catalog, gold schema and model names are derived from config until
    // the UnityCatalog component is wired here; then pass catalog.catalogName,
    // catalog.schemaNames.gold and catalog.modelNames so the endpoints depend on what they serve.
    const gold = config.catalog.schemas.gold;
    const servingPrincipals: Record<string, QueryPrincipal> = { pipeline: { kind: "servicePrincipal", name: identity.applicationId } };
    for (const [role, principal] of Object.entries(config.principals)) servingPrincipals[role] = principal;
    const serving = new ModelServing("serving", {
        endpoints: config.serving.endpoints,
        catalogName: config.catalog.name,
        servingSchemaName: gold,
        modelNames: Object.fromEntries(config.serving.registeredModels.map((m) => [m, `${config.catalog.name}.${gold}.${m}`])),
        principals: servingPrincipals,
        workspaceUrl: workspace.url,
        tags: config.tags,
        provider: workspace.provider,
    });

    return {
        resourceGroup: storage.resourceGroupName,
        storageAccount: storage.accountName,
        workspaceUrl: workspace.url,
        workspaceResourceId: workspace.resourceId,
        pipelineApplicationId: identity.applicationId,
        secretScope: identity.secretScope,
        pipelineSecretExpiresOn: config.secretRotation.endDate,
        servingEndpoints: serving.endpointNames,
        servingInvocationUrls: serving.invocationUrls,
    };
}
