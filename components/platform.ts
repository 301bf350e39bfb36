import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal } from "./access";
import { DataApp } from "./app";
import { UnityCatalog } from "./catalog";
import { LakehouseConfig } from "./config";
import { CatalogGrants } from "./grants";
import { PlatformIdentity } from "./identity";
import { Pipelines } from "./pipelines";
import { ModelServing, ServingAccess } from "./serving";
import { LANDING_CONTAINER, LakehouseStorage } from "./storage";
import { SqlWarehouse, WarehouseAccess } from "./warehouse";
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
        adopt: { resourceGroupId: config.adopt.resourceGroup?.id, account: config.adopt.storageAccount },
    });

    const workspace = new DatabricksWorkspace("workspace", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        workspaceName: names.workspace,
        managedResourceGroupName: names.managedResourceGroup,
        network: config.network,
        tags: config.tags,
        adopt:
            config.adopt.workspace && config.adopt.managedResourceGroup
                ? { id: config.adopt.workspace.id, managedResourceGroupId: config.adopt.managedResourceGroup.id }
                : undefined,
    });

    const identity = new PlatformIdentity("identity", {
        displayName: names.pipelineIdentity,
        storageAccountId: storage.accountId,
        secretScopeName: names.secretScope,
        rotation: config.secretRotation,
        provider: workspace.provider,
    });

    // The SQL warehouse first: the catalog runs the metadata table's DDL on it, the job and the app query it.
    const warehouse = new SqlWarehouse("warehouse", {
        name: config.pipelines.names.warehouse,
        settings: config.pipelines.warehouse,
        provider: workspace.provider,
    });

    // Unity Catalog: the single source of the catalog, schema, volume and model names every
    // component below takes (and waits for). External locations validate through the access
    // connector's role on the account, so the catalog waits for the whole storage component.
    const catalog = new UnityCatalog(
        "catalog",
        {
            settings: config.catalog,
            accessConnectorId: storage.accessConnectorId,
            containerUrls: storage.containerUrls,
            landingContainer: LANDING_CONTAINER,
            workspaceId: workspace.workspaceId,
            sqlWarehouseId: warehouse.warehouseId,
            protectData: config.protectData,
            provider: workspace.provider,
        },
        { dependsOn: [storage] },
    );

    // Lakeflow pipeline, full-run job, cluster policy.
    const pipelines = new Pipelines("pipelines", {
        settings: config.pipelines,
        catalogName: catalog.catalogName,
        schemaNames: catalog.schemaNames,
        landingVolumePath: catalog.landingVolumePath,
        warehouseId: warehouse.warehouseId,
        pipelineApplicationId: identity.applicationId,
        principals: config.principals,
        provider: workspace.provider,
    });

    // Model serving: the endpoints depend on the registered models they serve.
    const serving = new ModelServing("serving", {
        endpoints: config.serving.endpoints,
        catalogName: catalog.catalogName,
        servingSchemaName: catalog.schemaNames.gold,
        modelNames: catalog.modelNames,
        workspaceUrl: workspace.url,
        tags: config.tags,
        provider: workspace.provider,
        adopt: config.adopt.servingEndpoints,
    });

    // The data app: its source uploaded and deployed, the warehouse (CAN_USE), the A/B endpoint
    // (CAN_QUERY) and its own secret (READ) as resources. Its Unity Catalog privileges come only
    // from the grants below, where its service principal is the `app` role.
    const app = config.app.enabled
        ? new DataApp("app", {
              settings: config.app,
              principals: config.principals,
              catalogName: catalog.catalogName,
              schemaName: catalog.schemaNames.gold,
              warehouseId: warehouse.warehouseId,
              endpointName: serving.endpointNames[config.app.endpointKey],
              workspaceUrl: workspace.url,
              provider: workspace.provider,
          })
        : undefined;
    if (config.app.waitingForEndpoint !== undefined) {
        pulumi.log.info(`app ${config.app.name} is left out until serving.endpoints.${config.app.waitingForEndpoint} is enabled (app.enabled is auto)`);
    }

    // Who may use the warehouse: the pipeline principal, the app, and the configured roles.
    new WarehouseAccess("warehouse-access", {
        warehouseId: warehouse.warehouseId,
        pipelineApplicationId: identity.applicationId,
        appServicePrincipal: app?.servicePrincipalClientId,
        permissions: config.pipelines.permissions,
        principals: config.principals,
        provider: workspace.provider,
    });

    // Who may query the endpoints: the consumer roles, and the app on the endpoint it scores against.
    const queryPrincipals: Record<string, AclPrincipal> = { ...config.principals, pipeline: { kind: "servicePrincipal", name: identity.applicationId } };
    if (app) queryPrincipals.app = { kind: "servicePrincipal", name: app.servicePrincipalClientId };
    new ServingAccess("serving-access", {
        endpoints: config.serving.endpoints,
        endpointIds: serving.servingEndpointIds,
        extraConsumers: app ? { [config.app.endpointKey]: ["app"] } : {},
        principals: queryPrincipals,
        provider: workspace.provider,
    });

    // Grants last: one authoritative grant list per securable, naming principals created above
    // (no app in the stack: the `app` role's grants are left out).
    const grantPrincipals: Record<string, pulumi.Input<string> | undefined> = { pipeline: identity.applicationId, app: app?.servicePrincipalClientId };
    for (const [role, principal] of Object.entries(config.principals)) grantPrincipals[role] = principal.name;
    new CatalogGrants("grants", { matrix: config.grants, securables: catalog.securables, principals: grantPrincipals, provider: workspace.provider });

    return {
        resourceGroup: storage.resourceGroupName,
        storageAccount: storage.accountName,
        workspaceUrl: workspace.url,
        workspaceResourceId: workspace.resourceId,
        pipelineApplicationId: identity.applicationId,
        secretScope: identity.secretScope,
        pipelineSecretExpiresOn: config.secretRotation.endDate,
        catalogName: catalog.catalogName,
        schemaNames: catalog.schemaNames,
        landingVolumePath: catalog.landingVolumePath,
        warehouseId: warehouse.warehouseId,
        pipelineId: pipelines.pipelineId,
        fullRunJobId: pipelines.jobId,
        servingEndpoints: serving.endpointNames,
        servingInvocationUrls: serving.invocationUrls,
        // Only a stack with the app has these (an undefined output is a warning in every preview).
        ...(app ? { appUrl: app.url, appServicePrincipal: app.servicePrincipalClientId } : {}),
    };
}
