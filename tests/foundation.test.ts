/**
 * The foundation under Pulumi's mocks: storage, workspace and identity as the dev and prod stacks
 * would create them.
 */
import { expect } from "chai";
import { BUILTIN_ROLES } from "../components/rbac";
import { runProgram } from "../tools/harness";
import { planOf, rejectedConfig } from "./helpers";

const T = {
    account: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    blobService: "azure-native:storage:BlobServiceProperties",
    connector: "azure-native:databricks:AccessConnector",
    workspace: "azure-native:databricks:Workspace",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    password: "azuread:index/applicationPassword:ApplicationPassword",
    provider: "pulumi:providers:databricks",
};

describe("foundation: dev and prod plan cleanly", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack} registers storage, workspace and identity with no duplicate URN`, async () => {
            const { run } = await planOf(stack);
            const urns = run.resources.map((r) => r.urn);
            expect(new Set(urns).size).to.equal(urns.length);
            for (const type of [T.account, T.workspace, T.connector, T.password, T.provider]) {
                expect(run.resources.some((r) => r.type === type), type).to.equal(true);
            }
        });
    }
});

describe("foundation: storage security settings", () => {
    it("creates an ADLS Gen2 account locked down as the public rule sets require", async () => {
        const account = (await planOf("dev")).ofType(T.account)[0].inputs as any;
        expect(account.kind).to.equal("StorageV2");
        expect(account.isHnsEnabled).to.equal(true);
        expect(account.minimumTlsVersion).to.equal("TLS1_2");
        expect(account.enableHttpsTrafficOnly).to.equal(true);
        expect(account.allowBlobPublicAccess).to.equal(false);
        expect(account.allowSharedKeyAccess).to.equal(false);
        expect(account.isLocalUserEnabled).to.equal(false);
        expect(account.isSftpEnabled).to.equal(false);
        expect(account.networkRuleSet.defaultAction).to.equal("Deny");
        expect(account.networkRuleSet.bypass).to.equal("AzureServices");
        expect(account.accountName).to.match(/^[a-z0-9]{3,24}$/);
    });

    it("lets the access connector through the firewall and the configured IP ranges only", async () => {
        const s = await planOf("dev", 'network.storageAllowedIpRanges=["203.0.113.0/24"]');
        const rules = (s.ofType(T.account)[0].inputs as any).networkRuleSet;
        expect(rules.ipRules).to.deep.equal([{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }]);
        const connector = s.ofType(T.connector)[0];
        expect(rules.resourceAccessRules.map((r: any) => r.resourceId)).to.deep.equal([
            `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-lakehouse-dev/providers/Microsoft.Databricks/accessConnectors/${(connector.inputs as any).connectorName}`,
        ]);
    });

    it("keeps soft delete on, for the configured number of days, and never asks for versioning (refused on ADLS Gen2)", async () => {
        const dev = (await planOf("dev")).ofType(T.blobService)[0].inputs as any;
        expect(dev).to.not.have.property("isVersioningEnabled");
        expect(dev.deleteRetentionPolicy).to.deep.equal({ enabled: true, days: 7 });
        expect(dev.containerDeleteRetentionPolicy).to.deep.equal({ enabled: true, days: 7 });
        const prod = (await planOf("prod")).ofType(T.blobService)[0].inputs as any;
        expect(prod.deleteRetentionPolicy.days).to.equal(30);
    });

    it("creates one private container per medallion layer plus landing", async () => {
        const containers = (await planOf("dev", 'layers=["bronze","silver","gold","platinum"]')).ofType(T.container);
        expect(containers.map((c) => (c.inputs as any).containerName).sort()).to.deep.equal(["bronze", "gold", "landing", "platinum", "silver"]);
        for (const c of containers) expect((c.inputs as any).publicAccess).to.equal("None");
    });
});

describe("foundation: workspace", () => {
    it("sets computeMode, which Azure requires on create and never lets change, to Hybrid (classic and serverless)", async () => {
        for (const stack of ["dev", "prod"]) {
            const ws = (await planOf(stack)).ofType(T.workspace)[0].inputs as any;
            expect(ws.computeMode, stack).to.equal("Hybrid");
            expect(ws.managedResourceGroupId, `${stack}: Hybrid workspaces need their managed resource group`).to.match(/\/resourceGroups\/rg-lakehouse-/);
        }
    });

    it("is Premium, with secure cluster connectivity and public access from config", async () => {
        const ws = (await planOf("dev")).ofType(T.workspace)[0].inputs as any;
        expect(ws.sku).to.deep.equal({ name: "premium" });
        expect(ws.parameters.enableNoPublicIp).to.deep.equal({ value: true });
        expect(ws.publicNetworkAccess).to.equal("Enabled");
        expect(ws.managedResourceGroupId).to.equal("/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-lakehouse-dev-dbw-managed");
    });

    it("is injected into an existing VNet named in config, private when the posture says so", async () => {
        const vnet = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub";
        const s = await planOf(
            "dev",
            "network.posture=private",
            `network.virtualNetwork={"id":"${vnet}","hostSubnet":"dbx-host","containerSubnet":"dbx-container","privateEndpointSubnet":"endpoints"}`,
        );
        const ws = s.ofType(T.workspace)[0].inputs as any;
        expect(ws.publicNetworkAccess).to.equal("Disabled");
        expect(ws.requiredNsgRules).to.equal("NoAzureDatabricksRules");
        expect(ws.parameters).to.deep.include({
            customVirtualNetworkId: { value: vnet },
            customPublicSubnetName: { value: "dbx-host" },
            customPrivateSubnetName: { value: "dbx-container" },
        });
        // The network team's VNet: the program adds no VNet, subnet, NSG or NAT gateway to it.
        expect(s.run.resources.filter((r) => /:network:(VirtualNetwork|Subnet|NetworkSecurityGroup|NatGateway)$/.test(r.type))).to.deep.equal([]);
    });

    it("builds the Databricks provider from the workspace's URL and resource id", async () => {
        const s = await planOf("dev");
        const provider = s.ofType(T.provider)[0].inputs as any;
        const ws = s.ofType(T.workspace)[0];
        expect(provider.host).to.equal("https://adb-1234567890123456.7.azuredatabricks.net");
        expect(provider.azureWorkspaceResourceId).to.match(new RegExp(`/workspaces/${(ws.inputs as any).workspaceName}$`));
    });

    it("creates every Databricks resource through the workspace's provider", async () => {
        const s = await planOf("dev");
        const providerUrn = s.ofType(T.provider)[0].urn;
        const databricksResources = s.run.resources.filter((r) => r.type.startsWith("databricks:"));
        expect(databricksResources.length).to.be.above(3);
        for (const r of databricksResources) expect(r.provider, `${r.type} ${r.name}`).to.equal(providerUrn);
    });
});

describe("foundation: identity and RBAC", () => {
    it("grants Storage Blob Data Contributor on the storage account only, to the connector and the pipeline identity", async () => {
        const s = await planOf("dev");
        const accountId = `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-lakehouse-dev/providers/Microsoft.Storage/storageAccounts/${(s.ofType(T.account)[0].inputs as any).accountName}`;
        const assignments = s.ofType(T.roleAssignment);
        expect(assignments).to.have.length(2);
        for (const a of assignments) {
            const inputs = a.inputs as any;
            expect(inputs.scope).to.equal(accountId);
            expect(inputs.roleDefinitionId).to.equal(
                `/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLES.storageBlobDataContributor}`,
            );
            expect(inputs.roleAssignmentName).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            expect(inputs.principalType).to.equal("ServicePrincipal");
        }
        expect(new Set(assignments.map((a) => (a.inputs as any).principalId)).size).to.equal(2);
    });

    it("keeps the client secret a secret everywhere it flows", async () => {
        const s = await planOf("dev");
        const secret = s.named("databricks:index/secret:Secret", "client-secret-value");
        expect(secret.secretInputs).to.include("stringValue");
        expect(secret.inputs.stringValue).to.equal("[secret]");
        const printed = JSON.stringify(s.document);
        expect(printed).to.not.contain("mock-password");
        for (const value of Object.values(s.run.outputs)) expect(String(value)).to.not.contain("mock-password");
    });

    it("rotates the password on the configured schedule, with an end date inside the window plus grace", async () => {
        const password = (await planOf("prod")).ofType(T.password)[0].inputs as any;
        const lifetime = (Date.parse(password.endDate) - Date.parse(password.rotateWhenChanged.window)) / 86_400_000;
        expect(lifetime).to.equal(60 + 30);
    });

    it("gives READ on the secret scope to the pipeline principal only, and leaves initialManagePrincipal unset", async () => {
        const s = await planOf("dev");
        const acls = s.ofType("databricks:index/secretAcl:SecretAcl");
        const app = s.ofType("azuread:index/application:Application").find((a) => a.name === "application");
        expect(acls.map((a) => (a.inputs as any).permission)).to.deep.equal(["READ"]);
        expect((acls[0].inputs as any).principal).to.be.a("string").and.not.equal("users");
        expect(app).to.not.equal(undefined);
        for (const scope of s.ofType("databricks:index/secretScope:SecretScope")) expect(scope.inputs).to.not.have.property("initialManagePrincipal");
    });
});

describe("foundation: workspace configuration", () => {
    const common = {
        enableVerboseAuditLogs: "true",
        enableTokensConfig: "true",
        maxTokenLifetimeDays: "90",
        enableExportNotebook: "false",
        enableDbfsFileBrowser: "false",
        enableUploadDataUis: "false",
    };
    const confOf = async (stack: string) => {
        const confs = (await planOf(stack)).ofType("databricks:index/workspaceConf:WorkspaceConf");
        expect(confs.map((c) => c.urn)).to.deep.equal([`urn:pulumi:${stack}::lakehouse::lakehouse:security:WorkspaceHardening$databricks:index/workspaceConf:WorkspaceConf::workspace-conf`]);
        expect(confs[0].provider).to.contain("pulumi:providers:databricks::workspace-provider");
        return (confs[0].inputs as any).customConfig;
    };

    it("prod keeps results, notebooks and tables in the workspace, audits verbosely and lets tokens live 90 days at most", async () => {
        expect(await confOf("prod")).to.deep.equal({ ...common, enableResultsDownloading: "false", enableNotebookTableClipboard: "false" });
    });

    it("dev does the same but leaves result downloads and table copies at the workspace's default", async () => {
        expect(await confOf("dev")).to.deep.equal(common);
    });
});

describe("foundation: protection and determinism", () => {
    const dataBearing = [T.account, T.container, T.connector];

    it("protects every data-bearing resource in prod and none in dev", async () => {
        const prod = await planOf("prod");
        const dev = await planOf("dev");
        for (const type of dataBearing) {
            expect(prod.ofType(type).length, type).to.be.above(0);
            for (const r of prod.ofType(type)) expect(r.protect, `prod ${r.name}`).to.equal(true);
            for (const r of dev.ofType(type)) expect(r.protect, `dev ${r.name}`).to.equal(false);
        }
    });

    it("gives identical URNs and names on two runs", async () => {
        const a = await runProgram({ stack: "dev" });
        const b = await runProgram({ stack: "dev" });
        const summary = (r: typeof a) => r.resources.map((x) => [x.urn, (x.inputs as any).name ?? (x.inputs as any).accountName ?? ""]).sort();
        expect(summary(a)).to.deep.equal(summary(b));
    });

    it("renames nothing when only non-name config changes", async () => {
        const base = await planOf("dev");
        const changed = await planOf("dev", "computeSize=large", "storage.softDeleteDays=21");
        expect(changed.run.resources.map((r) => r.urn).sort()).to.deep.equal(base.run.resources.map((r) => r.urn).sort());
        expect((changed.ofType(T.account)[0].inputs as any).accountName).to.equal((base.ofType(T.account)[0].inputs as any).accountName);
    });

    it("registers nothing when the config is rejected", async () => {
        const err = await rejectedConfig("dev", "computeSize=huge");
        expect(err.keys).to.deep.equal(["lakehouse:computeSize"]);
    });
});

describe("foundation: what names the pipeline principal waits for it in the workspace", () => {
    it("makes grants, ACLs and run-as depend on the Databricks service principal, not only on the Entra app", async () => {
        const s = await planOf("dev");
        const workspacePrincipal = s.named("databricks:index/servicePrincipal:ServicePrincipal", "databricks-service-principal");
        const appId = s.run.outputs.pipelineApplicationId as string;
        const naming = s.run.resources.filter(
            (r) => r.type.startsWith("databricks:") && r.urn !== workspacePrincipal.urn && JSON.stringify(r.inputs).includes(appId),
        );
        expect(naming.map((r) => r.type)).to.include.members([
            "databricks:index/grants:Grants",
            "databricks:index/permissions:Permissions",
            "databricks:index/pipeline:Pipeline",
            "databricks:index/job:Job",
        ]);
        const byUrn = new Map(s.run.resources.map((r) => [r.urn, r]));
        const waitsFor = (urn: string, target: string, seen = new Set<string>()): boolean => {
            if (seen.has(urn)) return false;
            seen.add(urn);
            const deps = byUrn.get(urn)?.dependencies ?? [];
            return deps.includes(target) || deps.some((d) => waitsFor(d, target, seen));
        };
        for (const r of naming) expect(waitsFor(r.urn, workspacePrincipal.urn), `${r.type} ${r.name} waits for the workspace principal`).to.equal(true);
    });
});

describe("foundation: blob versioning, which Azure refuses on ADLS Gen2, is refused by the config first", () => {
    it("rejects storage.versioning with the reason, before any resource is registered", async () => {
        const err = await rejectedConfig("dev", "storage.versioning=true");
        expect(err.keys).to.deep.equal(["lakehouse:storage.versioning"]);
        expect(err.message).to.contain("Azure refuses blob versioning on hierarchical-namespace (ADLS Gen2) accounts");
    });
});

