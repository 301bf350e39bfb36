/**
 * The CrossGuard pack: every policy against violating and compliant resources, the policy
 * config the stacks use, the dev and prod plans, the plan CLI's exit code on a broadened grant,
 * and the README table generated from the code.
 */
import Ajv from "ajv";
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PUBLIC_RULES, coverage, parsePublicRuleIds } from "../policies/public-rules";
import { allPolicies, productionPolicies } from "../policies/rules";
import { dataProtectedInProduction } from "../policies/rules/data-protection";
import { PolicyPackConfig, runPolicies, stackPolicyConfig } from "../policies/runner";
import { figuresText, packFigures, policyTable } from "../tools/policy-docs";
import { readSection } from "../tools/readme";
import { planOf } from "./helpers";
import { CASES } from "./policy-cases";
import { violationsOf } from "./policy-fixtures";

const root = path.resolve(__dirname, "..");

describe("policy pack: every policy is documented and configurable", () => {
    it("has a unique name, a reviewer-readable description and an enforcement level", () => {
        const names = allPolicies.map((p) => p.name);
        expect(new Set(names).size, "unique names").to.equal(names.length);
        for (const p of allPolicies) {
            expect(p.name, p.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(p.description.length, `${p.name} description`).to.be.greaterThan(40);
            expect(["mandatory", "advisory"], `${p.name} level`).to.include(p.enforcementLevel);
        }
    });

    it("has at least 30 policies, mandatory and advisory", () => {
        const f = packFigures();
        expect(f.total).to.be.at.least(30);
        expect(f.byLevel.mandatory).to.be.greaterThan(0);
        expect(f.byLevel.advisory).to.be.greaterThan(0);
    });

    it("gives every config property a default that satisfies its own schema", () => {
        const ajv = new Ajv({ strict: false });
        for (const p of allPolicies.filter((x) => x.configSchema)) {
            for (const [key, schema] of Object.entries(p.configSchema!.properties)) {
                expect(schema, `${p.name}.${key}`).to.have.property("default");
                const validate = ajv.compile(schema as object);
                expect(validate((schema as { default: unknown }).default), `${p.name}.${key}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
            }
        }
    });
});

describe("policy pack: each policy against violating and compliant resources", () => {
    it("has at least one violating and one compliant case for every policy (and no case for a policy that does not exist)", () => {
        const missing = allPolicies.filter((p) => !CASES[p.name] || CASES[p.name].violating.length === 0 || CASES[p.name].compliant.length === 0).map((p) => p.name);
        expect(missing, "policies without both kinds of case").to.deep.equal([]);
        const names = allPolicies.map((p) => p.name);
        expect(Object.keys(CASES).filter((n) => !names.includes(n)), "cases for unknown policies").to.deep.equal([]);
    });

    for (const policy of allPolicies) {
        const cases = CASES[policy.name];
        if (!cases) continue;
        describe(policy.name, () => {
            for (const c of cases.violating) {
                it(`flags ${c.title}`, async () => {
                    const violations = await violationsOf(policy, c.resources(), c.config);
                    expect(violations.length, "violations").to.be.greaterThan(0);
                    for (const v of violations) expect(v.policy).to.equal(policy.name);
                    if (c.says) expect(violations.map((v) => v.message).join("\n")).to.match(c.says);
                });
            }
            for (const c of cases.compliant) {
                it(`passes ${c.title}`, async () => {
                    expect((await violationsOf(policy, c.resources(), c.config)).map((v) => v.message)).to.deep.equal([]);
                });
            }
        });
    }
});

describe("policy config of the stacks (policies/config/<stack>.json)", () => {
    const ajv = new Ajv({ strict: false });
    for (const stack of ["dev", "prod"]) {
        it(`${stack}.json names existing policies with valid levels and values`, () => {
            const config = stackPolicyConfig(stack);
            for (const [name, entry] of Object.entries(config)) {
                const policy = allPolicies.find((p) => p.name === name);
                expect(policy, `policy ${name}`).to.not.equal(undefined);
                const { enforcementLevel, ...values } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
                if (enforcementLevel) expect(["mandatory", "advisory", "disabled"]).to.include(enforcementLevel);
                for (const [key, value] of Object.entries(values)) {
                    const schema = policy!.configSchema?.properties[key];
                    expect(schema, `${name}.${key} is in the policy's config schema`).to.not.equal(undefined);
                    const validate = ajv.compile(schema as object);
                    expect(validate(value), `${name}.${key}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
                }
            }
        });
    }

    it("leaves production to the stack: no config file sets a production rule's level or its production flag", () => {
        for (const stack of ["dev", "prod"]) {
            const config = stackPolicyConfig(stack);
            for (const p of productionPolicies) expect(config[p.name], `${stack}.json ${p.name}`).to.equal(undefined);
        }
    });
});

describe("policy pack over the stacks' plans", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack} passes every mandatory policy`, async () => {
            const { document } = await planOf(stack);
            expect(document.policies.checked).to.equal(allPolicies.length);
            const mandatory = document.policies.violations.filter((v) => v.level === "mandatory");
            expect(mandatory.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        });
    }

    it("prod's resources fail data left unprotected whatever policy config they are previewed with; dev's pass", async () => {
        const { run } = await planOf("prod");
        const unprotected = run.resources.map((r) => ({ ...r, protect: false }));
        const flaggedWith = async (config: PolicyPackConfig) => {
            const report = await runPolicies([dataProtectedInProduction], unprotected, config);
            return [...new Set(report.violations.map((v) => v.urn.split("::").slice(-2, -1)[0].split("$").pop()))].sort();
        };
        const expected = [
            "azure-native:databricks:AccessConnector",
            "azure-native:storage:BlobContainer",
            "azure-native:storage:StorageAccount",
            "databricks:index/catalog:Catalog",
            "databricks:index/externalLocation:ExternalLocation",
            "databricks:index/registeredModel:RegisteredModel",
            "databricks:index/schema:Schema",
            "databricks:index/sqlTable:SqlTable",
            "databricks:index/storageCredential:StorageCredential",
            "databricks:index/volume:Volume",
        ].sort();
        expect(await flaggedWith(stackPolicyConfig("prod"))).to.deep.equal(expected);
        expect(await flaggedWith(stackPolicyConfig("dev")), "prod previewed with dev's config").to.deep.equal(expected);
        expect(await flaggedWith({}), "a copy of prod without a policy config").to.deep.equal(expected);
        const dev = (await planOf("dev")).run.resources.map((r) => ({ ...r, protect: false }));
        expect((await runPolicies([dataProtectedInProduction], dev, stackPolicyConfig("dev"))).violations).to.deep.equal([]);
    });

    it("MODIFY to `account users` through config fails the plan, naming the policies", async () => {
        const { document } = await planOf("dev", "principals.everyone.group=account users", 'grants.everyone.schemas.gold=["USE_SCHEMA","MODIFY"]');
        const mandatory = document.policies.violations.filter((v) => v.level === "mandatory");
        expect([...new Set(mandatory.map((v) => v.policy))].sort()).to.deep.equal(["uc-broad-groups-discovery-only", "uc-least-privilege-allowance", "uc-writes-only-by-writers"]);
        expect(mandatory.find((v) => v.policy === "uc-broad-groups-discovery-only")!.message).to.equal(
            '"account users" is granted schema lakehouse_dev.lakehouse_gold with MODIFY; everyone-groups get at most USE_CATALOG, USE_SCHEMA, BROWSE.',
        );
    });
});

describe("offline plan CLI with a broadened grant", () => {
    it("exits 2 and names the policy when the analysts role gets ALL_PRIVILEGES on the catalog", () => {
        const result = spawnSync(
            process.execPath,
            ["-r", "./tools/register.js", "tools/plan.ts", "--stack", "dev", "--set", 'grants.analysts.catalog=["ALL_PRIVILEGES"]', "--json"],
            { cwd: root, encoding: "utf8", timeout: 60_000 },
        );
        expect(result.status, result.stderr).to.equal(2);
        const doc = JSON.parse(result.stdout);
        const risky = doc.policies.violations.filter((v: { policy: string; level: string }) => v.policy === "uc-no-risky-privileges" && v.level === "mandatory");
        expect(risky.map((v: { message: string }) => v.message)).to.deep.equal([
            '"data-analysts" is granted catalog lakehouse_dev with ALL_PRIVILEGES, and is not an allow-listed admin (config "admins": none).',
        ]);
        expect(risky[0].urn).to.match(/databricks:index\/grants:Grants::grants-catalog$/);
    });
});

describe("docs: the policy table is generated from the pack", () => {
    const page = fs.readFileSync(path.join(root, "docs", "grants-and-policies.md"), "utf8");
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

    it("has the table between the markers exactly as tools/policy-docs.ts prints it", () => {
        expect(readSection(page, "policies"), "run `npm run docs`").to.equal(policyTable());
    });

    it("lists every policy with its level under ## The policy pack, and links the one preview command that runs it", () => {
        const section = page.slice(page.indexOf("## The policy pack"));
        expect(page.indexOf("## The policy pack")).to.be.greaterThan(-1);
        for (const p of allPolicies) expect(section).to.contain(`| \`${p.name}\` | ${p.enforcementLevel} |`);
        expect(section).to.contain("(../README.md#5-first-pulumi-up-of-dev)");
        expect(readme).to.contain("pulumi preview --policy-pack policies --policy-pack-config policies/config/prod.json");
    });
});

describe("coverage of the public rules REFERENCE.md lists", () => {
    it("reads the Checkov and Trivy ids from the REFERENCE.md section, expanding 35/36 and 0012/0010", () => {
        const excerpt = [
            "## Public security rules that apply here",
            "Storage account: minimum TLS 1.2 (Checkov CKV_AZURE_44, Trivy AVD-AZU-0011) · network default action Deny (CKV_AZURE_35/36, AZU-0012/0010) · soft delete (CKV2_AZURE_38, AZU-0056).",
            "## Pulumi facts",
            "CKV_AZURE_999 outside the section",
        ].join("\n");
        expect(parsePublicRuleIds(excerpt).sort()).to.deep.equal(
            ["AVD-AZU-0010", "AVD-AZU-0011", "AVD-AZU-0012", "AVD-AZU-0056", "CKV2_AZURE_38", "CKV_AZURE_35", "CKV_AZURE_36", "CKV_AZURE_44"].sort(),
        );
    });

    it("covers every listed rule, and tags policies with listed ids only", () => {
        const c = coverage(allPolicies);
        expect(c.uncovered).to.deep.equal([]);
        expect(c.unknownTags).to.deep.equal([]);
        expect(c.covered.length).to.equal(Object.keys(PUBLIC_RULES).length);
        expect(figuresText()).to.match(new RegExp(`covered: ${c.covered.length} of ${Object.keys(PUBLIC_RULES).length}$`, "m"));
    });
});
