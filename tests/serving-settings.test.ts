/**
 * `lakehouse:serving`, pure: endpoints merged over the defaults, traffic routes, consumers, rate
 * limits, inference table prefixes, and every bad value rejected with its key.
 */
import { expect } from "chai";
import { parsePlatform } from "../components/settings/platform";
import { parsePrincipals } from "../components/settings/principals";
import { SERVING_DEFAULTS, ServingSettings, parseServing, withDefaults } from "../components/settings/serving";
import { Checker, ConfigError, PlainObject } from "../components/settings/validate";
import { resolveConfig } from "../components/config";
import { configRejection } from "./helpers";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const principalsRaw = { principals: { analysts: { group: "Data Analysts" }, scorer: { servicePrincipal: "0f8fad5b-d9cb-469f-a165-70867728950e" } } };

function parse(serving: unknown, extra: PlainObject = {}): { settings: ServingSettings; check: Checker } {
    const check = new Checker();
    const raw: PlainObject = { ...principalsRaw, ...extra, serving };
    const platform = parsePlatform(check, raw, "westeurope", context);
    const principals = parsePrincipals(check, raw);
    const settings = parseServing(check, raw, platform, principals);
    return { settings, check };
}

function ok(serving: unknown, extra: PlainObject = {}): ServingSettings {
    const { settings, check } = parse(serving, extra);
    check.done();
    return settings;
}

function rejected(serving: unknown): ConfigError {
    const { check } = parse(serving);
    try {
        check.done();
    } catch (err) {
        return err as ConfigError;
    }
    throw new Error(`expected ${JSON.stringify(serving)} to be rejected`);
}

const endpoint = (s: ServingSettings, key: string) => {
    const found = s.endpoints.find((e) => e.key === key);
    expect(found, `endpoint ${key}`).to.not.equal(undefined);
    return found!;
};

describe("serving settings: defaults and merging", () => {
    it("gives the A/B endpoint the serving.traffic split and the feedback endpoint 100%", () => {
        const s = ok({ traffic: { champion: 90, challenger: 10 } });
        expect(endpoint(s, "classifier").traffic).to.deep.equal({ champion: 90, challenger: 10 });
        expect(endpoint(s, "feedback").traffic).to.deep.equal({ processor: 100 });
    });

    it("keeps the default endpoints when a stack edits one field (pulumi config set --path serving.endpoints.feedback.enabled false)", () => {
        const s = ok({ endpoints: { feedback: { enabled: false } } });
        expect(s.endpoints.map((e) => e.key)).to.deep.equal(["classifier", "feedback"]);
        expect(endpoint(s, "feedback").enabled).to.equal(false);
        expect(endpoint(s, "feedback").entities.map((e) => e.model)).to.deep.equal(["feedback_processor"]);
    });

    it("promotes a version by changing one field: routes and entity names stay", () => {
        const s = ok({ endpoints: { classifier: { entities: { challenger: { version: 2 } } } } });
        const challenger = endpoint(s, "classifier").entities.find((e) => e.name === "challenger")!;
        expect(challenger).to.include({ model: "pneumonia_poc_classifier_pytorch", version: "2" });
        expect(endpoint(s, "classifier").traffic).to.deep.equal({ champion: 50, challenger: 50 });
    });

    it("removes a default endpoint or entity with null (YAML ~)", () => {
        const s = ok({ endpoints: { feedback: null, classifier: { entities: { challenger: null } } } });
        expect(s.endpoints.map((e) => e.key)).to.deep.equal(["classifier"]);
        expect(endpoint(s, "classifier").entities.map((e) => e.name)).to.deep.equal(["champion"]);
        expect(endpoint(s, "classifier").traffic).to.deep.equal({ champion: 100 });
    });

    it("merges field by field and passes non-objects through to be rejected", () => {
        expect(withDefaults({ a: { x: 2 } }, { a: { x: 1, y: 1 }, b: { z: 1 } })).to.deep.equal({ a: { x: 2, y: 1 }, b: { z: 1 } });
        expect(withDefaults({ a: "oops" }, { a: { x: 1 } })).to.deep.equal({ a: "oops" });
    });

    it("sizes workloads from computeSize, per entity overridable, and takes scale-to-zero from config", () => {
        const s = ok({ scaleToZero: false, endpoints: { classifier: { entities: { champion: { workloadSize: "Large" } } } } }, { computeSize: "medium" });
        const [challenger, champion] = ["challenger", "champion"].map((n) => endpoint(s, "classifier").entities.find((e) => e.name === n)!);
        expect(champion).to.include({ workloadSize: "Large", scaleToZero: false });
        expect(challenger).to.include({ workloadSize: "Medium", scaleToZero: false });
    });

    it("derives a distinct inference table prefix per endpoint from its name", () => {
        const s = ok({});
        expect(s.endpoints.map((e) => e.inferenceTablePrefix)).to.deep.equal(["lakehouse_classifier", "lakehouse_feedback"]);
        expect(endpoint(ok({ endpoints: { classifier: { inferenceTablePrefix: "pneumonia_ab" } } }), "classifier").inferenceTablePrefix).to.equal("pneumonia_ab");
    });

    it("applies serving.consumers and serving.rateLimits to every endpoint unless it sets its own", () => {
        const s = ok({
            consumers: ["analysts"],
            rateLimits: [{ calls: 100, key: "user" }],
            endpoints: { feedback: { consumers: ["scorer", "pipeline"], rateLimits: [] } },
        });
        expect(endpoint(s, "classifier").consumers).to.deep.equal(["analysts"]);
        expect(endpoint(s, "classifier").rateLimits).to.deep.equal([{ calls: 100, key: "user", renewalPeriod: "minute" }]);
        expect(endpoint(s, "feedback").consumers).to.deep.equal(["scorer", "pipeline"]);
        expect(endpoint(s, "feedback").rateLimits).to.deep.equal([]);
    });

    it("defaults to no consumers and no rate limits, as Pulumi.yaml declares", () => {
        const s = ok(undefined);
        expect(s.consumers).to.deep.equal([]);
        expect(s.rateLimits).to.deep.equal([]);
        expect(SERVING_DEFAULTS.consumers).to.deep.equal([]);
    });
});

describe("serving settings: bad values are rejected with the key named", () => {
    const cases: { title: string; serving: unknown; key: string; says: RegExp }[] = [
        { title: "split not adding up to 100", serving: { traffic: { champion: 60, challenger: 50 } }, key: "serving.traffic", says: /add up to 110/ },
        { title: "negative percentage", serving: { traffic: { champion: 110, challenger: -10 } }, key: "serving.traffic.challenger", says: /integer from 0 to 100/ },
        { title: "fractional percentage", serving: { traffic: { champion: 50.5, challenger: 49.5 } }, key: "serving.traffic.champion", says: /integer from 0 to 100/ },
        { title: "route to a missing entity", serving: { traffic: { champion: 50, canary: 50 } }, key: "serving.traffic.canary", says: /one of the endpoint's entities \(champion, challenger\)/ },
        { title: "entity without a route", serving: { traffic: { champion: 100 } }, key: "serving.traffic.challenger", says: /a route for every served entity/ },
        { title: "route to a missing entity of an endpoint's own split", serving: { endpoints: { feedback: { traffic: { other: 100 } } } }, key: "serving.endpoints.feedback.traffic.other", says: /processor/ },
        { title: "unknown workload size", serving: { endpoints: { classifier: { entities: { champion: { workloadSize: "XL" } } } } }, key: "serving.endpoints.classifier.entities.champion.workloadSize", says: /Small \| Medium \| Large/ },
        { title: "endpoint name Databricks would reject", serving: { endpoints: { classifier: { name: "pneumonia classifier!" } } }, key: "serving.endpoints.classifier.name", says: /letters, digits, - and _/ },
        { title: "endpoint name reserved by Databricks", serving: { endpoints: { classifier: { name: "databricks-classifier" } } }, key: "serving.endpoints.classifier.name", says: /reserved/ },
        { title: "two endpoints with one name", serving: { endpoints: { feedback: { name: "lakehouse-classifier" } } }, key: "serving.endpoints.feedback.name", says: /serving.endpoints.classifier is also named/ },
        { title: "version that is not an integer", serving: { endpoints: { classifier: { entities: { champion: { version: "latest" } } } } }, key: "serving.endpoints.classifier.entities.champion.version", says: /integer from 1/ },
        { title: "undeclared consumer role", serving: { consumers: ["marketing"] }, key: "serving.consumers[0]", says: /declared in lakehouse:principals/ },
        { title: "the app as a consumer", serving: { consumers: ["app"] }, key: "serving.consumers[0]", says: /resources block/ },
        { title: "rate limit keyed by something Databricks does not count", serving: { rateLimits: [{ calls: 10, key: "ip" }] }, key: "serving.rateLimits[0].key", says: /user \| endpoint/ },
        { title: "rate limit without calls", serving: { rateLimits: [{ key: "user" }] }, key: "serving.rateLimits[0].calls", says: /calls allowed/ },
        { title: "rate limit per hour", serving: { rateLimits: [{ calls: 10, renewalPeriod: "hour" }] }, key: "serving.rateLimits[0].renewalPeriod", says: /minute/ },
        { title: "token rate limit on a custom model", serving: { rateLimits: [{ tokens: 1000 }] }, key: "serving.rateLimits[0].tokens", says: /only to foundation-model and external-model/ },
        { title: "two limits on one key", serving: { rateLimits: [{ calls: 10, key: "user" }, { calls: 20, key: "user" }] }, key: "serving.rateLimits[1].key", says: /one limit per key/ },
        { title: "guardrails on a custom-model endpoint", serving: { endpoints: { classifier: { guardrails: { input: { pii: { behavior: "BLOCK" } } } } } }, key: "serving.endpoints.classifier.guardrails", says: /not on custom-model endpoints/ },
        { title: "guardrails for every endpoint", serving: { guardrails: { input: { safety: true } } }, key: "serving.guardrails", says: /not on custom-model endpoints/ },
        { title: "traffic fallback on a custom-model endpoint", serving: { endpoints: { classifier: { fallback: { enabled: true } } } }, key: "serving.endpoints.classifier.fallback", says: /only on external-model endpoints/ },
        { title: "two endpoints logging to one inference table", serving: { endpoints: { feedback: { inferenceTablePrefix: "lakehouse_classifier" } } }, key: "serving.endpoints.feedback.inferenceTablePrefix", says: /also logs to lakehouse_classifier_payload/ },
        { title: "more served entities than Databricks allows", serving: { endpoints: { feedback: { entities: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`m${i}`, { model: `m${i}`, version: 1 }])) } } }, key: "serving.endpoints.feedback.entities", says: /at most 10/ },
        { title: "serving.traffic that no endpoint uses", serving: { traffic: { processor: 100 }, endpoints: { classifier: null } }, key: "serving.traffic", says: /no endpoint uses serving.traffic/ },
        { title: "a typo in an endpoint field", serving: { endpoints: { classifier: { enabeld: false } } }, key: "serving.endpoints.classifier.enabeld", says: /known field/ },
    ];
    for (const c of cases) {
        it(`rejects ${c.title} (${c.key})`, () => {
            const err = rejected(c.serving);
            expect(err.keys).to.include(`lakehouse:${c.key}`);
            expect(err.message).to.match(c.says);
        });
    }
});

describe("serving: registered models have a lifecycle of their own (lakehouse:models)", () => {
    const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };

    it("refuses an entity whose model lakehouse:models does not declare, naming where to add it", () => {
        const err = configRejection(
            () => resolveConfig({ serving: { endpoints: { classifier: { entities: { challenger: { model: "churn_model", version: 1 } } } } } }, "westeurope", context),
            "undeclared model",
        );
        expect(err.keys).to.deep.equal(["lakehouse:serving.endpoints.classifier.entities.challenger.model"]);
        expect(err.message).to.contain("a model declared in lakehouse:models");
    });

    it("keeps every declared model when serving stops using it (promotion or removal of an entity changes no model)", () => {
        const before = resolveConfig({}, "westeurope", context);
        const after = resolveConfig({ serving: { endpoints: { feedback: null, classifier: { entities: { challenger: null } } } } }, "westeurope", context);
        expect(after.catalog.models).to.deep.equal(before.catalog.models);
    });
});
