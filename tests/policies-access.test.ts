/**
 * The access model behind the grant policies: which privileges reach which objects, how
 * principals are recognised (by value, by role marker, by dependency while still unknown), and
 * what each principal of the dev stack effectively holds.
 */
import { expect } from "chai";
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { EffectivePrivilege, effectivePrivileges, grantEntries, permissionEntries, reachesChild } from "../policies/rules/access-model";
import { durationMs } from "../policies/rules/entra";
import { policyRules } from "../policies/rules/databricks-compute";
import { allowanceOf, ucLeastPrivilegeAllowance, ucNoRiskyPrivileges, ucWritesOnlyByWriters } from "../policies/rules/grants";
import { PrincipalDirectory, describeSubject, matchesAny, roleOfDisplayName, selectorRoles } from "../policies/rules/principals";
import { allPolicies } from "../policies/rules";
import { ResourceUnderPolicy, runPolicies, stackPolicyConfig } from "../policies/runner";
import { planTrained } from "./helpers";
import { ACCOUNT_ID, ANALYSTS, PIPELINE_APP_ID, SECURE_ACCOUNT, SECURE_WORKSPACE, T, UNKNOWN, grants, kmflowGrants, pipelineSp, res, roleDefinition, violationsOf } from "./policy-fixtures";

/** PolicyResources as the runner builds them (parent and dependencies resolved). */
function asPolicyResources(resources: ResourceUnderPolicy[]): PolicyResource[] {
    const out = resources.map((r) => ({ type: r.type, props: r.rawInputs, urn: r.urn, name: r.name, dependencies: [] as PolicyResource[], propertyDependencies: {} }) as unknown as PolicyResource);
    resources.forEach((r, i) => {
        out[i].dependencies = r.dependencies.map((u) => out.find((o) => o.urn === u)).filter((d): d is PolicyResource => d !== undefined);
    });
    return out;
}

/** kind → sorted privileges a subject effectively holds. */
function holdings(effective: EffectivePrivilege[], who: (e: EffectivePrivilege) => boolean): Record<string, string[]> {
    const out: Record<string, Set<string>> = {};
    for (const e of effective.filter(who)) (out[e.kind] ??= new Set()).add(e.privilege);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

describe("access model: what a grant on a container reaches", () => {
    it("passes data privileges from a catalog to schemas and the objects they hold", () => {
        expect(reachesChild("catalog", "SELECT", "schema")).to.equal(true);
        expect(reachesChild("catalog", "SELECT", "table")).to.equal(true);
        expect(reachesChild("catalog", "USE_SCHEMA", "schema")).to.equal(true);
        expect(reachesChild("catalog", "READ_VOLUME", "volume")).to.equal(true);
        expect(reachesChild("catalog", "ALL_PRIVILEGES", "function")).to.equal(true);
        expect(reachesChild("schema", "MODIFY", "table")).to.equal(true);
        expect(reachesChild("schema", "MANAGE", "volume")).to.equal(true);
    });

    it("keeps container-only privileges on the container", () => {
        expect(reachesChild("catalog", "USE_CATALOG", "schema")).to.equal(false);
        expect(reachesChild("catalog", "CREATE_SCHEMA", "schema")).to.equal(false);
        expect(reachesChild("schema", "CREATE_TABLE", "table")).to.equal(false);
        expect(reachesChild("schema", "USE_SCHEMA", "table")).to.equal(false);
        expect(reachesChild("schema", "MODIFY", "volume"), "MODIFY is not a volume privilege").to.equal(false);
    });

    it("computes a principal's effective privileges across catalog, schema and volume grants", () => {
        const resources = asPolicyResources([pipelineSp(), ...kmflowGrants()]);
        const directory = new PrincipalDirectory(resources, selectorRoles([]));
        const effective = effectivePrivileges(grantEntries(resources, directory), []);
        expect(holdings(effective, (e) => e.subject.role === "pipeline")).to.deep.equal({
            catalog: ["CREATE_SCHEMA", "USE_CATALOG", "USE_SCHEMA"],
            schema: ["CREATE_TABLE", "MODIFY", "SELECT", "USE_SCHEMA"],
            table: ["MODIFY", "SELECT"],
            view: ["SELECT"],
            volume: ["READ_VOLUME", "WRITE_VOLUME"],
        });
    });

    it("treats an owner input as all privileges on the securable and everything below it", () => {
        const resources = asPolicyResources([res(T.schema, { catalogName: "lake", name: "gold", owner: ANALYSTS })]);
        const entries = grantEntries(resources, new PrincipalDirectory(resources, []));
        expect(entries.map((e) => [e.kind, e.name, e.subject.principal, e.source])).to.deep.equal([["schema", "lake.gold", ANALYSTS, "owner"]]);
        const kinds = new Set(effectivePrivileges(entries, []).filter((e) => e.privilege === "MANAGE").map((e) => e.kind));
        expect([...kinds].sort()).to.deep.equal(["function", "registered_model", "schema", "table", "view", "volume"]);
    });
});

describe("access model: recognising principals", () => {
    it("marks a role by the display-name suffix the naming convention uses", () => {
        expect(roleOfDisplayName("lakehouse-prod-pipeline", ["pipeline", "app"])).to.equal("pipeline");
        expect(roleOfDisplayName("pipeline", ["pipeline"])).to.equal("pipeline");
        expect(roleOfDisplayName("lakehouse-prod-pipelines", ["pipeline"])).to.equal(undefined);
    });

    it("matches selectors by exact name (case-insensitive) or role", () => {
        expect(matchesAny(["Data-Analysts"], { principal: ANALYSTS })).to.equal(true);
        expect(matchesAny(["role:pipeline"], { principal: PIPELINE_APP_ID, role: "pipeline" })).to.equal(true);
        expect(matchesAny(["role:pipeline"], { principal: PIPELINE_APP_ID })).to.equal(false);
        expect(matchesAny([PIPELINE_APP_ID], { principal: PIPELINE_APP_ID, role: "pipeline" })).to.equal(true);
    });

    it("attributes a principal unknown during preview to the one marked resource it depends on", () => {
        const sp = pipelineSp();
        const resources = asPolicyResources([sp, grants({ catalog: "lake" }, [[UNKNOWN, ["USE_CATALOG"]]], { dependsOn: [sp] })]);
        const [entry] = grantEntries(resources, new PrincipalDirectory(resources, selectorRoles([])));
        expect(entry.subject).to.deep.equal({ role: "pipeline" });
        expect(describeSubject(entry.subject)).to.equal("role:pipeline");
    });

    it("does not guess when an unknown principal could be either of two marked resources (the entry is left to `pulumi up`)", () => {
        const sp = pipelineSp();
        const app = res(T.app, { name: "lakehouse-dev-app" });
        const resources = asPolicyResources([sp, app, grants({ catalog: "lake" }, [[UNKNOWN, ["USE_CATALOG"]], [ANALYSTS, ["USE_CATALOG"]]], { dependsOn: [sp, app] })]);
        const entries = grantEntries(resources, new PrincipalDirectory(resources, selectorRoles([])));
        expect(entries.map((e) => e.subject)).to.deep.equal([{ principal: ANALYSTS }]);
    });

    it("recognises the app's service principal, whose id is no input of the stack, by the grant's dependency on the app", () => {
        const sp = pipelineSp();
        const app = res(T.app, { name: "lakehouse-dev-app" });
        const appSpId = "44444444-4444-4444-8444-444444444444";
        const resources = asPolicyResources([sp, app, grants({ catalog: "lake" }, [[PIPELINE_APP_ID, ["USE_CATALOG"]], [appSpId, ["USE_CATALOG"]], [ANALYSTS, ["USE_CATALOG"]]], { dependsOn: [sp, app] })]);
        const entries = grantEntries(resources, new PrincipalDirectory(resources, selectorRoles([])));
        expect(entries.map((e) => e.subject)).to.deep.equal([{ principal: PIPELINE_APP_ID, role: "pipeline" }, { principal: appSpId, role: "app" }, { principal: ANALYSTS }]);
    });

    it("leaves the role a known entry already accounts for to the unknown one (pipeline by value, app by dependency)", () => {
        const sp = pipelineSp();
        const app = res(T.app, { name: "lakehouse-dev-app" });
        const resources = asPolicyResources([sp, app, grants({ catalog: "lake" }, [[PIPELINE_APP_ID, ["USE_CATALOG"]], [UNKNOWN, ["USE_CATALOG"]]], { dependsOn: [sp, app] })]);
        const entries = grantEntries(resources, new PrincipalDirectory(resources, selectorRoles([])));
        expect(entries.map((e) => e.subject.role)).to.deep.equal(["pipeline", "app"]);
    });

    it("reads the principal of each kind of access control entry", () => {
        const resources = asPolicyResources([
            res(T.permissions, {
                jobId: "j",
                accessControls: [
                    { groupName: ANALYSTS, permissionLevel: "CAN_VIEW" },
                    { servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "IS_OWNER" },
                    { userName: "ana@example.com", permissionLevel: "CAN_MANAGE_RUN" },
                ],
            }),
        ]);
        const entries = permissionEntries(resources, new PrincipalDirectory(resources, []));
        expect(entries.map((e) => [e.object, e.principalKind, e.subject.principal, e.level])).to.deep.equal([
            ["job", "group", ANALYSTS, "CAN_VIEW"],
            ["job", "servicePrincipal", PIPELINE_APP_ID, "IS_OWNER"],
            ["job", "user", "ana@example.com", "CAN_MANAGE_RUN"],
        ]);
    });
});

describe("grant policies: allowances and allow-lists from config", () => {
    it("picks the first selector that names a subject, else the default allowance", () => {
        const allowances = { "role:pipeline": { catalog: ["USE_CATALOG"] }, [ANALYSTS]: "*" as const };
        expect(allowanceOf({ principal: PIPELINE_APP_ID, role: "pipeline" }, allowances, {}).selector).to.equal("role:pipeline");
        expect(allowanceOf({ principal: ANALYSTS }, allowances, {}).allowance).to.equal("*");
        expect(allowanceOf({ principal: "someone-else" }, allowances, {}).selector).to.equal("defaultAllowance");
    });

    it('allows anything to a principal whose allowance is "*"', async () => {
        const resources = [grants({ catalog: "lake" }, [["lakehouse-admins", ["ALL_PRIVILEGES"]]])];
        expect(await violationsOf(ucLeastPrivilegeAllowance, resources)).to.have.length(1);
        expect(await violationsOf(ucLeastPrivilegeAllowance, resources, { allowances: { "lakehouse-admins": "*" } })).to.deep.equal([]);
    });

    it("keeps the built-in pipeline allowance when config adds another principal", async () => {
        const resources = [pipelineSp(), ...kmflowGrants(), grants({ schema: "lake.silver" }, [["data-engineers", ["MODIFY"]]])];
        const violations = await violationsOf(ucLeastPrivilegeAllowance, resources, { allowances: { "data-engineers": { schema: ["MODIFY"], table: ["MODIFY"] } } });
        expect(violations).to.deep.equal([]);
    });

    it("holds a renamed pipeline to the default read-only allowance (it is no longer recognised as role:pipeline)", async () => {
        const resources = [pipelineSp(PIPELINE_APP_ID, "lakehouse-dev-etl"), ...kmflowGrants()];
        const messages = (await violationsOf(ucLeastPrivilegeAllowance, resources)).map((v) => v.message);
        expect(messages.some((m) => m.includes("(defaultAllowance)") && m.includes("CREATE_SCHEMA"))).to.equal(true);
    });

    it("lets a role selector allow-list an admin, and accepts the application id as well", async () => {
        const resources = [pipelineSp(), grants({ catalog: "lake" }, [[PIPELINE_APP_ID, ["MANAGE"]]])];
        expect(await violationsOf(ucNoRiskyPrivileges, resources)).to.have.length(1);
        expect(await violationsOf(ucNoRiskyPrivileges, resources, { admins: ["role:pipeline"] })).to.deep.equal([]);
        expect(await violationsOf(ucNoRiskyPrivileges, resources, { admins: [PIPELINE_APP_ID] })).to.deep.equal([]);
    });

    it("leaves a principal still unknown and not attributable to `pulumi up`, which checks it with its value", async () => {
        const resources = [grants({ schema: "lake.gold" }, [[UNKNOWN, ["MODIFY"]]])];
        expect(await violationsOf(ucWritesOnlyByWriters, resources)).to.deep.equal([]);
        const known = [grants({ schema: "lake.gold" }, [["33333333-3333-4333-8333-333333333333", ["MODIFY"]]])];
        expect((await violationsOf(ucWritesOnlyByWriters, known)).map((v) => v.message)).to.deep.equal([
            '"33333333-3333-4333-8333-333333333333" is granted schema lake.gold with MODIFY but is not an allow-listed writer (config "writers": role:pipeline).',
        ]);
    });
});

describe("the dev stack's effective access, as the pack computes it", () => {
    it("gives the pipeline exactly the KMFlow set (plus CREATE_MATERIALIZED_VIEW for its Lakeflow views), the app and analysts read access to their layers", async () => {
        const { run } = await planTrained("dev");
        const resources = asPolicyResources(run.resources);
        const directory = new PrincipalDirectory(resources, selectorRoles([]));
        const effective = effectivePrivileges(grantEntries(resources, directory), permissionEntries(resources, directory));
        expect(holdings(effective, (e) => e.subject.role === "pipeline")).to.deep.equal({
            catalog: ["CREATE_SCHEMA", "USE_CATALOG", "USE_SCHEMA"],
            schema: ["CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MODIFY", "SELECT", "USE_SCHEMA"],
            table: ["MODIFY", "SELECT"],
            view: ["SELECT"],
            volume: ["READ_VOLUME", "WRITE_VOLUME"],
            sqlWarehouse: ["CAN_USE"],
            job: ["IS_OWNER"],
            pipeline: ["IS_OWNER"],
            // Its job and pipeline clusters start under the job-compute policy (it may not create clusters otherwise).
            clusterPolicy: ["CAN_USE"],
        });
        const analysts = effective.filter((e) => e.subject.principal === ANALYSTS && e.kind === "schema");
        expect([...new Set(analysts.map((e) => `${e.scope} ${e.privilege}`))].sort()).to.deep.equal([
            "schema lakehouse_dev.lakehouse_gold SELECT",
            "schema lakehouse_dev.lakehouse_gold USE_SCHEMA",
            "schema lakehouse_dev.lakehouse_silver SELECT",
            "schema lakehouse_dev.lakehouse_silver USE_SCHEMA",
        ]);
        const app = holdings(effective, (e) => e.subject.role === "app");
        expect(app.schema).to.deep.equal(["SELECT", "USE_SCHEMA"]);
        expect(Object.values(app).flat().some((p) => ["MODIFY", "WRITE_VOLUME", "CREATE_TABLE"].includes(p))).to.equal(false);
    });
});

describe("policies under `pulumi preview`'s unknown values", () => {
    /** The sentinel CrossGuard's proxy throws UnknownValueError for. */
    const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const proxied = (r: ResourceUnderPolicy): ResourceUnderPolicy => ({ ...r, rawInputs: unknownCheckingProxy(r.rawInputs) });

    it("runs every policy over a first deployment's inputs without failing or flagging what is not known yet", async () => {
        const sp = pipelineSp(U);
        const account = res(T.account, { ...SECURE_ACCOUNT, accountName: U, networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", resourceAccessRules: [{ tenantId: U, resourceId: U }] } }, { protect: true });
        const resources = [
            account,
            res(T.blobService, { accountName: U, deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 } }, { dependsOn: [account] }),
            res(T.roleAssignment, { principalId: U, roleDefinitionId: roleDefinition("ba92f5b4-2d11-453d-a403-e96b0029c9fe"), scope: U, roleAssignmentName: U }),
            sp,
            grants({ catalog: "lake" }, [[U, ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"]], [ANALYSTS, ["USE_CATALOG"]]], { dependsOn: [sp] }),
            res(T.job, { name: "j", runAs: { servicePrincipalName: U }, jobClusters: [{ jobClusterKey: "main", newCluster: { sparkVersion: "16.4.x-scala2.12", dataSecurityMode: "SINGLE_USER", singleUserName: U } }] }),
            res(T.permissions, { sqlEndpointId: U, accessControls: [{ servicePrincipalName: U, permissionLevel: "CAN_USE" }] }, { dependsOn: [sp] }),
            res(T.secretAcl, { scope: U, principal: U, permission: "READ" }, { dependsOn: [sp] }),
            res(T.app, { name: "a", resources: [{ name: "wh", sqlWarehouse: { id: U, permission: "CAN_USE" } }] }),
            // The VNet the clusters run in is not known yet either: their path to the data is not judged.
            res(T.workspace, { ...SECURE_WORKSPACE, parameters: { enableNoPublicIp: { value: true }, customVirtualNetworkId: { value: U } } }),
        ].map(proxied);
        const report = await runPolicies(allPolicies, resources, stackPolicyConfig("prod"));
        const mandatory = report.violations.filter((v) => v.level === "mandatory");
        expect(mandatory.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
    });

    it("still flags what is known next to what is not", async () => {
        const resources = [
            res(T.account, { ...SECURE_ACCOUNT, accountName: U, allowSharedKeyAccess: true }, { protect: true }),
            res(T.roleAssignment, { principalId: U, roleDefinitionId: roleDefinition("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"), scope: ACCOUNT_ID }),
            grants({ catalog: "lake" }, [[U, ["USE_CATALOG"]], [ANALYSTS, ["ALL_PRIVILEGES"]]]),
        ].map(proxied);
        const report = await runPolicies(allPolicies, resources, stackPolicyConfig("prod"));
        const flagged = new Set(report.violations.filter((v) => v.level === "mandatory").map((v) => v.policy));
        expect([...flagged].sort()).to.deep.equal(["rbac-no-privileged-roles", "storage-blob-soft-delete", "storage-shared-key-disabled", "uc-least-privilege-allowance", "uc-no-risky-privileges"]);
    });
});

describe("small parsers the rules use", () => {
    it("reads Go-style durations for endDateRelative", () => {
        expect(durationMs("2160h")).to.equal(2160 * 3_600_000);
        expect(durationMs("1h30m")).to.equal(90 * 60_000);
        expect(durationMs("90d")).to.equal(undefined);
    });

    it("merges a cluster policy definition with a family's overrides, and rejects bad JSON", () => {
        expect(policyRules('{"a":{"type":"fixed","value":1}}', '{"b":{"type":"fixed","value":2}}')).to.deep.equal({ a: { type: "fixed", value: 1 }, b: { type: "fixed", value: 2 } });
        expect(policyRules(undefined, undefined)).to.deep.equal({});
        expect(policyRules("{not json", undefined)).to.equal(undefined);
    });
});
