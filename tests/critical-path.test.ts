/** The modelled critical path of a fresh `pulumi up`: pure graph cases, plus the serving part of prod. */
import { expect } from "chai";
import { GraphResource, criticalPath, durationOf, formatSeconds, goDurationSeconds, waitsFor } from "../tools/critical-path";
import { planTrained } from "./helpers";

const node = (name: string, type: string, extra: Partial<GraphResource> = {}): GraphResource => ({
    urn: `urn:${name}`,
    type,
    name,
    parent: "",
    provider: "",
    dependencies: [],
    ...extra,
});

const WS = "azure-native:databricks:Workspace";
const EP = "databricks:index/modelServing:ModelServing";
const PROVIDER = "pulumi:providers:databricks";

describe("critical path: the model", () => {
    it("follows inputs, the provider, and custom parents; components cost nothing and stand for their children", () => {
        const resources = [
            node("rg", "azure-native:resources:ResourceGroup"),
            node("ws", WS, { dependencies: ["urn:rg"] }),
            node("provider", PROVIDER, { dependencies: ["urn:ws"] }),
            node("catalog-component", "lakehouse:catalog:UnityCatalog"),
            node("catalog", "databricks:index/catalog:Catalog", { parent: "urn:catalog-component", provider: "urn:provider" }),
            node("model", "databricks:index/registeredModel:RegisteredModel", { parent: "urn:catalog-component", provider: "urn:provider", dependencies: ["urn:catalog"] }),
            node("endpoint", EP, { provider: "urn:provider", dependencies: ["urn:catalog-component"] }),
            node("tag", "x:y:Child", { parent: "urn:endpoint" }),
        ];
        const edges = waitsFor(resources);
        expect(edges.get("urn:endpoint")!.map((e) => e.to).sort()).to.deep.equal(["urn:catalog", "urn:model", "urn:provider"]);
        expect(edges.get("urn:tag")).to.deep.equal([{ from: "urn:tag", to: "urn:endpoint", kind: "parent" }]);
        const cp = criticalPath(resources);
        expect(cp.steps.map((s) => s.name)).to.deep.equal(["rg", "ws", "provider", "catalog", "model", "endpoint", "tag"]);
        expect(cp.steps.map((s) => s.via)).to.deep.equal([undefined, "input", "input", "provider", "input", "input", "parent"]);
        // Workspace up to 15 minutes, an endpoint up to the provider's 45-minute wait.
        expect(cp.total.high).to.equal(5 + 900 + 1 + 5 + 5 + 2700 + 5);
        expect(cp.dependsOnEdges).to.deep.equal([]);
    });

    it("counts a sleep for its own duration", () => {
        expect(goDurationSeconds("5m")).to.equal(300);
        expect(goDurationSeconds("1h30m10s")).to.equal(5410);
        const cp = criticalPath([node("wait", "time:index/sleep:Sleep", { inputs: { createDuration: "90s" } })]);
        expect(cp.total).to.deep.equal({ low: 90, high: 90 });
    });

    it("picks the longest chain, not the one with most resources", () => {
        const resources = [
            node("a", "x:y:A"),
            node("b", "x:y:B", { dependencies: ["urn:a"] }),
            node("c", "x:y:C", { dependencies: ["urn:b"] }),
            node("ws", WS),
        ];
        expect(criticalPath(resources).steps.map((s) => s.name)).to.deep.equal(["ws"]);
    });

    it("flags dependsOn edges on the chain", () => {
        const resources = [node("ws", WS), node("ep", EP, { dependencies: ["urn:ws"], explicitDependencies: ["urn:ws"] })];
        expect(criticalPath(resources).dependsOnEdges).to.deep.equal([{ from: "urn:ep", to: "urn:ws", kind: "dependsOn" }]);
    });

    it("times a serverless warehouse in seconds and a classic one in minutes", () => {
        expect(durationOf(node("w", "databricks:index/sqlEndpoint:SqlEndpoint", { inputs: { enableServerlessCompute: true } })).high).to.be.below(60);
        expect(durationOf(node("w", "databricks:index/sqlEndpoint:SqlEndpoint", { inputs: {} })).low).to.be.at.least(120);
        expect(durationOf(node("x", "lakehouse:serving:ModelServing"))).to.deep.equal({ low: 0, high: 0 });
    });

    it("refuses a cycle", () => {
        expect(() => criticalPath([node("a", "x:y:A", { dependencies: ["urn:b"] }), node("b", "x:y:B", { dependencies: ["urn:a"] })])).to.throw(/cycle/);
    });

    it("formats durations", () => {
        expect(formatSeconds(45)).to.equal("45s");
        expect(formatSeconds(605)).to.equal("10m 05s");
    });
});

describe("critical path: serving in prod", () => {
    it("waits for the workspace and the registered models only through data; dependsOn only on the storage's network paths, which no data carries", async () => {
        const { run } = await planTrained("prod");
        const cp = criticalPath(run.resources);
        const types = cp.steps.map((s) => s.type);
        expect(types).to.include.members([WS, EP]);
        expect(types.indexOf(WS)).to.be.below(types.indexOf(EP));
        const serving = run.resources.filter((r) => r.urn.includes("lakehouse:serving:ModelServing$"));
        expect(serving).to.not.be.empty;
        for (const r of serving) {
            const explicit = r.explicitDependencies ?? [];
            expect(explicit.length, `${r.name} waits for the network paths`).to.be.greaterThan(0);
            for (const d of explicit) expect(d, `${r.name} dependsOn`).to.match(/::lakehouse:network:(PrivateAccess|ServerlessAccess)\$/);
        }
        const endpointEdges = waitsFor(run.resources).get(run.resources.find((r) => r.type === EP && r.name === "classifier")!.urn)!;
        const models = run.resources.filter((r) => r.type === "databricks:index/registeredModel:RegisteredModel").map((r) => r.urn);
        expect(endpointEdges.filter((e) => models.includes(e.to)).map((e) => e.kind)).to.deep.equal(["input", "input"]);
    });
});
