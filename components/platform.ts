import { LakehouseConfig } from "./config";
import { PlatformIdentity } from "./identity";
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

    return {
        resourceGroup: storage.resourceGroupName,
        storageAccount: storage.accountName,
        workspaceUrl: workspace.url,
        workspaceResourceId: workspace.resourceId,
        pipelineApplicationId: identity.applicationId,
        secretScope: identity.secretScope,
        pipelineSecretExpiresOn: config.secretRotation.endDate,
    };
}
