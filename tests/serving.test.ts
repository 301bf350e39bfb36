/**
 * Model serving under mocks, through the offline plan: the endpoints each stack registers, the
 * traffic split, where inference tables land, who may query, what a traffic shift touches, and
 * the bad inputs rejected before any resource.
 */
import { expect } from "chai";
import { diffPlans } from "../tools/diff";
import { PlannedResource } from "../tools/harness";
import { planOf, planTrained, rejectedConfig } from "./helpers";

const ENDPOINT = "databricks:index/modelServing:ModelServing";
const PERMISSIONS = "databricks:index/permissions:Permissions";
const SHIFT = ["serving.traffic.challenger=50", "serving.traffic.champion=50"];
/** One scenario for everything configurable (each distinct scenario costs a program run). */
const CUSTOM = [
    "catalog=clinical_ab",
    "schema=pneumo",
    'serving.rateLimits=[{"calls":120,"key":"user"}]',
    "serving.endpoints.feedback.rateLimits=[]",
    "principals.analysts.group=Data Analysts",
    "principals.auditors.group=Auditors",
    "serving.consumers[0]=analysts",
    "serving.consumers[1]=pipeline",
];

function routes(endpoint: PlannedResource): Record<string, number> {
    const list = (endpoint.inputs.config as any).trafficConfig.routes as { servedEntityName: string; trafficPercentage: number }[];
    return Object.fromEntries(list.map((r) => [r.servedEntityName, r.trafficPercentage]));
}

function entities(endpoint: PlannedResource): Record<string, any> {
    return Object.fromEntries(((endpoint.inputs.config as any).servedEntities as any[]).map((e) => [e.name, e]));
}

/** Permission levels granted on serving endpoints, by principal name. */
function endpointGrants(resources: PlannedResource[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of resources.filter((x) => x.type === PERMISSIONS && x.inputs.servingEndpointId !== undefined)) {
        for (const ac of r.inputs.accessControls as any[]) {
            const who = ac.groupName ?? ac.servicePrincipalName ?? ac.userName;
            (out[who] ??= []).push(ac.permissionLevel);
        }
    }
    return out;
}

describe("serving: endpoints from config", () => {
    it("splits the A/B endpoint 50/50 in dev and 90/10 in prod, by stable entity name", async () => {
        const dev = await planTrained("dev");
        const prod = await planTrained("prod");
        expect(routes(dev.named(ENDPOINT, "classifier"))).to.deep.equal({ champion: 50, challenger: 50 });
        expect(routes(prod.named(ENDPOINT, "classifier"))).to.deep.equal({ champion: 90, challenger: 10 });
        expect(routes(prod.named(ENDPOINT, "feedback"))).to.deep.equal({ processor: 100 });
    });

    it("serves the UC models of the stack's catalog at pinned versions, scaling to zero in dev only", async () => {
        const dev = entities((await planTrained("dev")).named(ENDPOINT, "classifier"));
        const prod = entities((await planTrained("prod")).named(ENDPOINT, "classifier"));
        expect(dev.champion).to.include({ entityName: "lakehouse_dev.lakehouse_gold.pneumonia_poc_classifier", entityVersion: "1", scaleToZeroEnabled: true, workloadSize: "Small" });
        expect(dev.challenger).to.include({ entityName: "lakehouse_dev.lakehouse_gold.pneumonia_poc_classifier_pytorch", entityVersion: "1" });
        expect(prod.champion).to.include({ entityName: "lakehouse_prod.lakehouse_gold.pneumonia_poc_classifier", scaleToZeroEnabled: false, workloadSize: "Large" });
        expect(prod.challenger).to.include({ scaleToZeroEnabled: false });
    });

    it("names endpoints deterministically and exports their invocation URLs", async () => {
        const dev = await planTrained("dev");
        expect(dev.ofType(ENDPOINT).map((e) => e.inputs.name).sort()).to.deep.equal(["lakehouse-classifier", "lakehouse-feedback"]);
        expect((dev.run.outputs.servingInvocationUrls as Record<string, string>).classifier).to.match(
            /^https:\/\/adb-[\d.]+\.azuredatabricks\.net\/serving-endpoints\/lakehouse-classifier\/invocations$/,
        );
    });

    it("logs inference tables to <catalog>.<schema>_payloads (not gold, where the app and analysts read), one prefix per endpoint, with usage tracking on", async () => {
        const s = await planTrained("dev", ...CUSTOM);
        const tables = s.ofType(ENDPOINT).map((e) => (e.inputs.aiGateway as any).inferenceTableConfig);
        expect(tables).to.have.length(2);
        for (const t of tables) expect(t).to.include({ enabled: true, catalogName: "clinical_ab", schemaName: "pneumo_payloads" });
        expect(new Set(tables.map((t) => t.tableNamePrefix)).size).to.equal(2);
        for (const e of s.ofType(ENDPOINT)) {
            expect((e.inputs.aiGateway as any).usageTrackingConfig).to.deep.equal({ enabled: true });
            expect(e.inputs.config as object, "no legacy autoCaptureConfig").to.not.have.property("autoCaptureConfig");
        }
    });

    it("applies rate limits from config, with a per-endpoint override", async () => {
        const s = await planTrained("dev", ...CUSTOM);
        expect((s.named(ENDPOINT, "classifier").inputs.aiGateway as any).rateLimits).to.deep.equal([{ calls: 120, key: "user", renewalPeriod: "minute" }]);
        expect(s.named(ENDPOINT, "feedback").inputs.aiGateway as object).to.not.have.property("rateLimits");
    });

    it("makes each endpoint wait for the registered models it serves", async () => {
        const s = await planTrained("dev");
        const models = s.ofType("databricks:index/registeredModel:RegisteredModel").map((m) => m.urn);
        expect(models, "the catalog registers the served models").to.not.be.empty;
        expect(s.named(ENDPOINT, "classifier").dependencies.filter((d) => models.includes(d))).to.have.length(2);
    });

    it("says which model versions each endpoint expects to be registered", async () => {
        const { run } = await planTrained("prod");
        expect(run.diagnostics).to.include(
            "info: endpoint lakehouse-classifier serves lakehouse_prod.lakehouse_gold.pneumonia_poc_classifier v1 (champion, 90%) and " +
                "lakehouse_prod.lakehouse_gold.pneumonia_poc_classifier_pytorch v1 (challenger, 10%) — register them before pulumi up",
        );
    });

    it("creates no endpoint while it is disabled, and says what enabling needs", async () => {
        const s = await planTrained("dev", "serving.endpoints.feedback.enabled=false");
        expect(s.ofType(ENDPOINT).map((e) => e.name)).to.deep.equal(["classifier"]);
        const notice = s.run.diagnostics.find((d) => d.includes("lakehouse-feedback"));
        expect(notice).to.contain("lakehouse_dev.lakehouse_gold.feedback_processor v1");
        expect(notice).to.contain("pulumi config set --path serving.endpoints.feedback.enabled true");
    });
});

describe("serving: who may query", () => {
    it("grants only the app CAN_QUERY, on the endpoint it scores against, when no consumer is configured", async () => {
        const s = await planTrained("dev");
        const appPrincipal = s.run.outputs.appServicePrincipal as string;
        expect(appPrincipal).to.be.a("string").and.not.equal("");
        expect(endpointGrants(s.run.resources)).to.deep.equal({ [appPrincipal]: ["CAN_QUERY"] });
        const [acl] = s.ofType(PERMISSIONS).filter((p) => p.inputs.servingEndpointId !== undefined);
        expect(acl.name).to.equal("classifier-query");
    });

    it("grants nothing on the endpoints when neither a consumer nor the app is configured", async () => {
        expect(endpointGrants((await planTrained("dev", "app.enabled=false")).run.resources)).to.deep.equal({});
    });

    it("grants CAN_QUERY, and only that, to exactly the configured consumer roles", async () => {
        const s = await planTrained("dev", ...CUSTOM);
        const pipelineId = s.run.outputs.pipelineApplicationId as string;
        const perms = s.ofType(PERMISSIONS).filter((p) => p.inputs.servingEndpointId !== undefined);
        const appPrincipal = s.run.outputs.appServicePrincipal as string;
        expect(perms).to.have.length(2);
        // The authoritative ACL of the app's endpoint names the app too, so an update never revokes its access.
        expect(endpointGrants(s.run.resources)).to.deep.equal({
            "Data Analysts": ["CAN_QUERY", "CAN_QUERY"],
            [pipelineId]: ["CAN_QUERY", "CAN_QUERY"],
            [appPrincipal]: ["CAN_QUERY"],
        });
        const endpointIds = s.ofType(ENDPOINT).map((e) => e.urn);
        for (const p of perms) expect(p.dependencies.some((d) => endpointIds.includes(d)), "ACL waits for its endpoint").to.equal(true);
    });
});

describe("serving: a traffic shift touches the endpoint and nothing else", () => {
    it("changes exactly one resource, in place, and replaces none", async () => {
        const before = await planTrained("prod");
        const after = await planTrained("prod", ...SHIFT);
        const diff = diffPlans(before.document.resources, after.document.resources);
        expect(diff.summary).to.include({ changed: 1, replaced: 0, created: 0, deleted: 0 });
        const [change] = diff.changed;
        expect(change).to.include({ type: ENDPOINT, name: "classifier", action: "update" });
        expect(change.fields.map((f) => f.path)).to.have.members(["config.trafficConfig.routes[champion].trafficPercentage", "config.trafficConfig.routes[challenger].trafficPercentage"]);
        expect(routes(after.named(ENDPOINT, "classifier"))).to.deep.equal({ champion: 50, challenger: 50 });
    });
});

describe("serving: bad input is rejected with the key named, before any resource", () => {
    const cases: { title: string; sets: string[]; key: string }[] = [
        { title: "a split that does not add up to 100", sets: ["serving.traffic.challenger=20"], key: "lakehouse:serving.traffic" },
        { title: "a negative percentage", sets: ["serving.traffic.champion=110", "serving.traffic.challenger=-10"], key: "lakehouse:serving.traffic.challenger" },
        { title: "a fractional percentage", sets: ["serving.traffic.champion=89.5", "serving.traffic.challenger=10.5"], key: "lakehouse:serving.traffic.champion" },
        { title: "a route to a missing entity", sets: ["serving.traffic.canary=0"], key: "lakehouse:serving.traffic.canary" },
        { title: "an entity without a route", sets: ["serving.endpoints.classifier.entities.shadow.model=shadow_model", "serving.endpoints.classifier.entities.shadow.version=1"], key: "lakehouse:serving.traffic.shadow" },
        { title: "an unknown workload size", sets: ["serving.endpoints.classifier.entities.champion.workloadSize=Huge"], key: "lakehouse:serving.endpoints.classifier.entities.champion.workloadSize" },
        { title: "an endpoint name Databricks would reject", sets: ["serving.endpoints.classifier.name=ab test"], key: "lakehouse:serving.endpoints.classifier.name" },
        { title: "two endpoints with one name", sets: ["serving.endpoints.feedback.name=lakehouse-classifier"], key: "lakehouse:serving.endpoints.feedback.name" },
        { title: "an undeclared consumer role", sets: ["serving.consumers[0]=marketing"], key: "lakehouse:serving.consumers[0]" },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}`, async () => {
            const err = await rejectedConfig("prod", ...c.sets);
            expect(err.keys).to.include(c.key);
            expect(err.message).to.contain(c.key);
        });
    }
});

describe("serving: a new stack's first pulumi up comes before training", () => {
    it("ships the endpoints disabled: the stack creates the model containers, no endpoint and no app, and says what enabling needs", async () => {
        const s = await planOf("dev");
        expect(s.ofType("databricks:index/modelServing:ModelServing")).to.deep.equal([]);
        expect(s.ofType("databricks:index/app:App")).to.deep.equal([]);
        expect(s.ofType("databricks:index/registeredModel:RegisteredModel").map((m) => m.name).sort()).to.deep.equal([
            "model-feedback_processor",
            "model-pneumonia_poc_classifier",
            "model-pneumonia_poc_classifier_pytorch",
        ]);
        const notices = s.run.diagnostics.join("\n");
        expect(notices).to.contain("serving.endpoints.classifier.enabled");
        expect(notices).to.contain("lakehouse_dev.lakehouse_gold.pneumonia_poc_classifier");
        expect(s.document.policies.violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
    });
});
