/** The serving endpoint inputs, pure: entities, routes, AI gateway, CAN_QUERY list, tags, the deployment notice. */
import { expect } from "chai";
import { roleAccessControls } from "../components/access";
import { aiGateway, deploymentNotice, endpointTags, invocationUrl, servedEntities, trafficRoutes } from "../components/serving-spec";
import { EndpointSettings } from "../components/settings/serving";

const ab: EndpointSettings = {
    key: "classifier",
    name: "lakehouse-classifier",
    enabled: true,
    entities: [
        { name: "champion", model: "pneumonia_poc_classifier", version: "3", workloadSize: "Small", scaleToZero: true },
        { name: "challenger", model: "pneumonia_poc_classifier_pytorch", version: "1", workloadSize: "Medium", scaleToZero: false },
    ],
    traffic: { champion: 90, challenger: 10 },
    consumers: ["analysts", "pipeline"],
    rateLimits: [{ calls: 60, key: "user", renewalPeriod: "minute" }],
    inferenceTablePrefix: "lakehouse_classifier",
};
const models = {
    pneumonia_poc_classifier: "cat.lakehouse_gold.pneumonia_poc_classifier",
    pneumonia_poc_classifier_pytorch: "cat.lakehouse_gold.pneumonia_poc_classifier_pytorch",
};

describe("serving spec", () => {
    it("serves each entity under its stable name, with the full UC model name, pinned version, size and scale-to-zero", () => {
        expect(servedEntities(ab, models)).to.deep.equal([
            { name: "challenger", entityName: models.pneumonia_poc_classifier_pytorch, entityVersion: "1", workloadSize: "Medium", workloadType: "CPU", scaleToZeroEnabled: false },
            { name: "champion", entityName: models.pneumonia_poc_classifier, entityVersion: "3", workloadSize: "Small", workloadType: "CPU", scaleToZeroEnabled: true },
        ]);
    });

    it("routes by entity name with the configured percentages, whatever the order entities are written in", () => {
        const reordered = { ...ab, entities: [...ab.entities].reverse() };
        expect(trafficRoutes(ab)).to.deep.equal([
            { servedEntityName: "challenger", trafficPercentage: 10 },
            { servedEntityName: "champion", trafficPercentage: 90 },
        ]);
        expect(trafficRoutes(reordered)).to.deep.equal(trafficRoutes(ab));
        expect(servedEntities(reordered, models)).to.deep.equal(servedEntities(ab, models));
    });

    it("fails loudly when a model has no full name (wiring error)", () => {
        expect(() => servedEntities(ab, {})).to.throw(/pneumonia_poc_classifier/);
    });

    it("turns on usage tracking and inference tables in the given schema with the endpoint's prefix, plus its rate limits", () => {
        expect(aiGateway(ab, "cat", "lakehouse_gold")).to.deep.equal({
            usageTrackingConfig: { enabled: true },
            inferenceTableConfig: { enabled: true, catalogName: "cat", schemaName: "lakehouse_gold", tableNamePrefix: "lakehouse_classifier" },
            rateLimits: [{ calls: 60, key: "user", renewalPeriod: "minute" }],
        });
        const gateway = aiGateway({ ...ab, rateLimits: [] }, "cat", "s");
        expect(gateway).to.not.have.property("rateLimits");
        expect(gateway).to.not.have.any.keys("guardrails", "fallbackConfig");
    });

    it("grants CAN_QUERY and nothing else, naming each principal the way the ACL API wants", () => {
        const principals = {
            analysts: { kind: "group" as const, name: "Data Analysts" },
            pipeline: { kind: "servicePrincipal" as const, name: "0f8fad5b-d9cb-469f-a165-70867728950e" },
            owner: { kind: "user" as const, name: "a@b.io" },
        };
        expect(roleAccessControls(["analysts", "pipeline", "owner"], principals, "CAN_QUERY")).to.deep.equal([
            { groupName: "Data Analysts", permissionLevel: "CAN_QUERY" },
            { servicePrincipalName: "0f8fad5b-d9cb-469f-a165-70867728950e", permissionLevel: "CAN_QUERY" },
            { userName: "a@b.io", permissionLevel: "CAN_QUERY" },
        ]);
        expect(() => roleAccessControls(["ghost"], principals, "CAN_QUERY")).to.throw(/ghost/);
    });

    it("tags endpoints with the stack tags in a stable order", () => {
        expect(endpointTags({ stack: "dev", project: "lakehouse" })).to.deep.equal([
            { key: "project", value: "lakehouse" },
            { key: "stack", value: "dev" },
        ]);
    });

    it("builds the invocation URL clients POST to", () => {
        expect(invocationUrl("https://adb-1.2.azuredatabricks.net/", "lakehouse-classifier")).to.equal(
            "https://adb-1.2.azuredatabricks.net/serving-endpoints/lakehouse-classifier/invocations",
        );
    });

    it("says which model versions an enabled endpoint expects, with each route", () => {
        expect(deploymentNotice(ab, models)).to.equal(
            "endpoint lakehouse-classifier serves cat.lakehouse_gold.pneumonia_poc_classifier v3 (champion, 90%) and " +
                "cat.lakehouse_gold.pneumonia_poc_classifier_pytorch v1 (challenger, 10%) — register them before pulumi up",
        );
    });

    it("says what a disabled endpoint needs before it can be enabled", () => {
        const notice = deploymentNotice({ ...ab, enabled: false }, models);
        expect(notice).to.contain("endpoint lakehouse-classifier is disabled");
        expect(notice).to.contain("register cat.lakehouse_gold.pneumonia_poc_classifier v3 (champion) and cat.lakehouse_gold.pneumonia_poc_classifier_pytorch v1 (challenger)");
        expect(notice).to.contain("pulumi config set --path serving.endpoints.classifier.enabled true");
    });
});
