/** The blast-radius diff and the replacement table: pure, plus coverage of the types the program registers. */
import { expect } from "chai";
import { DiffableResource, diffPlans, fieldChanges, renderDiff } from "../tools/diff";
import { REPLACEMENT_FACTS, changeEffects, factsFor, valuesAt } from "../tools/replacement";
import { planOf } from "./helpers";

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
            "config.trafficConfig.routes[0].trafficPercentage",
            "config.trafficConfig.routes[1].trafficPercentage",
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
        expect(text).to.contain("config.trafficConfig.routes[0].trafficPercentage: 90 → 50");
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
