/**
 * docs/coverage.md: generated from the rule catalogs, the answers in policies/public-rules.ts and
 * the plans; every rule about what the program creates has an answer, every answer names policies
 * the pack has, and the README's claim comes from the page's counts.
 */
import { expect } from "chai";
import * as fs from "fs";
import { CHECKOV_ANSWERS } from "../policies/public-rules";
import { allPolicies } from "../policies/rules";
import { COVERAGE_PAGE, coverage, createdArmTypes, readFigures, renderCoverage } from "../tools/coverage";
import { coverageClaim } from "../tools/policy-docs";
import { pinnedVersion } from "../tools/scanner/checkov";
import { loadCatalogs } from "../tools/scanner/catalog";
import { planOf } from "./helpers";

const catalogs = loadCatalogs();

async function current() {
    // One after the other: the harness runs one program at a time.
    const dev = await planOf("dev");
    const prod = await planOf("prod");
    const cov = coverage(catalogs, createdArmTypes([dev.document, prod.document]));
    return { cov, page: renderCoverage(cov, catalogs) };
}

describe("coverage: every public rule → a pack policy or a reason (docs/coverage.md)", () => {
    it("answers every rule about a resource type the program creates, names only policies the pack has, and answers no rule the catalogs lack", async () => {
        const { cov } = await current();
        expect(cov.problems).to.deep.equal([]);
        const names = new Set(allPolicies.map((p) => p.name));
        for (const r of cov.rows) {
            if (r.answer && "policies" in r.answer) for (const p of r.answer.policies) expect(names.has(p), `${r.source} ${r.id} → ${p}`).to.equal(true);
        }
    });

    it("is up to date (run `npm run coverage`)", async () => {
        const { page } = await current();
        expect(fs.readFileSync(COVERAGE_PAGE, "utf8"), "docs/coverage.md is stale: run `npm run coverage`").to.equal(page);
    });

    it("prints its counts at the top, and the README's claim is made of them", async () => {
        const { cov } = await current();
        const page = fs.readFileSync(COVERAGE_PAGE, "utf8");
        const figures = readFigures(page);
        expect(figures).to.deep.equal({ considered: cov.summary.considered, applicable: cov.summary.applicable, enforced: cov.summary.enforced, notApplicable: cov.summary.notApplicable, gaps: cov.summary.gaps });
        expect(figures!.considered).to.equal(catalogs.checkov.rules.length - duplicateIds() + catalogs.trivy.rules.length + catalogs.sat.rules.length);
        expect(coverageClaim()).to.contain(`Of all ${figures!.considered} rules`).and.contain(`the pack enforces ${figures!.enforced}, ${figures!.gaps} are known gaps`);
    });

    it("flags an applicable rule without an answer, a policy the pack lacks, and an answer for an unknown rule", () => {
        const cov = coverage(catalogs, ["Microsoft.Storage/storageAccounts"], allPolicies, {
            checkov: { ...CHECKOV_ANSWERS, CKV_AZURE_3: { policies: ["no-such-policy"] }, CKV_AZURE_99999: { notApplicable: "a rule Checkov does not have" } },
            trivy: {},
            sat: {},
        });
        const text = cov.problems.join("\n");
        expect(text).to.match(/checkov CKV_AZURE_3 names policy no-such-policy, which the pack does not have/);
        expect(text).to.match(/answers checkov CKV_AZURE_99999, which the checkov catalog does not have/);
        expect(text).to.match(/trivy AVD-AZU-0012 .* inspects Microsoft.Storage\/storageAccounts, which the program creates: give it an answer/);
        expect(text).to.match(/sat NS-6 .* give it an answer/);
    });

    it("groups rules about types the program does not create, and keeps per-rule rows for the types it does", async () => {
        const { cov } = await current();
        const row = (source: string, id: string) => cov.rows.find((r) => r.source === source && r.id === id)!;
        expect(row("checkov", "CKV_AZURE_35").status).to.equal("enforced");
        expect(row("checkov", "CKV_AZURE_1").status).to.equal("type-not-created");
        // Key Vault rules are answered ahead: the vault exists only with security.customerManagedKeys.
        expect(row("trivy", "AVD-AZU-0013")).to.deep.include({ status: "type-not-created", prepared: true });
        expect(row("sat", "DP-3").status).to.equal("not-run-on-azure");
        expect(cov.createdTypes).to.include.members(["Microsoft.Storage/storageAccounts", "Microsoft.Databricks/workspaces", "Microsoft.Authorization/roleAssignments", "Microsoft.Resources/resourceGroups"]);
    });
});

describe("coverage: the rule catalogs and their sources", () => {
    it("lists the Azure rules of the pinned Checkov", () => {
        expect(catalogs.checkov.version).to.equal(pinnedVersion());
        const arm = catalogs.checkov.rules.filter((r) => r.framework === "arm");
        expect(arm.length).to.be.greaterThan(100);
        expect(arm.find((r) => r.id === "CKV_AZURE_35")?.resourceTypes).to.deep.equal(["Microsoft.Storage/storageAccounts"]);
    });

    it("records the Trivy checks' module version and hash, one entry per AVD-AZU id", () => {
        expect(catalogs.trivy.module).to.equal("github.com/aquasecurity/trivy-checks");
        expect(catalogs.trivy.version).to.match(/^v\d+\.\d+\.\d+/);
        expect(catalogs.trivy.sum).to.match(/^h1:/);
        const ids = catalogs.trivy.rules.map((r) => r.id);
        expect(new Set(ids).size).to.equal(ids.length);
        for (const id of ids) expect(id).to.match(/^AVD-AZU-\d{4}$/);
    });

    it("records where and when the SAT list was read", () => {
        const { source, rules } = catalogs.sat;
        expect(source.url).to.equal(`https://github.com/${source.repository}/blob/${source.commit}/${source.path}`);
        expect(source.commit).to.match(/^[0-9a-f]{40}$/);
        expect(source.dateRead).to.match(/^\d{4}-\d{2}-\d{2}$/);
        const ids = rules.map((r) => r.id);
        expect(new Set(ids).size).to.equal(ids.length);
    });
});

/** Checkov ids that have both an arm and a terraform check (one row each on the page). */
function duplicateIds(): number {
    const ids = catalogs.checkov.rules.map((r) => r.id);
    return ids.length - new Set(ids).size;
}
