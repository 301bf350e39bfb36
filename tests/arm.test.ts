/**
 * The ARM export (tools/arm.ts) on a small synthetic plan. The expected values are written by hand
 * from the ARM template reference (learn.microsoft.com/azure/templates/<namespace>/<type>), not
 * copied from the exporter's output: types, API versions (those the installed azure-native 3.28
 * says it uses; a new SDK version must be looked at again), and where each property goes.
 * Checkov itself runs over the real dev and prod exports in `npm run scan`, not here.
 */
import { expect } from "chai";
import { ArmResource, ArmSourceResource, armTemplate, parseResourceId, renderArm, sdkApiVersion } from "../tools/arm";

const SUB = "11111111-2222-4333-8444-555555555555";
const TENANT = "99999999-8888-4777-8666-555555555555";
const RG = "rg-lake";
const rgId = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const urn = (type: string, name: string) => `urn:pulumi:t::lakehouse::${type}::${name}`;

function res(type: string, name: string, inputs: Record<string, unknown>, dependencies: string[] = []): ArmSourceResource {
    return { urn: urn(type, name), type, name, parent: "", provider: "", inputs, dependencies, protect: false };
}

const T = {
    rg: "azure-native:resources:ResourceGroup",
    account: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    container: "azure-native:storage:BlobContainer",
    law: "azure-native:operationalinsights:Workspace",
    role: "azure-native:authorization:RoleAssignment",
    diag: "azure-native:monitor:DiagnosticSetting",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    workspace: "azure-native:databricks:Workspace",
    key: "azure-native:keyvault:Key",
};

const PLAN: ArmSourceResource[] = [
    res("pulumi:pulumi:Stack", "lakehouse-t", {}),
    res(T.rg, "rg", { resourceGroupName: RG, location: "westeurope", tags: { stack: "t" } }),
    res(
        T.account,
        "account",
        {
            accountName: "lakeacct",
            resourceGroupName: RG,
            location: "westeurope",
            kind: "StorageV2",
            sku: { name: "Standard_GRS" },
            identity: { type: "SystemAssigned" },
            tags: { stack: "t" },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            isHnsEnabled: true,
            publicNetworkAccess: "Disabled",
            networkRuleSet: {
                defaultAction: "Deny",
                bypass: "AzureServices",
                ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }],
                virtualNetworkRules: [{ virtualNetworkResourceId: `${rgId}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/private`, action: "Allow" }],
                resourceAccessRules: [{ tenantId: TENANT, resourceId: `${rgId}/providers/Microsoft.Databricks/accessConnectors/conn` }],
            },
            encryption: {
                keySource: "Microsoft.Keyvault",
                requireInfrastructureEncryption: true,
                keyVaultProperties: { keyName: "lake-key", keyVaultUri: "https://kv-lake.vault.azure.net/" },
                encryptionIdentity: { encryptionUserAssignedIdentity: "[unknown]" },
            },
        },
        [urn(T.rg, "rg")],
    ),
    res("random:index/randomString:RandomString", "suffix", { length: 6 }),
    res(T.blobService, "blob-service", { accountName: "lakeacct", blobServicesName: "default", resourceGroupName: RG, deleteRetentionPolicy: { enabled: true, days: 7 } }, [urn(T.account, "account")]),
    res(T.container, "container-gold", { accountName: "lakeacct", containerName: "gold", resourceGroupName: RG, publicAccess: "None" }, [urn(T.account, "account")]),
    res(T.law, "logs", { workspaceName: "log-lake", resourceGroupName: RG, location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 90 }),
    res(
        T.role,
        "blob-contributor",
        {
            roleAssignmentName: "0b6f3a47-5c55-5b4a-9a43-3f4d2a1c9e10",
            scope: `${rgId}/providers/Microsoft.Storage/storageAccounts/lakeacct`,
            roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
            principalId: "[unknown]",
            principalType: "ServicePrincipal",
        },
        [urn(T.account, "account")],
    ),
    res(
        T.diag,
        "blob-logs",
        {
            name: "to-log-analytics",
            resourceUri: `${rgId}/providers/Microsoft.Storage/storageAccounts/lakeacct/blobServices/default`,
            workspaceId: `${rgId}/providers/Microsoft.OperationalInsights/workspaces/log-lake`,
            logs: [{ categoryGroup: "audit", enabled: true }],
        },
        [urn(T.blobService, "blob-service"), urn(T.law, "logs")],
    ),
    res(T.nsg, "nsg", {
        networkSecurityGroupName: "nsg-lake",
        resourceGroupName: RG,
        location: "westeurope",
        securityRules: [{ name: "deny-ssh", protocol: "Tcp", access: "Deny", direction: "Inbound", priority: 100, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" }],
    }),
    res(T.vnet, "vnet", { virtualNetworkName: "vnet", resourceGroupName: RG, location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }),
    res(
        T.subnet,
        "subnet-host",
        {
            subnetName: "host",
            virtualNetworkName: "vnet",
            resourceGroupName: RG,
            addressPrefix: "10.0.1.0/26",
            networkSecurityGroup: { id: `${rgId}/providers/Microsoft.Network/networkSecurityGroups/nsg-lake` },
            delegations: [{ name: "databricks", serviceName: "Microsoft.Databricks/workspaces" }],
        },
        [urn(T.vnet, "vnet"), urn(T.nsg, "nsg")],
    ),
    res(T.workspace, "workspace", {
        workspaceName: "dbw-lake",
        resourceGroupName: RG,
        location: "westeurope",
        sku: { name: "premium" },
        managedResourceGroupId: `/subscriptions/${SUB}/resourceGroups/rg-lake-managed`,
        publicNetworkAccess: "Disabled",
        requiredNsgRules: "NoAzureDatabricksRules",
        parameters: {
            enableNoPublicIp: { value: true },
            prepareEncryption: { value: true },
            encryption: { value: { keySource: "Microsoft.Keyvault", keyName: "dbfs", keyVaultUri: "https://kv-lake.vault.azure.net/", keyVersion: "abc" } },
        },
    }),
    res(T.key, "key", { vaultName: "kv-lake", keyName: "dbfs", resourceGroupName: RG, properties: { kty: "RSA", keySize: 2048, attributes: { enabled: true, expires: 1893456000 } } }),
    res("databricks:index/catalog:Catalog", "catalog", { name: "lake" }),
];

const template = armTemplate(PLAN, { tenantId: TENANT });
const byName = (name: string): ArmResource => {
    const found = template.resources.find((r) => r.name === name);
    expect(found, `resource ${name} in the template`).to.not.equal(undefined);
    return found as ArmResource;
};

describe("ARM export: a loadable deployment template of the plan's Azure resources", () => {
    it("is a deployment template: schema, content version, one resource per Azure resource, the resource group as its scope", () => {
        expect(template.$schema).to.equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        expect(template.contentVersion).to.equal("1.0.0.0");
        expect(template.resources.map((r) => r.type)).to.deep.equal([
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/blobServices",
            "Microsoft.Storage/storageAccounts/blobServices/containers",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.Insights/diagnosticSettings",
            "Microsoft.Network/networkSecurityGroups",
            "Microsoft.Network/virtualNetworks",
            "Microsoft.Network/virtualNetworks/subnets",
            "Microsoft.Databricks/workspaces",
            "Microsoft.KeyVault/vaults/keys",
        ]);
        expect(template.metadata.deploymentScope?.resourceGroup).to.equal(RG);
        expect(template.resources.map((r) => r.type)).to.not.include("Microsoft.Resources/resourceGroups");
    });

    it("uses the REST API version the installed SDK uses for each type", () => {
        const expected: Record<string, string> = {
            "Microsoft.Storage/storageAccounts": "2024-01-01",
            "Microsoft.Storage/storageAccounts/blobServices": "2024-01-01",
            "Microsoft.Storage/storageAccounts/blobServices/containers": "2024-01-01",
            "Microsoft.OperationalInsights/workspaces": "2023-09-01",
            "Microsoft.Authorization/roleAssignments": "2022-04-01",
            "Microsoft.Insights/diagnosticSettings": "2021-05-01-preview",
            "Microsoft.Network/networkSecurityGroups": "2024-05-01",
            "Microsoft.Network/virtualNetworks": "2024-05-01",
            "Microsoft.Network/virtualNetworks/subnets": "2024-05-01",
            "Microsoft.Databricks/workspaces": "2026-01-01",
            "Microsoft.KeyVault/vaults/keys": "2024-11-01",
        };
        for (const r of template.resources) expect(r.apiVersion, r.type).to.equal(expected[r.type]);
        expect(sdkApiVersion("azure-native:storage:StorageAccount")).to.equal("2024-01-01");
    });

    it("places a storage account's fields as ARM expects: top-level sku/kind/identity, ARM names under properties", () => {
        const account = byName("lakeacct");
        expect(account.location).to.equal("westeurope");
        expect(account.kind).to.equal("StorageV2");
        expect(account.sku).to.deep.equal({ name: "Standard_GRS" });
        expect(account.identity).to.deep.equal({ type: "SystemAssigned" });
        expect(account.tags).to.deep.equal({ stack: "t" });
        const p = account.properties as Record<string, any>;
        expect(p.supportsHttpsTrafficOnly).to.equal(true);
        expect(p).to.not.have.property("enableHttpsTrafficOnly");
        expect(p.minimumTlsVersion).to.equal("TLS1_2");
        expect(p.isHnsEnabled).to.equal(true);
        expect(p.publicNetworkAccess).to.equal("Disabled");
        expect(p).to.not.have.property("networkRuleSet");
        expect(p).to.not.have.any.keys("accountName", "resourceGroupName", "location", "sku", "kind");
        expect(p.networkAcls).to.deep.equal({
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.0/24", action: "Allow" }],
            virtualNetworkRules: [{ id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'private')]", action: "Allow" }],
            resourceAccessRules: [{ tenantId: "[subscription().tenantId]", resourceId: "[resourceId('Microsoft.Databricks/accessConnectors', 'conn')]" }],
        });
        expect(p.encryption.keySource).to.equal("Microsoft.Keyvault");
        expect(p.encryption.keyvaultproperties).to.deep.equal({ keyname: "lake-key", keyvaulturi: "https://kv-lake.vault.azure.net/" });
        expect(p.encryption.identity).to.have.property("userAssignedIdentity");
    });

    it("names child resources after their parents and makes them depend on the parent declared in the template", () => {
        const service = byName("lakeacct/default");
        expect(service.properties).to.deep.equal({ deleteRetentionPolicy: { enabled: true, days: 7 } });
        const container = byName("lakeacct/default/gold");
        expect(container.type).to.equal("Microsoft.Storage/storageAccounts/blobServices/containers");
        expect(container.properties).to.deep.equal({ publicAccess: "None" });
        expect(container.dependsOn).to.include("[resourceId('Microsoft.Storage/storageAccounts/blobServices', 'lakeacct', 'default')]");
        expect(container.dependsOn).to.include("[resourceId('Microsoft.Storage/storageAccounts', 'lakeacct')]");
    });

    it("puts a Log Analytics workspace's sku under properties", () => {
        const law = byName("log-lake");
        expect(law).to.not.have.property("sku");
        expect(law.properties).to.deep.equal({ sku: { name: "PerGB2018" }, retentionInDays: 90 });
    });

    it("gives a role assignment its scope, a GUID name, and turns an unknown principal into a parameter", () => {
        const role = byName("0b6f3a47-5c55-5b4a-9a43-3f4d2a1c9e10");
        expect(role.type).to.equal("Microsoft.Authorization/roleAssignments");
        expect(role.scope).to.equal("Microsoft.Storage/storageAccounts/lakeacct");
        const p = role.properties as Record<string, string>;
        expect(p.roleDefinitionId).to.equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')]");
        expect(p.principalType).to.equal("ServicePrincipal");
        expect(p.principalId).to.match(/^\[parameters\('unknown_blob_contributor_principalId'\)\]$/);
        expect(template.parameters.unknown_blob_contributor_principalId.type).to.equal("string");
        expect(p).to.not.have.any.keys("scope", "roleAssignmentName");
    });

    it("makes a diagnostic setting an extension resource of the blob service, logging to the workspace", () => {
        const diag = byName("to-log-analytics");
        expect(diag.type).to.equal("Microsoft.Insights/diagnosticSettings");
        expect(diag.scope).to.equal("Microsoft.Storage/storageAccounts/lakeacct/blobServices/default");
        expect(diag.properties).to.deep.equal({
            workspaceId: "[resourceId('Microsoft.OperationalInsights/workspaces', 'log-lake')]",
            logs: [{ categoryGroup: "audit", enabled: true }],
        });
        expect(diag.dependsOn).to.have.members([
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices', 'lakeacct', 'default')]",
            "[resourceId('Microsoft.OperationalInsights/workspaces', 'log-lake')]",
        ]);
    });

    it("restores the properties level of sub-resources: a subnet's delegation, an NSG's rules", () => {
        const subnet = byName("vnet/host");
        expect(subnet.type).to.equal("Microsoft.Network/virtualNetworks/subnets");
        expect(subnet.properties).to.deep.equal({
            addressPrefix: "10.0.1.0/26",
            networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-lake')]" },
            delegations: [{ name: "databricks", properties: { serviceName: "Microsoft.Databricks/workspaces" } }],
        });
        expect(subnet.dependsOn).to.have.members([
            "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]",
            "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-lake')]",
        ]);
        const nsg = byName("nsg-lake");
        expect((nsg.properties as any).securityRules).to.deep.equal([
            {
                name: "deny-ssh",
                properties: { protocol: "Tcp", access: "Deny", direction: "Inbound", priority: 100, sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" },
            },
        ]);
    });

    it("spells the Databricks DBFS key and Key Vault key attributes as ARM does", () => {
        const ws = byName("dbw-lake");
        expect(ws.sku).to.deep.equal({ name: "premium" });
        const p = ws.properties as Record<string, any>;
        expect(p.managedResourceGroupId).to.equal("[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-lake-managed')]");
        expect(p.parameters.encryption.value).to.deep.equal({ keySource: "Microsoft.Keyvault", KeyName: "dbfs", keyvaulturi: "https://kv-lake.vault.azure.net/", keyversion: "abc" });
        expect(p.parameters.prepareEncryption).to.deep.equal({ value: true });
        const key = byName("kv-lake/dbfs");
        expect(key.properties).to.deep.equal({ kty: "RSA", keySize: 2048, attributes: { enabled: true, exp: 1893456000 } });
    });

    it("lists what it leaves out (not Azure resources) and keeps secrets out", () => {
        const types = template.metadata.notExported.map((n) => n.type);
        expect(types).to.include.members(["pulumi:pulumi:Stack", "random:index/randomString:RandomString", "databricks:index/catalog:Catalog"]);
        const withSecret = armTemplate([...PLAN, res(T.law, "logs-2", { workspaceName: "log-2", resourceGroupName: RG, location: "westeurope", features: { clusterResourceId: "[secret]" } })]);
        const text = JSON.stringify(withSecret);
        expect(text).to.not.contain("[secret]");
        expect(withSecret.parameters.secret_logs_2_features_clusterResourceId).to.deep.include({ type: "securestring" });
    });

    it("fails loudly, naming the type, on an azure-native type it does not know", () => {
        expect(() => armTemplate([...PLAN, res("azure-native:cdn:Profile", "cdn", { profileName: "p", resourceGroupName: RG })])).to.throw(/azure-native:cdn:Profile/);
    });

    it("refuses resources in another resource group rather than misplace them", () => {
        expect(() => armTemplate([...PLAN, res(T.law, "elsewhere", { workspaceName: "w", resourceGroupName: "rg-other", location: "westeurope" })])).to.throw(/rg-other/);
    });

    it("parses resource ids and renders JSON text", () => {
        expect(parseResourceId(`${rgId}/providers/Microsoft.Storage/storageAccounts/a/blobServices/default`)).to.deep.equal({
            subscription: SUB,
            resourceGroup: RG,
            type: "Microsoft.Storage/storageAccounts/blobServices",
            names: ["a", "default"],
        });
        expect(parseResourceId("not an id")).to.equal(undefined);
        expect(JSON.parse(renderArm(PLAN, { tenantId: TENANT }))).to.deep.equal(JSON.parse(JSON.stringify(template)));
    });
});
