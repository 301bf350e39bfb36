import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal } from "./access";
import { DataApp } from "./app";
import { StackBudget } from "./budget";
import { UnityCatalog } from "./catalog";
import { LakehouseConfig, workspaceAclRoles } from "./config";
import { CatalogGrants } from "./grants";
import { PlatformIdentity } from "./identity";
import { Pipelines } from "./pipelines";
import { ModelServing, ServingAccess } from "./serving";
import { LANDING_CONTAINER, LakehouseStorage } from "./storage";
import { SqlWarehouse, WarehouseAccess } from "./warehouse";
import { DatabricksWorkspace } from "./workspace";
import { LakehouseNetwork } from "./network/network";
import { PrivateAccess } from "./network/private-access";
import { ServerlessAccess } from "./network/serverless";
import { DnsZoneKey } from "./network/settings";
import { PrincipalDirectory } from "./principals";
import { AuditLogging } from "./security/audit";
import { WorkspaceHardening } from "./security/hardening";
import { ManagedKeys } from "./security/keys";

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

    // The VNet the clusters run in and the private endpoints live in, with its DNS zones.
    const net = new LakehouseNetwork("network", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        names,
        settings: config.network,
        tags: config.tags,
    });

    // Customer-managed keys, when opted in: the workspace is created with them.
    const keys = config.security.customerManagedKeys
        ? new ManagedKeys("keys", {
              location: config.location,
              resourceGroupName: storage.resourceGroupName,
              vaultNameStem: names.keyVaultStem,
              privateEndpoint: { subnetId: net.privateEndpointSubnetId, dnsZoneId: requiredZone(net, "vault"), name: `pe-${names.base}-vault` },
              tags: config.tags,
          })
        : undefined;

    const workspace = new DatabricksWorkspace("workspace", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        workspaceName: names.workspace,
        managedResourceGroupName: names.managedResourceGroup,
        posture: config.network.posture,
        virtualNetwork: { id: net.virtualNetworkId, hostSubnet: net.hostSubnetName, containerSubnet: net.containerSubnetName },
        networkReady: net.workspaceReady,
        security: config.security,
        managedServicesKey: keys?.managedServicesKey,
        tags: config.tags,
        protect: config.protectData,
        adopt:
            config.adopt.workspace && config.adopt.managedResourceGroup
                ? { id: config.adopt.workspace.id, managedResourceGroupId: config.adopt.managedResourceGroup.id }
                : undefined,
    });

    // Classic compute reaches the storage through private endpoints; in the private posture the
    // workspace's own front end is a private endpoint too.
    const privateAccess = new PrivateAccess("private-access", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        nameStem: names.base,
        settings: config.network,
        subnetId: net.privateEndpointSubnetId,
        dnsZoneIds: net.dnsZoneIds,
        storageAccountId: storage.accountId,
        workspaceResourceId: workspace.resourceId,
        tags: config.tags,
    });

    // The account-level provider (NCC, principal checks) exists only with an account id.
    const accountProvider = config.network.databricksAccountId
        ? new databricks.Provider("account-provider", { host: ACCOUNT_HOST, accountId: config.network.databricksAccountId })
        : undefined;

    // Serverless compute reaches the storage through NCC private endpoints, or the perimeter.
    const serverlessAccess = new ServerlessAccess("serverless-access", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        settings: config.network,
        names,
        storageAccount: { id: storage.accountId, name: storage.accountName },
        workspaceId: workspace.workspaceId,
        accountProvider,
        tags: config.tags,
    });

    new AuditLogging("audit", {
        location: config.location,
        resourceGroupName: storage.resourceGroupName,
        logAnalyticsName: names.logAnalytics,
        existingLogAnalyticsId: config.security.logAnalyticsWorkspaceId,
        retentionDays: config.security.logRetentionDays,
        workspaceResourceId: workspace.resourceId,
        storageAccountId: storage.accountId,
        tags: config.tags,
    });

    // The monthly budget that alerts: Azure's over both resource groups, Databricks' with the account.
    if (config.cost.budget.amount > 0) {
        new StackBudget("budget", {
            settings: config.cost.budget,
            resourceGroupId: storage.resourceGroupId,
            resourceGroupName: storage.resourceGroupName,
            managedResourceGroupName: names.managedResourceGroup,
            workspaceId: workspace.workspaceId,
            accountProvider,
            tags: config.tags,
        });
    }

    // Who ACLs may name: assigned to the workspace first (and, with an account id, checked in the account at preview).
    const directory = new PrincipalDirectory("principals", {
        principals: config.principals,
        aclRoles: workspaceAclRoles(config),
        provider: workspace.provider,
        accountProvider,
    });

    const identity = new PlatformIdentity("identity", {
        displayName: names.pipelineIdentity,
        storageAccountId: storage.accountId,
        secretScopeName: names.secretScope,
        rotation: config.secretRotation,
        provider: workspace.provider,
    });

    // The SQL warehouse first: the catalog runs the metadata table's DDL on it, the job and the app query it.
    // Compute that writes to the lake during `pulumi up` (the warehouse runs the metadata table's
    // DDL; endpoints load their models) waits until classic and serverless compute can reach it.
    const dataPaths = [privateAccess, serverlessAccess];
    const warehouse = new SqlWarehouse("warehouse", {
        name: config.pipelines.names.warehouse,
        settings: config.pipelines.warehouse,
        dataPaths,
        provider: workspace.provider,
    });

    // Unity Catalog: the single source of the catalog, schema, volume and model names every
    // component below takes (and waits for). Unity Catalog validates storage when it creates a
    // credential or location, so the ordering rides on the data: the connector id is released only
    // after its role has propagated, and each container URL only once the container exists (a
    // component's dependsOn would not order its children).
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
    );

    // Lakeflow pipeline, full-run job, cluster policy.
    const pipelines = new Pipelines("pipelines", {
        settings: config.pipelines,
        catalogName: catalog.catalogName,
        schemaNames: catalog.schemaNames,
        landingVolumePath: catalog.landingVolumePath,
        warehouseId: warehouse.warehouseId,
        pipelineApplicationId: identity.applicationId,
        principals: directory.aclPrincipals,
        provider: workspace.provider,
    });

    // Model serving: the endpoints depend on the registered models they serve.
    const serving = new ModelServing("serving", {
        endpoints: config.serving.endpoints,
        catalogName: catalog.catalogName,
        payloadSchemaName: catalog.payloadSchemaName,
        modelNames: catalog.modelNames,
        workspaceUrl: workspace.url,
        tags: config.tags,
        dataPaths,
        provider: workspace.provider,
        adopt: config.adopt.servingEndpoints,
    });

    // The data app: its source uploaded and deployed, the warehouse (CAN_USE), the A/B endpoint
    // (CAN_QUERY) and its own secret (READ) as resources. Its Unity Catalog privileges come only
    // from the grants below, where its service principal is the `app` role.
    const app = config.app.enabled
        ? new DataApp("app", {
              settings: config.app,
              principals: directory.aclPrincipals,
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
        principals: directory.aclPrincipals,
        provider: workspace.provider,
    });

    // Who may query the endpoints: the consumer roles, and the app on the endpoint it scores against.
    const queryPrincipals: Record<string, AclPrincipal> = { ...directory.aclPrincipals, pipeline: { kind: "servicePrincipal", name: identity.applicationId } };
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
    const grants = new CatalogGrants("grants", { matrix: config.grants, securables: catalog.securables, principals: grantPrincipals, provider: workspace.provider });

    // Hardening last: restricting workspace admins must come after the deployer has set the job's
    // and the pipeline's run-as principal, and the default namespace needs the catalog.
    new WorkspaceHardening("hardening", {
        production: config.production,
        defaultCatalog: catalog.catalogName,
        allowedIpRanges: config.network.workspaceAllowedIpRanges,
        provider: workspace.provider,
        after: [pipelines, grants, ...(app ? [app] : [])],
    });

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

/** Where the account-level Databricks APIs live (Azure). */
export const ACCOUNT_HOST = "https://accounts.azuredatabricks.net";

function requiredZone(net: LakehouseNetwork, key: DnsZoneKey): pulumi.Output<string> {
    const id = net.dnsZoneIds[key];
    if (id === undefined) throw new Error(`the network has no ${key} DNS zone`);
    return id;
}
