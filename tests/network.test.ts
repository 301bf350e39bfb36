/**
 * The network concern and the audit and hardening around it, as each stack plans them: the VNet and
 * its subnets, private endpoints and DNS per posture, the two serverless paths, an existing VNet,
 * customer-managed keys, diagnostics, hardening, principal checks, and what a posture change does.
 */
import { expect } from "chai";
import { ProgramError, runProgram } from "../tools/harness";
import { planDiff } from "../tools/plan";
import { parseOverride } from "../tools/stack-config";
import { planOf, planTrained, rejectedConfig } from "./helpers";

const T = {
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    nat: "azure-native:network:NatGateway",
    pe: "azure-native:network:PrivateEndpoint",
    zone: "azure-native:privatedns:PrivateZone",
    link: "azure-native:privatedns:VirtualNetworkLink",
    account: "azure-native:storage:StorageAccount",
    workspace: "azure-native:databricks:Workspace",
    ncc: "databricks:index/mwsNetworkConnectivityConfig:MwsNetworkConnectivityConfig",
    binding: "databricks:index/mwsNccBinding:MwsNccBinding",
    rule: "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule",
    approval: "azure-native:storage:PrivateEndpointConnection",
    nsp: "azure-native:network:NetworkSecurityPerimeter",
    nspRule: "azure-native:network:NetworkSecurityPerimeterAccessRule",
    nspAssociation: "azure-native:network:NetworkSecurityPerimeterAssociation",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    logAnalytics: "azure-native:operationalinsights:Workspace",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    assignment: "databricks:index/permissionAssignment:PermissionAssignment",
};
const ACCOUNT = "network.databricksAccountId=11111111-2222-3333-4444-555555555555";
const inputs = (r: { inputs: Record<string, unknown> }) => r.inputs as any;
const groupsOf = (pe: { inputs: Record<string, unknown> }) => inputs(pe).privateLinkServiceConnections.flatMap((c: any) => c.groupIds);

describe("network: the spoke VNet", () => {
    it("creates host and container subnets delegated to Azure Databricks, with the NSG and the NAT gateway, and a private-endpoint subnet", async () => {
        const s = await planOf("dev");
        expect(inputs(s.ofType(T.vnet)[0]).addressSpace).to.deep.equal({ addressPrefixes: ["10.120.0.0/22"] });
        const subnets = Object.fromEntries(s.ofType(T.subnet).map((r) => [inputs(r).subnetName, inputs(r)]));
        expect(Object.keys(subnets).sort()).to.deep.equal(["container", "host", "private-endpoints"]);
        for (const name of ["host", "container"]) {
            expect(subnets[name].delegations, name).to.deep.equal([{ name: "databricks", serviceName: "Microsoft.Databricks/workspaces" }]);
            expect(subnets[name].natGateway.id, name).to.match(/natGateways\/nat-lakehouse-dev$/);
            expect(subnets[name].networkSecurityGroup.id, name).to.match(/networkSecurityGroups\/nsg-lakehouse-dev-workspace$/);
            expect(subnets[name].defaultOutboundAccess, name).to.equal(false);
        }
        expect(subnets.host.addressPrefix).to.equal("10.120.0.0/26");
        expect(subnets["private-endpoints"].networkSecurityGroup.id).to.match(/nsg-lakehouse-dev-endpoints$/);
    });

    it("sizes the workspace subnets for the cluster nodes", async () => {
        const s = await planOf("dev", "network.clusterNodes=100");
        const host = s.ofType(T.subnet).find((r) => inputs(r).subnetName === "host")!;
        expect(inputs(host).addressPrefix).to.equal("10.120.0.0/25");
    });

    it("leaves the NSG's rules to Azure Databricks and the VNet's subnets to their own resources", async () => {
        const s = await planOf("dev");
        expect(s.named(T.nsg, "workspace-nsg").ignoreChanges).to.deep.equal(["securityRules"]);
        expect(s.ofType(T.vnet)[0].ignoreChanges).to.deep.equal(["subnets"]);
    });

    it("injects the workspace into it, after the subnets have their NSG and NAT gateway", async () => {
        const s = await planOf("dev");
        const ws = s.ofType(T.workspace)[0];
        expect(inputs(ws).parameters.customVirtualNetworkId.value).to.match(/virtualNetworks\/vnet-lakehouse-dev$/);
        for (const subnet of s.ofType(T.subnet).filter((r) => inputs(r).subnetName !== "private-endpoints")) expect(ws.dependencies, subnet.name).to.include(subnet.urn);
    });
});

describe("network: postures", () => {
    it("dev (development): public front end, storage endpoints only, two DNS zones", async () => {
        const s = await planOf("dev");
        expect(inputs(s.ofType(T.workspace)[0])).to.include({ publicNetworkAccess: "Enabled", requiredNsgRules: "AllRules" });
        expect(s.ofType(T.pe).map(groupsOf).flat().sort()).to.deep.equal(["blob", "dfs"]);
        expect(s.ofType(T.zone).map((z) => inputs(z).privateZoneName).sort()).to.deep.equal(["privatelink.blob.core.windows.net", "privatelink.dfs.core.windows.net"]);
        expect(s.ofType(T.link)).to.have.length(2);
    });

    it("prod (private): no public front end, UI/API and browser-login endpoints (one after the other), three zones", async () => {
        const s = await planOf("prod");
        expect(inputs(s.ofType(T.workspace)[0])).to.include({ publicNetworkAccess: "Disabled", requiredNsgRules: "NoAzureDatabricksRules" });
        expect(s.ofType(T.pe).map(groupsOf).flat().sort()).to.deep.equal(["blob", "browser_authentication", "databricks_ui_api", "dfs"]);
        const auth = s.named(T.pe, "workspace-browser-authentication");
        expect(auth.dependencies).to.include(s.named(T.pe, "workspace-ui-api").urn);
        expect(s.ofType(T.zone).map((z) => inputs(z).privateZoneName)).to.include("privatelink.azuredatabricks.net");
    });

    it("uses the region's existing browser-authentication endpoint when told", async () => {
        const s = await planOf("prod", "network.browserAuthentication=existing");
        expect(s.ofType(T.pe).map(groupsOf).flat()).to.not.include("browser_authentication");
    });

    it("refuses what a posture has no use for, naming the key", async () => {
        expect((await rejectedConfig("prod", 'network.workspaceAllowedIpRanges=["203.0.113.0/24"]')).keys).to.deep.equal(["lakehouse:network.workspaceAllowedIpRanges"]);
        expect((await rejectedConfig("dev", 'network.storageAllowedIpRanges=["10.0.0.0/8"]')).message).to.contain("private (RFC 1918)");
    });
});

describe("network: serverless compute reaches the storage", () => {
    it("without an account id, through a perimeter that admits the region's serverless compute, the account SecuredByPerimeter", async () => {
        const s = await planOf("dev");
        expect(inputs(s.ofType(T.account)[0]).publicNetworkAccess).to.equal("SecuredByPerimeter");
        expect(inputs(s.ofType(T.nspRule)[0])).to.deep.include({ direction: "Inbound", serviceTags: ["AzureDatabricksServerless.WestEurope"] });
        const association = s.ofType(T.nspAssociation)[0];
        expect(inputs(association).accessMode).to.equal("Learning");
        expect(association.dependencies).to.include(s.ofType(T.account)[0].urn);
        expect(s.ofType(T.ncc)).to.deep.equal([]);
    });

    it("with an account id, through an NCC bound to the workspace, with dfs and blob rules approved on the account, and no public endpoint", async () => {
        const s = await planOf("prod", ACCOUNT);
        expect(inputs(s.ofType(T.account)[0]).publicNetworkAccess).to.equal("Disabled");
        const ncc = s.ofType(T.ncc)[0];
        expect(inputs(ncc)).to.deep.equal({ name: "ncc-lakehouse-prod", region: "westeurope" });
        expect(ncc.provider).to.match(/pulumi:providers:databricks::account-provider$/);
        expect(inputs(s.ofType(T.binding)[0]).workspaceId).to.equal("1234567890123456");
        expect(s.ofType(T.rule).map((r) => inputs(r).groupId).sort()).to.deep.equal(["blob", "dfs"]);
        const approvals = s.ofType(T.approval);
        expect(approvals.map((a) => inputs(a).privateEndpointConnectionName).sort()).to.deep.equal(["databricks-mock-blob-pe.connection", "databricks-mock-dfs-pe.connection"]);
        for (const a of approvals) {
            expect(inputs(a).privateLinkServiceConnectionState.status).to.equal("Approved");
            expect(a.ignoreChanges).to.deep.equal(["privateLinkServiceConnectionState"]);
        }
        expect(s.ofType(T.nsp)).to.deep.equal([]);
    });

    it("prints who reaches what: every compute of both stacks reaches the storage, nothing from the internet", async () => {
        for (const stack of ["dev", "prod"]) {
            const { reaches, exposure } = (await planTrained(stack)).document.reachability;
            expect(reaches.length, stack).to.be.at.least(5);
            for (const r of reaches) expect(r.path, `${stack}: ${r.compute}`).to.be.a("string");
            expect(reaches.filter((r) => r.serverless).every((r) => r.path === "perimeter"), stack).to.equal(true);
            expect(reaches.filter((r) => !r.serverless).every((r) => r.path === "private endpoint"), stack).to.equal(true);
            expect(exposure.map((e) => e.internet), stack).to.deep.equal(["perimeter"]);
        }
    });
});

describe("network: the network team's VNet and zones (hub and spoke)", () => {
    const VNET = "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/spoke";
    const ZONE = "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/privatelink.dfs.core.windows.net";
    const existing = [`network.virtualNetwork={"id":"${VNET}","hostSubnet":"dbx-host","containerSubnet":"dbx-container","privateEndpointSubnet":"endpoints"}`, `network.privateDnsZones.dfs=${ZONE}`];

    it("creates no VNet, subnet, NSG or NAT gateway, puts the endpoints in the named subnet and reuses the named zone", async () => {
        const s = await planOf("dev", ...existing);
        for (const type of [T.vnet, T.subnet, T.nsg, T.nat]) expect(s.ofType(type), type).to.deep.equal([]);
        for (const pe of s.ofType(T.pe)) expect(inputs(pe).subnet.id).to.equal(`${VNET}/subnets/endpoints`);
        expect(s.ofType(T.zone).map((z) => inputs(z).privateZoneName)).to.deep.equal(["privatelink.blob.core.windows.net"]);
        const dfsGroup = s.named("azure-native:network:PrivateDnsZoneGroup", "storage-dfs-dns");
        expect(inputs(dfsGroup).privateDnsZoneConfigs[0].privateDnsZoneId).to.equal(ZONE);
    });

    it("refuses a zone id of the wrong zone", async () => {
        const err = await rejectedConfig("dev", `network.privateDnsZones.dfs=${ZONE.replace("dfs", "blob")}`);
        expect(err.message).to.contain("privatelink.dfs.core.windows.net");
    });
});

describe("network: changing where the workspace lives replaces it, and production refuses that", () => {
    it("moving prod's workspace into another VNet is a protected replacement: refused, as pulumi up would refuse it", async () => {
        const doc = await planDiff(
            "prod",
            [],
            [parseOverride('network.virtualNetwork={"id":"/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/spoke","hostSubnet":"dbx-host","containerSubnet":"dbx-container","privateEndpointSubnet":"endpoints"}')],
            { askProviders: false },
        );
        const ws = doc.diff.changed.find((c) => c.type === T.workspace)!;
        expect(ws.action).to.equal("replace");
        expect(ws.effects.map((e) => e.path)).to.include("parameters.customVirtualNetworkId.value");
        expect(ws.refused).to.contain("protected");
        expect(doc.diff.summary.rejected).to.be.at.least(1);
    });

    it("switching a posture keeps the workspace (its VNet stays): front end and NSG rules change in place", async () => {
        const doc = await planDiff("dev", [], [parseOverride("network.posture=private")], { askProviders: false });
        const ws = doc.diff.changed.find((c) => c.type === T.workspace)!;
        expect(ws.action).to.equal("update");
        expect(ws.fields.map((f) => f.path).sort()).to.deep.equal(["publicNetworkAccess", "requiredNsgRules"]);
        expect(doc.diff.created.map((c) => c.name)).to.include.members(["workspace-ui-api", "workspace-browser-authentication", "dns-zone-databricks"]);
    });

    it("a new address space is refused on every subnet in use, as Azure would refuse it, not shown as a quiet update", async () => {
        const doc = await planDiff("dev", [], [parseOverride("network.addressSpace=10.50.0.0/20")], { askProviders: false });
        const subnets = doc.diff.changed.filter((c) => c.type === "azure-native:network:Subnet");
        expect(subnets.map((c) => c.name).sort()).to.deep.equal(["container-subnet", "host-subnet", "private-endpoint-subnet"]);
        for (const c of subnets) expect(c.effects.map((e) => `${e.effect} ${e.path}`), c.name).to.deep.equal(["rejected addressPrefix"]);
        expect(doc.diff.summary.rejected).to.equal(3);
    });
});

describe("network: compute that writes during pulumi up waits for its way to the lake", () => {
    for (const stack of ["dev", "prod"]) {
        it(`creates the warehouse (which runs the metadata table's DDL) and the serving endpoints after the storage's private endpoints and serverless access (${stack})`, async () => {
            const s = await planTrained(stack);
            const paths = s.run.resources
                .filter((r) => /lakehouse:network:(PrivateAccess|ServerlessAccess)\$/.test(r.urn) && (r.type.includes("PrivateEndpoint") || r.type.includes("Perimeter") || r.type.includes("Ncc")))
                .map((r) => r.urn);
            expect(paths.some((u) => u.includes("ServerlessAccess")), "serverless access is planned").to.equal(true);
            expect(paths.some((u) => u.endsWith("::storage-dfs")), "the dfs private endpoint is planned").to.equal(true);
            const waiting = [...s.ofType("databricks:index/sqlEndpoint:SqlEndpoint"), ...s.ofType("databricks:index/modelServing:ModelServing")];
            expect(waiting.length).to.equal(3);
            for (const r of waiting) expect(r.dependencies, r.name).to.include.members(paths);
            // The DDL runs on that warehouse, so the metadata table waits too.
            expect(s.ofType("databricks:index/sqlTable:SqlTable")[0].dependencies).to.include(s.ofType("databricks:index/sqlEndpoint:SqlEndpoint")[0].urn);
        });
    }
});

describe("security: audit logs, hardening, keys", () => {
    it("sends the workspace's audit categories and the blob service's reads, writes and deletes to a Log Analytics workspace it creates", async () => {
        const s = await planOf("prod");
        const [law] = s.ofType(T.logAnalytics);
        expect(inputs(law)).to.deep.include({ retentionInDays: 90, sku: { name: "PerGB2018" } });
        const settings = Object.fromEntries(s.ofType(T.diagnostics).map((d) => [d.name, inputs(d)]));
        expect(settings["workspace-diagnostics"].logs.map((l: any) => l.category)).to.include.members(["accounts", "unityCatalog", "jobs", "secrets"]);
        expect(settings["storage-blob-diagnostics"].resourceUri).to.match(/storageAccounts\/lakehouseproda1b2c3\/blobServices\/default$/);
        expect(settings["storage-blob-diagnostics"].logs.map((l: any) => l.category)).to.deep.equal(["StorageRead", "StorageWrite", "StorageDelete"]);
        // Distinct names: scanners (and the portal) tell diagnostic settings apart by name.
        expect([settings["workspace-diagnostics"].name, settings["storage-blob-diagnostics"].name]).to.deep.equal(["lakehouse-audit-workspace", "lakehouse-audit-blob"]);
    });

    it("uses an existing Log Analytics workspace when named, and creates none", async () => {
        const id = "/subscriptions/s/resourceGroups/sec/providers/Microsoft.OperationalInsights/workspaces/central";
        const s = await planOf("dev", `security.logAnalyticsWorkspaceId=${id}`);
        expect(s.ofType(T.logAnalytics)).to.deep.equal([]);
        for (const d of s.ofType(T.diagnostics)) expect(inputs(d).workspaceId).to.equal(id);
    });

    it("turns on system tables and the workspace settings, after the pipelines and grants", async () => {
        const s = await planTrained("dev");
        expect(s.ofType("databricks:index/systemSchema:SystemSchema").map((r) => inputs(r).schema).sort()).to.deep.equal(["access", "billing", "compute", "lakeflow", "query", "serving"]);
        expect(inputs(s.ofType("databricks:index/restrictWorkspaceAdminsSetting:RestrictWorkspaceAdminsSetting")[0]).restrictWorkspaceAdmins.status).to.equal("RESTRICT_TOKENS_AND_JOB_RUN_AS");
        expect(inputs(s.ofType("databricks:index/defaultNamespaceSetting:DefaultNamespaceSetting")[0]).namespace.value).to.equal("lakehouse_dev");
        // The DBFS root is off for use in every stack (the reason its missing customer key is accepted in policies/scanner/checkov-skips.yaml).
        for (const stack of [s, await planOf("prod")]) {
            expect(inputs(stack.ofType("databricks:index/disableLegacyDbfsSetting:DisableLegacyDbfsSetting")[0]).disableLegacyDbfs).to.deep.equal({ value: true });
        }
        // The settings wait for everything of the pipelines and the grants (the component's dependsOn).
        const restrict = s.ofType("databricks:index/restrictWorkspaceAdminsSetting:RestrictWorkspaceAdminsSetting")[0];
        expect(restrict.dependencies).to.include.members([s.named("databricks:index/job:Job", "full-run").urn, s.ofType("databricks:index/grants:Grants")[0].urn]);
    });

    it("turns on security monitoring and automatic cluster updates in production only; the compliance profile on request", async () => {
        const esc = async (stack: string, ...sets: string[]) => inputs((await planOf(stack, ...sets)).ofType(T.workspace)[0]).enhancedSecurityCompliance;
        expect(await esc("prod")).to.deep.equal({ enhancedSecurityMonitoring: { value: "Enabled" }, automaticClusterUpdate: { value: "Enabled" }, complianceSecurityProfile: { value: "Disabled" } });
        expect((await esc("dev")).enhancedSecurityMonitoring).to.deep.equal({ value: "Disabled" });
        const csp = await esc("prod", "security.complianceSecurityProfile.enabled=true", 'security.complianceSecurityProfile.standards=["HIPAA"]');
        expect(csp.complianceSecurityProfile).to.deep.equal({ value: "Enabled", complianceStandards: ["HIPAA"] });
        expect((await rejectedConfig("dev", "security.complianceSecurityProfile.enabled=true")).keys).to.include("lakehouse:security.enhancedSecurityMonitoring");
    });

    it("with customer-managed keys: a protected, purge-protected vault reached privately, an HSM key, and the workspace's managed services encrypted with it", async () => {
        const s = await planOf("prod", "security.customerManagedKeys=true");
        const vault = s.ofType(T.vault)[0];
        expect(vault.protect).to.equal(true);
        expect(inputs(vault).properties).to.deep.include({ enablePurgeProtection: true, enableRbacAuthorization: true, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } });
        expect(inputs(s.ofType(T.key)[0]).properties.kty).to.equal("RSA-HSM");
        expect(s.ofType(T.pe).map(groupsOf).flat()).to.include("vault");
        const managed = inputs(s.ofType(T.workspace)[0]).encryption.entities.managedServices;
        expect(managed).to.deep.equal({ keySource: "Microsoft.Keyvault", keyVaultProperties: { keyVaultUri: `https://${inputs(vault).vaultName}.vault.azure.net/`, keyName: "databricks-managed-services", keyVersion: "0123456789abcdef0123456789abcdef" } });
        const databricksRole = s.named("azure-native:authorization:RoleAssignment", "databricks-crypto-user");
        expect(inputs(databricksRole).principalId).to.equal("sp-object-of-2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
    });
});

describe("principals: named the way Unity Catalog and workspace ACLs can use them", () => {
    it("assigns the roles that workspace ACLs name to the workspace first, and the ACLs wait for it", async () => {
        const s = await planTrained("dev", "principals.operators.group=data-ops", 'pipelines.permissions.view=["operators"]');
        const assignment = s.named(T.assignment, "workspace-operators");
        expect(inputs(assignment)).to.deep.equal({ groupName: "data-ops", permissions: ["USER"] });
        expect(assignment.replacement?.deleteBeforeReplace).to.equal(true);
        const acl = s.named("databricks:index/permissions:Permissions", "pipeline-permissions");
        expect(acl.dependencies).to.include(assignment.urn);
    });

    it("with an account id, fails the preview for a group the account does not have, naming the role and what to do", async () => {
        let caught: unknown;
        try {
            await runProgram({ stack: "dev", overrides: [parseOverride(ACCOUNT)], account: { groups: [], users: [], servicePrincipals: [] } });
        } catch (err) {
            caught = err;
        }
        expect(caught).to.be.instanceOf(ProgramError);
        expect((caught as Error).message).to.contain("lakehouse:principals.analysts: group data-analysts is not in the Databricks account").and.contain("workspace-local");
    });

    it("passes when the account has every declared principal", async () => {
        const run = await runProgram({ stack: "dev", overrides: [parseOverride(ACCOUNT)], account: { groups: ["data-analysts"], users: [], servicePrincipals: [] } });
        expect(run.resources.length).to.be.above(50);
    });
});
