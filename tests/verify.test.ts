/**
 * `npm run verify` and the provider-answered `--diff-set`: the pure parts (version extraction, recipes,
 * the protocol's value encoding, the Pulumi → Terraform mapping, unknown propagation, the report).
 * Driving the built provider is `npm run verify`'s own job (it needs the Go build), not npm test's.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CtyValue, UNKNOWN, decode, encode } from "../tools/verify/cty";
import { argsFields, compareFields } from "../tools/verify/drift";
import { cacheKey } from "../tools/verify/build";
import { RECIPES, providerOfType } from "../tools/verify/recipes";
import { DiffInput, ReplacementAsker, UNKNOWN_INPUT, propagate } from "../tools/verify/replace";
import { TfBlock, camel, impliedType, knownOrNull, plural, proposedNew, pulumiPathFor, snake, terraformTypeName, toTerraform } from "../tools/verify/schema";
import { renderReport, summarize } from "../tools/verify/table";
import { ResourceVerdict, scrubSecrets } from "../tools/verify/validate";
import { PROVIDER_SDKS, sdkVersions } from "../tools/verify/versions";
import { DIFF_CHECKS } from "../tools/verify";
import { planDiff } from "../tools/plan";
import { parseOverride } from "../tools/stack-config";

const ROOT = path.resolve(__dirname, "..");

describe("verify: versions and recipes", () => {
    it("reads every provider SDK's version from package-lock.json", () => {
        const lock = { packages: Object.fromEntries(PROVIDER_SDKS.map((p, i) => [`node_modules/@pulumi/${p}`, { version: `1.${i}.0` }])) };
        expect(sdkVersions(lock)).to.deep.equal({ databricks: "1.0.0", azuread: "1.1.0", random: "1.2.0", command: "1.3.0", "azure-native": "1.4.0" });
        expect(() => sdkVersions({ packages: {} })).to.throw(/node_modules\/@pulumi\/databricks/);
    });

    it("has a decision for the SDK version the project pins: an upstream build, or the reason there is none", () => {
        const pinned = sdkVersions(JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")));
        for (const p of PROVIDER_SDKS) {
            const recipe = RECIPES[p];
            expect(recipe.upstream[pinned[p]] !== undefined || (recipe.noUpstream ?? "").length > 20, `${p} ${pinned[p]}: add it to tools/verify/recipes.ts`).to.equal(true);
            for (const u of Object.values(recipe.upstream)) expect(u.note, p).to.have.length.above(40);
        }
    });

    it("keys the build cache by SDK version and module version", () => {
        expect(cacheKey("databricks", "1.110.0", RECIPES.databricks.upstream["1.110.0"])).to.equal("databricks-1.110.0--terraform-provider-databricks@v1.123.0");
    });

    it("knows which provider serves a type, provider resources included", () => {
        expect(providerOfType("databricks:index/grants:Grants")).to.equal("databricks");
        expect(providerOfType("pulumi:providers:databricks")).to.equal("databricks");
        expect(providerOfType("azure-native:storage:StorageAccount")).to.equal("azure-native");
        expect(providerOfType("lakehouse:catalog:UnityCatalog")).to.equal(undefined);
    });
});

describe("verify: go-cty MessagePack", () => {
    it("encodes objects with every attribute, sorted, missing ones null, as go-cty does", () => {
        const bytes = encode({ b: 1, a: "x" }, ["object", { a: "string", b: "number", c: "bool" }]);
        expect([...bytes]).to.deep.equal([0x83, 0xa1, 0x61, 0xa1, 0x78, 0xa1, 0x62, 0x01, 0xa1, 0x63, 0xc0]);
    });

    it("writes unknowns as extension 0", () => {
        expect([...encode(UNKNOWN, "string")]).to.deep.equal([0xd4, 0, 0]);
    });

    it("round-trips strings, numbers, lists, maps and unknowns", () => {
        const type: any = ["object", { s: "string", n: "number", f: "number", neg: "number", l: ["list", "string"], m: ["map", "bool"], u: "string" }];
        const value: CtyValue = { s: "x".repeat(300), n: 70000, f: 1.5, neg: -40, l: ["a", "b"], m: { k: true }, u: UNKNOWN };
        expect(decode(encode(value, type))).to.deep.equal(value);
    });

    it("coerces the string forms Pulumi may carry, and refuses what does not fit", () => {
        expect(decode(encode("8", "number"))).to.equal(8);
        expect(decode(encode("true", "bool"))).to.equal(true);
        expect(() => encode({ a: 1 }, ["list", "string"])).to.throw(/expected a list/);
    });
});

const BLOCK: TfBlock = {
    attributes: [
        { name: "name", type: "string", required: true, optional: false, computed: false },
        { name: "storage_root", type: "string", required: false, optional: true, computed: true },
        { name: "properties", type: ["map", "string"], required: false, optional: true, computed: false },
        { name: "id", type: "string", required: false, optional: true, computed: true },
    ],
    blocks: [
        { name: "grant", nesting: "SET", minItems: 0, maxItems: 0, block: { attributes: [{ name: "principal", type: "string", required: true, optional: false, computed: false }, { name: "privileges", type: ["set", "string"], required: true, optional: false, computed: false }], blocks: [] } },
        { name: "run_as", nesting: "LIST", minItems: 0, maxItems: 1, block: { attributes: [{ name: "service_principal_name", type: "string", required: false, optional: true, computed: false }], blocks: [] } },
    ],
};

describe("verify: Pulumi inputs onto the provider's schema", () => {
    it("converts names as the bridge does", () => {
        expect(camel("service_principal_name")).to.equal("servicePrincipalName");
        expect(snake("ModelServing")).to.equal("model_serving");
        expect(plural("library")).to.equal("libraries");
        expect(plural("access_control")).to.equal("access_controls");
        expect(terraformTypeName("databricks:index/sqlEndpoint:SqlEndpoint")).to.equal("databricks_sql_endpoint");
    });

    it("maps plural list blocks, flattened single blocks, maps and unknowns, and reports what has no field", () => {
        const issues: { path: string; message: string }[] = [];
        const tf = toTerraform(BLOCK, { name: "c", properties: { a_b: "1" }, grants: [{ principal: "p", privileges: ["USE_CATALOG"] }], runAs: { servicePrincipalName: UNKNOWN_INPUT }, bogus: 1 }, issues);
        expect(tf).to.deep.equal({
            name: "c",
            storage_root: null,
            properties: { a_b: "1" },
            id: null,
            grant: [{ principal: "p", privileges: ["USE_CATALOG"] }],
            run_as: [{ service_principal_name: UNKNOWN }],
        });
        expect(issues).to.deep.equal([{ path: "bogus", message: "the provider's schema has no such field" }]);
        expect(impliedType(BLOCK)).to.deep.equal([
            "object",
            {
                name: "string",
                storage_root: "string",
                properties: ["map", "string"],
                id: "string",
                grant: ["set", ["object", { principal: "string", privileges: ["set", "string"] }]],
                run_as: ["list", ["object", { service_principal_name: "string" }]],
            },
        ]);
    });

    it("names the provider's attribute paths as Pulumi inputs", () => {
        const step = (n: string) => ({ selector: "attribute_name", attribute_name: n });
        expect(pulumiPathFor(BLOCK, [step("run_as"), { selector: "element_key_int", element_key_int: 0 }, step("service_principal_name")])).to.equal("runAs.servicePrincipalName");
        expect(pulumiPathFor(BLOCK, [step("grant")])).to.equal("grants");
        expect(pulumiPathFor(BLOCK, [step("storage_root")])).to.equal("storageRoot");
    });

    it("proposes the new state as Terraform does: config, with computed values the config leaves null kept from the prior state", () => {
        const prior = knownOrNull({ name: "a", storage_root: "abfss://x", id: "1", properties: null, grant: [], run_as: UNKNOWN } as any) as any;
        expect(prior.run_as).to.equal(null);
        const next = proposedNew(BLOCK, prior, { name: "b", storage_root: null, id: null, properties: null, grant: [], run_as: [] });
        expect(next).to.include({ name: "b", storage_root: "abfss://x", id: "1" });
    });

    it("reads an SDK's declared inputs and compares them with the provider's", () => {
        const dts = "export interface AppArgs {\n    /** d */\n    name?: pulumi.Input<string>;\n    sourceCodePath?: pulumi.Input<string>;\n}\n";
        expect(argsFields(dts, "App")).to.deep.equal(["name", "sourceCodePath"]);
        const drift = compareFields("x", ["name", "grants", "sourceCodePath"], BLOCK);
        expect(drift.sdkOnly).to.deep.equal(["sourceCodePath"]);
        expect(drift.providerOnly).to.deep.equal(["storage_root", "properties", "id", "run_as"]);
    });
});

describe("verify: unknowns propagate as a preview does", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::lakehouse::${type}::${name}`;
    const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
    const SCOPE = "databricks:index/secretScope:SecretScope";
    const SECRET = "databricks:index/secret:Secret";
    const PROVIDER = "pulumi:providers:databricks";
    const r = (type: string, name: string, rawInputs: Record<string, unknown>, extra: Partial<DiffInput> = {}): DiffInput => ({ urn: urn(type, name), type, name, provider: "", rawInputs, ...extra });
    const provider = (host: string) => r(PROVIDER, "workspace-provider", { host, azureWorkspaceResourceId: "/w" });
    const world = (window: string, scopeName = "s", host = "https://a") => [
        provider(host),
        r(PASSWORD, "client-secret", { displayName: window }),
        r(SCOPE, "secret-scope", { name: scopeName }, { provider: urn(PROVIDER, "workspace-provider") }),
        r(SECRET, "client-secret-value", { key: "k", scope: scopeName, stringValue: "pw" }, {
            provider: urn(PROVIDER, "workspace-provider"),
            propertyDependencies: { stringValue: [urn(PASSWORD, "client-secret")], scope: [urn(SCOPE, "secret-scope")] },
        }),
    ];
    /** Stands in for the Databricks provider: a Secret replaces on any change (no update), a scope on a new name. */
    const asker: ReplacementAsker = {
        async ask(res, before, after) {
            if (!res.type.startsWith("databricks:")) return undefined;
            const changed = Object.keys({ ...before, ...after }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
            return { replace: res.type === SECRET || res.type === SCOPE ? changed : [], rejected: [], by: "stub-provider" };
        },
    };

    it("rotating the pipeline secret replaces the Entra password, and the Databricks secret holding its value with it", async () => {
        const answers = await propagate(world("2026-09"), world("2026-11"), asker);
        expect(answers.get(urn(PASSWORD, "client-secret"))).to.include({ action: "replace" });
        expect(answers.get(urn(PASSWORD, "client-secret"))!.decidedBy).to.match(/replacement\.ts/);
        const secret = answers.get(urn(SECRET, "client-secret-value"))!;
        expect(secret).to.include({ action: "replace", decidedBy: "stub-provider" });
        expect(secret.unknownInputs).to.deep.equal([{ input: "stringValue", waitsFor: ["client-secret (replaced)"] }]);
        expect(answers.has(urn(SCOPE, "secret-scope"))).to.equal(false);
    });

    it("keeps a replaced resource's own inputs known to its dependents (a name it was given)", async () => {
        const answers = await propagate(world("w", "s"), world("w", "t"), asker);
        expect(answers.get(urn(SCOPE, "secret-scope"))).to.include({ action: "replace" });
        const secret = answers.get(urn(SECRET, "client-secret-value"))!;
        expect(secret.unknownInputs).to.deep.equal([]);
        expect(secret.effects.map((e) => e.path)).to.deep.equal(["scope"]);
    });

    it("makes a new workspace URL a knock-on for every resource of the provider", async () => {
        const answers = await propagate(world("w"), world("w", "s", "https://b"), asker);
        expect(answers.get(urn(PROVIDER, "workspace-provider"))!.effects.map((e) => e.path)).to.deep.equal(["host"]);
        for (const name of ["secret-scope", "client-secret-value"]) {
            const a = [...answers.values()].find((x) => x.urn.endsWith(`::${name}`))!;
            expect(a.action, name).to.equal("replace");
            expect(a.effects.some((e) => e.path === "(provider)"), name).to.equal(true);
        }
    });

    it("without the built provider, leaves a Databricks type undecided instead of guessing", async () => {
        const answers = await propagate(world("w", "s"), world("w", "t"), undefined);
        expect(answers.get(urn(SCOPE, "secret-scope"))).to.include({ modelled: false, action: "update" });
    });
});

describe("verify: the report", () => {
    const v = (status: ResourceVerdict["status"], extra: Partial<ResourceVerdict> = {}): ResourceVerdict => ({
        urn: "u",
        type: "databricks:index/catalog:Catalog",
        name: "catalog",
        provider: "databricks",
        status,
        by: "terraform-provider-databricks@v1",
        errors: [],
        warnings: [],
        unmapped: [],
        ...extra,
    });

    it("ends with the issue's line and the CI counts (passed = accepted, failed = rejected)", () => {
        const plans = [
            { plan: "dev", verdicts: [v("accepted"), v("rejected", { errors: [{ field: "isolationMode", message: "expected one of [OPEN ISOLATED]" }] })] },
            { plan: "prod", verdicts: [v("accepted"), v("not verified", { provider: "random", type: "random:index/randomString:RandomString", by: undefined })] },
        ];
        expect(summarize(plans)).to.deep.include({ validated: 3, rejected: 1, accepted: 2, notVerified: 1 });
        const lines = renderReport(plans, { unavailable: [{ provider: "random", sdkVersion: "4.21.2", reason: "module proxy: 403" }] });
        expect(lines.slice(-2)).to.deep.equal(["3 resources validated by 1 provider, 1 rejected", "2 passed, 1 failed"]);
        expect(lines.join("\n")).to.contain("[dev] databricks:index/catalog:Catalog catalog: isolationMode: expected one of [OPEN ISOLATED]");
        expect(lines.join("\n")).to.contain("random 4.21.2 (1 resource across the plans): module proxy: 403");
    });

    it("never prints a secret a provider's message echoes", () => {
        expect(scrubSecrets("expected x, got hunter2-secret", { stringValue: "hunter2-secret", key: "k" }, ["stringValue"])).to.equal("expected x, got [secret]");
    });
});

describe("verify: the --diff-set checks it runs end to end", () => {
    it("names resources each check's change really touches in the plan (so a check cannot pass or fail on a resource that is not there)", async () => {
        for (const c of DIFF_CHECKS) {
            const { diff } = await planDiff(c.stack, c.base.map(parseOverride), c.sets.map(parseOverride), { askProviders: false });
            const changed = diff.changed.map((x) => x.name);
            for (const e of c.expect) expect(changed, `[${c.stack}] ${c.title}: ${e.name}`).to.include(e.name);
        }
    });
});
