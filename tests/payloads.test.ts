/**
 * Inference payloads (issue 14h): the serving endpoints log requests and responses to a schema of
 * their own, read only by the configured auditors, and the pack refuses any other arrangement.
 */
import { expect } from "chai";
import { planOf, planTrained, rejectedConfig } from "./helpers";

const T = {
    schema: "databricks:index/schema:Schema",
    grants: "databricks:index/grants:Grants",
    serving: "databricks:index/modelServing:ModelServing",
};

/** Principal → privileges on one grant resource. */
function holders(grants: { inputs: Record<string, unknown> }): Record<string, string[]> {
    return Object.fromEntries((grants.inputs.grants as { principal: string; privileges: string[] }[]).map((g) => [g.principal, [...g.privileges].sort()]));
}

describe("payloads: the inference tables' own schema", () => {
    it("creates <schema>_payloads beside the layers, protected in production, and points every endpoint's inference tables at it", async () => {
        const s = await planTrained("prod");
        const payloads = s.named(T.schema, "schema-payloads");
        expect(payloads.inputs).to.include({ catalogName: "lakehouse_prod", name: "lakehouse_payloads" });
        expect(String(payloads.inputs.storageRoot)).to.match(/^abfss:\/\/gold@[a-z0-9]+\.dfs\.core\.windows\.net\/payloads$/);
        expect(payloads.protect).to.equal(true);
        expect(payloads.inputs.properties).to.deep.equal({ contents: "inference-payloads" });
        const endpoints = s.ofType(T.serving);
        expect(endpoints).to.have.length(2);
        for (const e of endpoints) {
            expect((e.inputs.aiGateway as any).inferenceTableConfig).to.include({ enabled: true, catalogName: "lakehouse_prod", schemaName: "lakehouse_payloads" });
        }
    });

    it("grants the payload schema to the prod auditors only: USE_SCHEMA and SELECT, with USE_CATALOG to reach it", async () => {
        const s = await planTrained("prod");
        expect(holders(s.named(T.grants, "grants-schema-payloads"))).to.deep.equal({ "clinical-auditors": ["SELECT", "USE_SCHEMA"] });
        expect(holders(s.named(T.grants, "grants-catalog"))["clinical-auditors"]).to.deep.equal(["USE_CATALOG"]);
        // The readers of gold read no payload: none of them holds anything on the payload schema or SELECT on the catalog.
        for (const g of s.ofType(T.grants)) {
            if (g.name === "grants-schema-payloads") continue;
            for (const [principal, privileges] of Object.entries(holders(g))) {
                if (g.name === "grants-catalog") expect(privileges, principal).to.not.include("SELECT");
                else expect(principal, g.name).to.not.equal("clinical-auditors");
            }
        }
        expect(s.document.policies.violations.filter((v) => v.policy === "serving-payloads-private")).to.deep.equal([]);
    });

    it("grants nothing on the payload schema in dev, where no auditor is configured", async () => {
        const s = await planTrained("dev");
        expect(s.named(T.schema, "schema-payloads").inputs.name).to.equal("lakehouse_payloads");
        expect(s.ofType(T.grants).map((g) => g.name)).to.not.include("grants-schema-payloads");
        expect(s.document.policies.violations.filter((v) => v.policy === "serving-payloads-private")).to.deep.equal([]);
    });

    it("fails the plan when a config change lets the analysts read every schema of the catalog, payloads included, with or without endpoints on", async () => {
        for (const s of [await planTrained("prod", 'grants.analysts.catalog=["USE_CATALOG","USE_SCHEMA","SELECT"]'), await planOf("prod", 'grants.analysts.catalog=["USE_CATALOG","USE_SCHEMA","SELECT"]')]) {
            const found = s.document.policies.violations.filter((v) => v.policy === "serving-payloads-private");
            expect(found.map((v) => v.level)).to.deep.equal(["mandatory"]);
            expect(found[0].message).to.match(/^"data-analysts" can read them \(SELECT\) without being an auditor: catalog lakehouse_prod reaches the inference payloads in lakehouse_prod\.lakehouse_payloads/);
        }
    });
});

describe("payloads: bad input is rejected before any resource, with the key named", () => {
    const cases: [string, string[], string, RegExp][] = [
        ["a layer that takes the payload schema's name", ['layers=["bronze","silver","gold","payloads"]'], "lakehouse:layers", /other than "payloads"/],
        ["the app as an auditor", ['payloadAuditors=["app"]'], "lakehouse:payloadAuditors[0]", /not the platform's app principal/],
        ["the pipeline as an auditor", ['payloadAuditors=["pipeline"]'], "lakehouse:payloadAuditors[0]", /not the platform's pipeline principal/],
        ["an undeclared auditor", ['payloadAuditors=["ghosts"]'], "lakehouse:payloadAuditors[0]", /declared in lakehouse:principals/],
        ["an auditor listed twice", ['payloadAuditors=["auditors","auditors"]'], "lakehouse:payloadAuditors[1]", /no duplicates/],
        ["auditors that are not a list", ["payloadAuditors=auditors"], "lakehouse:payloadAuditors", /a list of roles/],
        ["a grant on the payload schema in the matrix", ['grants.analysts.schemas.payloads=["USE_SCHEMA","SELECT"]'], "lakehouse:grants.analysts.schemas.payloads", /lakehouse:payloadAuditors/],
    ];
    for (const [what, sets, key, says] of cases) {
        it(`rejects ${what} (${key})`, async () => {
            const err = await rejectedConfig("prod", ...sets);
            const issue = err.issues.find((i) => `lakehouse:${i.key}` === key || i.key === key);
            expect(issue, `${key} in ${err.message}`).to.not.equal(undefined);
            expect(err.message).to.match(says);
        });
    }
});
