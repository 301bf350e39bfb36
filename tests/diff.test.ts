/** The blast-radius diff and the replacement table: pure, plus coverage of the types the program registers. */
import { expect } from "chai";
import { DiffableResource, diffPlans, fieldChanges, renderDiff } from "../tools/diff";
import { REPLACEMENT_FACTS, changeEffects, factsFor, valuesAt } from "../tools/replacement";
import { managedUnechoed } from "../tools/echo";
import { IDENTITY_FIELDS, SAME_IDENTITY_EXEMPT, identityKeepingTriggers } from "../tools/identity";
import { planOf, planTrained } from "./helpers";

const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<DiffableResource> = {}): DiffableResource => ({
    urn: `urn:pulumi:dev::lakehouse::${type}::${name}`,
    type,
    name,
    provider: "",
    inputs,
    protect: false,
    ...extra,
});

const ENDPOINT = "databricks:index/modelServing:ModelServing";
const endpoint = (name: string, champion: number, catalogName = "cat") =>
    res(ENDPOINT, "classifier", {
        name,
        config: { trafficConfig: { routes: [{ servedEntityName: "champion", trafficPercentage: champion }, { servedEntityName: "challenger", trafficPercentage: 100 - champion }] } },
        aiGateway: { inferenceTableConfig: { catalogName, schemaName: "s_gold", tableNamePrefix: "p" } },
    });

describe("diff: field changes", () => {
    it("reports leaves with their paths, through objects and arrays", () => {
        expect(fieldChanges({ a: { b: [1, { c: 2 }] }, d: 1 }, { a: { b: [1, { c: 3 }] }, d: 1, e: "x" })).to.deep.equal([
            { path: "a.b[1].c", before: 2, after: 3 },
            { path: "e", before: undefined, after: "x" },
        ]);
        expect(fieldChanges({ a: 1 }, { a: 1 })).to.deep.equal([]);
    });

    it("ignores key order", () => {
        expect(fieldChanges({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).to.deep.equal([]);
    });
});

describe("diff: plans before and after a config change", () => {
    it("calls a traffic shift an in-place update of the endpoint", () => {
        const diff = diffPlans([endpoint("ab", 90)], [endpoint("ab", 50)]);
        expect(diff.summary).to.include({ changed: 1, replaced: 0, rejected: 0 });
        expect(diff.changed[0].action).to.equal("update");
        expect(diff.changed[0].fields.map((f) => f.path)).to.deep.equal([
            "config.trafficConfig.routes[champion].trafficPercentage",
            "config.trafficConfig.routes[challenger].trafficPercentage",
        ]);
    });

    it("takes an endpoint rename's replacement from the provider's answer, and says who decided", () => {
        const answers = new Map([
            [
                endpoint("ab", 90).urn,
                {
                    urn: endpoint("ab", 90).urn,
                    action: "replace" as const,
                    effects: [{ path: "name", effect: "replace" as const, why: "terraform-provider-databricks plans a replacement" }],
                    unknownInputs: [],
                    decidedBy: "terraform-provider-databricks",
                    modelled: true,
                },
            ],
        ]);
        const diff = diffPlans([endpoint("ab", 90)], [endpoint("ab2", 90)], answers);
        expect(diff.changed[0].action).to.equal("replace");
        expect(diff.changed[0].decidedBy).to.equal("terraform-provider-databricks");
        expect(renderDiff(diff, "t")).to.contain("decided by: terraform-provider-databricks");
    });

    it("does not guess a Databricks replacement without the provider: the type counts as not modelled", () => {
        const diff = diffPlans([endpoint("ab", 90)], [endpoint("ab2", 90)]);
        expect(diff.changed[0]).to.include({ action: "update", modelled: false });
        expect(diff.summary.unmodelled).to.equal(1);
    });

    it("flags a move of the inference tables as a change Databricks refuses", () => {
        const diff = diffPlans([endpoint("ab", 90)], [endpoint("ab", 90, "other")]);
        expect(diff.changed[0].action).to.equal("update");
        expect(diff.summary.rejected).to.equal(1);
        expect(diff.changed[0].effects[0]).to.include({ path: "aiGateway.inferenceTableConfig.catalogName", effect: "rejected" });
    });

    it("knows which storage account fields replace it and which do not", () => {
        const sa = (inputs: Record<string, unknown>) => res("azure-native:storage:StorageAccount", "account", { accountName: "a", isHnsEnabled: true, minimumTlsVersion: "TLS1_2", ...inputs });
        expect(diffPlans([sa({})], [sa({ accountName: "b" })]).changed[0].action).to.equal("replace");
        expect(diffPlans([sa({})], [sa({ isHnsEnabled: false })]).changed[0].action).to.equal("replace");
        expect(diffPlans([sa({})], [sa({ minimumTlsVersion: "TLS1_3" })]).changed[0].action).to.equal("update");
    });

    it("adds the resources a preview touches only through unknowns, with the input that waits", () => {
        const secret = res("databricks:index/secret:Secret", "client-secret-value", { key: "k", stringValue: "[secret]" });
        const answers = new Map([
            [
                secret.urn,
                {
                    urn: secret.urn,
                    action: "replace" as const,
                    effects: [{ path: "stringValue", effect: "replace" as const, why: "the provider plans a replacement" }],
                    unknownInputs: [{ input: "stringValue", waitsFor: ["client-secret (replaced)"] }],
                    decidedBy: "terraform-provider-databricks",
                    modelled: true,
                },
            ],
        ]);
        const diff = diffPlans([secret], [secret], answers);
        expect(diff.unchanged).to.equal(0);
        expect(diff.changed[0]).to.include({ action: "replace" });
        expect(diff.changed[0].fields).to.deep.equal([{ path: "stringValue", before: "[secret]", after: "(unknown until apply: from client-secret (replaced))" }]);
    });

    it("replaces resources that have no update on any input change", () => {
        const r = (length: number) => res("random:index/randomString:RandomString", "suffix", { length });
        expect(diffPlans([r(6)], [r(8)]).changed[0].action).to.equal("replace");
    });

    it("treats a provider switch as a replacement and a protect flip as state-only", () => {
        const a = res("databricks:index/secretScope:SecretScope", "scope", { name: "s" });
        expect(diffPlans([a], [{ ...a, provider: "urn:other" }]).changed[0].action).to.equal("replace");
        const p = diffPlans([a], [{ ...a, protect: true }]);
        expect(p.changed[0]).to.include({ action: "protect" });
        expect(p.summary.changed).to.equal(0);
    });

    it("lists created and deleted resources, and says when a type is not modelled", () => {
        const diff = diffPlans([res("x:y:Old", "old", {}), res("x:y:Z", "z", { a: 1 })], [res("x:y:New", "new", {}), res("x:y:Z", "z", { a: 2 })]);
        expect(diff.created.map((r) => r.name)).to.deep.equal(["new"]);
        expect(diff.deleted.map((r) => r.name)).to.deep.equal(["old"]);
        expect(diff.changed[0].modelled).to.equal(false);
        expect(diff.summary.unmodelled).to.equal(1);
        expect(renderDiff(diff, "t")).to.contain("replacement rules not modelled");
    });

    it("renders the summary a person reads", () => {
        const text = renderDiff(diffPlans([endpoint("ab", 90)], [endpoint("ab", 50)]), "Blast radius:");
        expect(text).to.contain("1 resource with changed inputs, 0 replaced, 0 created, 0 deleted");
        expect(text).to.contain("config.trafficConfig.routes[champion].trafficPercentage: 90 → 50");
    });
});

describe("replacement table", () => {
    it("walks array elements with []", () => {
        expect(valuesAt({ a: [{ b: 1 }, { b: 2 }] }, "a[].b")).to.deep.equal([1, 2]);
        expect(valuesAt({}, "a.b")).to.deep.equal([undefined]);
    });

    it("says nothing replaces when only updatable fields change", () => {
        expect(changeEffects(ENDPOINT, { name: "a", tags: [] }, { name: "a", tags: [{ key: "k", value: "v" }] })).to.deep.equal([]);
    });

    it("keeps for Databricks only what the provider's plan cannot say", () => {
        for (const [type, facts] of Object.entries(REPLACEMENT_FACTS).filter(([t]) => t.startsWith("databricks:"))) {
            expect(facts.providerAnswers, type).to.equal(true);
            expect(facts.fields.filter((f) => f.effect === "replace"), type).to.deep.equal([]);
        }
    });

    it("documents a source and a reason for every fact", () => {
        for (const [type, facts] of Object.entries(REPLACEMENT_FACTS)) {
            expect(facts.source, type).to.have.length.above(5);
            for (const f of facts.fields) expect(f.why, `${type} ${f.path}`).to.have.length.above(3);
        }
    });

    it("covers every resource type the dev and prod stacks register", async () => {
        const types = new Set([...(await planOf("dev")).run.resources, ...(await planOf("prod")).run.resources].map((r) => r.type));
        const missing = [...types].filter((t) => factsFor(t) === undefined);
        expect(missing, "add these types to tools/replacement.ts").to.deep.equal([]);
    });
});

describe("diff: grant lists and ACLs are compared by principal, not by position", () => {
    const GRANTS = "databricks:index/grants:Grants";
    const schemaGrants = (grants: { principal: string; privileges: string[] }[]) => res(GRANTS, "grants-gold", { schema: "cat.s_gold", grants });
    const pipeline = { principal: "pipeline-sp", privileges: ["MODIFY", "SELECT"] };
    const analysts = { principal: "data-analysts", privileges: ["SELECT", "USE_SCHEMA"] };
    const readers = { principal: "bi-readers", privileges: ["SELECT", "USE_SCHEMA"] };

    it("reads a new reader group as that group's privileges, not as the entries after it shifting", () => {
        const diff = diffPlans([schemaGrants([pipeline, analysts])], [schemaGrants([pipeline, readers, analysts])]);
        expect(diff.changed[0].fields).to.deep.equal([{ path: "grants[bi-readers]", before: undefined, after: readers }]);
        expect(diff.access).to.deep.equal([{ principal: "bi-readers", on: "schema cat.s_gold", added: ["SELECT", "USE_SCHEMA"], removed: [] }]);
        expect(renderDiff(diff, "t")).to.contain("bi-readers: + SELECT, USE_SCHEMA on schema cat.s_gold");
    });

    it("reads a removed principal as a removal only, leaving the others untouched", () => {
        const diff = diffPlans([schemaGrants([readers, pipeline, analysts])], [schemaGrants([pipeline, analysts])]);
        expect(diff.changed[0].fields.map((f) => f.path)).to.deep.equal(["grants[bi-readers]"]);
        expect(diff.access).to.deep.equal([{ principal: "bi-readers", on: "schema cat.s_gold", added: [], removed: ["SELECT", "USE_SCHEMA"] }]);
    });

    it("names the privileges a principal gains and loses on its own entry", () => {
        const diff = diffPlans([schemaGrants([pipeline, analysts])], [schemaGrants([pipeline, { principal: "data-analysts", privileges: ["MODIFY", "USE_SCHEMA"] }])]);
        expect(diff.access).to.deep.equal([{ principal: "data-analysts", on: "schema cat.s_gold", added: ["MODIFY"], removed: ["SELECT"] }]);
        expect(renderDiff(diff, "t")).to.contain("data-analysts: + MODIFY  − SELECT on schema cat.s_gold");
    });

    it("keys access control lists by the group, user or service principal they name", () => {
        const acl = (entries: Record<string, string>[]) => res("databricks:index/permissions:Permissions", "pipeline-acl", { pipelineId: "p-1", accessControls: entries });
        const owner = { servicePrincipalName: "pipeline-sp", permissionLevel: "IS_OWNER" };
        const diff = diffPlans([acl([owner])], [acl([{ groupName: "operators", permissionLevel: "CAN_VIEW" }, owner])]);
        expect(diff.changed[0].fields.map((f) => f.path)).to.deep.equal(["accessControls[operators]"]);
        expect(diff.access).to.deep.equal([{ principal: "operators", on: "pipeline p-1", added: ["CAN_VIEW"], removed: [] }]);
    });

    it("counts the grants of created and deleted grant resources too", () => {
        const diff = diffPlans([], [schemaGrants([readers])]);
        expect(diff.access).to.deep.equal([{ principal: "bi-readers", on: "schema cat.s_gold", added: ["SELECT", "USE_SCHEMA"], removed: [] }]);
    });
});

describe("diff: replacements that would lose something are reported, as pulumi up would meet them", () => {
    const SECRET = "databricks:index/secret:Secret";
    /** The Databricks provider's answer (npm run verify asks the built provider): `paths` replace. */
    const providerSays = (r: DiffableResource, ...paths: string[]) =>
        new Map([[r.urn, { urn: r.urn, action: "replace" as const, effects: paths.map((path) => ({ path, effect: "replace" as const, why: "ForceNew" })), unknownInputs: [], decidedBy: "the provider", modelled: true }]]);
    const secret = (value: string, deleteBeforeReplace: boolean) =>
        res(SECRET, "client-secret-value", { scope: "platform", key: "pipeline-client-secret", stringValue: value }, { replacement: { deleteBeforeReplace } });

    it("flags a replacement under the same scope and key without deleteBeforeReplace (the delete would remove the new value)", () => {
        const diff = diffPlans([secret("old", false)], [secret("new", false)], providerSays(secret("new", false), "stringValue"));
        expect(diff.changed[0].action).to.equal("replace");
        expect(diff.changed[0].hazard).to.contain("same identity (scope, key)");
        expect(diff.summary.hazards).to.equal(1);
        expect(renderDiff(diff, "t")).to.contain("HAZARD: replaced under the same identity");
    });

    it("accepts the same replacement with deleteBeforeReplace, and a replacement that changes the identity", () => {
        expect(diffPlans([secret("old", true)], [secret("new", true)], providerSays(secret("new", true), "stringValue")).summary.hazards).to.equal(0);
        const renamed = res(SECRET, "client-secret-value", { scope: "platform", key: "other-key", stringValue: "old" });
        expect(diffPlans([secret("old", false)], [renamed], providerSays(renamed, "key")).summary.hazards).to.equal(0);
    });

    it("counts a protected resource that would be replaced or deleted as refused, as pulumi up refuses it", () => {
        const schema = (storageRoot: string, protect: boolean) => res("databricks:index/schema:Schema", "schema-gold", { catalogName: "c", name: "s_gold", storageRoot }, { protect });
        const replaced = diffPlans([schema("abfss://a/", true)], [schema("abfss://b/", true)], providerSays(schema("abfss://b/", true), "storageRoot"));
        expect(replaced.changed[0].refused).to.contain("protected");
        expect(replaced.summary.rejected).to.equal(1);
        const deleted = diffPlans([schema("abfss://a/", true)], []);
        expect(deleted.deleted[0].refused).to.contain("refuses to delete");
        expect(deleted.summary.rejected).to.equal(1);
        expect(renderDiff(deleted, "t")).to.contain("REFUSED: protected");
    });

    it("says a resource removed with retainOnDelete is only forgotten", () => {
        const model = res("databricks:index/registeredModel:RegisteredModel", "model-m", { catalogName: "c", schemaName: "s_gold", name: "m" }, { retainOnDelete: true });
        const diff = diffPlans([model], []);
        expect(diff.deleted[0]).to.include({ retained: true });
        expect(renderDiff(diff, "t")).to.contain("forgotten by Pulumi, kept in the cloud (retainOnDelete)");
    });
});

describe("guard: every resource a replacement would rewrite in place is deleted first (or says why not)", () => {
    it("holds for every resource of dev and prod, with and without the app", async () => {
        const offenders: string[] = [];
        // One after the other: the mock runtime runs one program at a time.
        for (const scenario of [() => planOf("dev"), () => planOf("prod"), () => planTrained("dev"), () => planTrained("prod")]) {
            const { run } = await scenario();
            for (const r of run.resources) {
                const triggers = identityKeepingTriggers(r.type);
                if (triggers.length === 0 || r.replacement?.deleteBeforeReplace || SAME_IDENTITY_EXEMPT[r.type]) continue;
                offenders.push(`${r.urn} (replaced by ${triggers.join(", ")} under the same ${IDENTITY_FIELDS[r.type].join(", ")})`);
            }
        }
        expect([...new Set(offenders)], "set deleteBeforeReplace on these, or add the type to SAME_IDENTITY_EXEMPT with the reason").to.deep.equal([]);
    });

    it("gives every identity type a replacement fact table entry, and every exemption a reason", () => {
        for (const type of Object.keys(IDENTITY_FIELDS)) expect(factsFor(type), type).to.not.equal(undefined);
        for (const [type, why] of Object.entries(SAME_IDENTITY_EXEMPT)) {
            expect(identityKeepingTriggers(type), `${type} is exempt but has no identity-keeping trigger`).to.not.deep.equal([]);
            expect(why.length, type).to.be.above(30);
        }
    });
});

describe("guard: a second pulumi up with no config change changes nothing", () => {
    it("manages no input the service does not return as sent (tools/echo.ts), on any resource of dev or prod", async () => {
        const offenders: string[] = [];
        for (const scenario of [() => planOf("dev"), () => planOf("prod"), () => planTrained("dev"), () => planTrained("prod")]) {
            for (const r of (await scenario()).run.resources) for (const u of managedUnechoed(r)) offenders.push(`${r.urn}: ${u.path} (${u.why})`);
        }
        expect([...new Set(offenders)], "leave these unset, or add them to ignoreChanges").to.deep.equal([]);
    });

    it("catches one when it is set", () => {
        expect(managedUnechoed({ type: "databricks:index/app:App", inputs: { name: "a", sourceCodePath: "/Workspace/x" } }).map((u) => u.path)).to.deep.equal(["sourceCodePath"]);
        expect(managedUnechoed({ type: "databricks:index/app:App", inputs: { name: "a", sourceCodePath: "/Workspace/x" }, ignoreChanges: ["sourceCodePath"] })).to.deep.equal([]);
    });
});
