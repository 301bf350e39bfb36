/**
 * `npm run scan`'s verdicts (tools/scan.ts `judge`) on hand-made Checkov reports, and the skip
 * list's format. Checkov itself runs in `npm run scan`, not in the test suite.
 */
import { expect } from "chai";
import * as fs from "fs";
import type { ArmTemplate } from "../tools/arm";
import { judge, parseScanArgs, renderScan } from "../tools/scan";
import type { CheckovReport, CheckovResult } from "../tools/scanner/checkov";
import { SKIPS_FILE, SkipEntry, parseSkips } from "../tools/scanner/skips";

const WS_URN = (stack: string) => `urn:pulumi:${stack}::lakehouse::lakehouse:workspace:DatabricksWorkspace$azure-native:databricks:Workspace::workspace`;
const SA_URN = (stack: string) => `urn:pulumi:${stack}::lakehouse::lakehouse:storage:LakehouseStorage$azure-native:storage:StorageAccount::account`;

function template(stack: string): ArmTemplate {
    return {
        $schema: "",
        contentVersion: "1.0.0.0",
        metadata: { generator: "test", notExported: [] },
        parameters: {},
        resources: [
            { type: "Microsoft.Databricks/workspaces", apiVersion: "2026-01-01", name: `dbw-${stack}`, comments: WS_URN(stack) },
            { type: "Microsoft.Storage/storageAccounts", apiVersion: "2024-01-01", name: `sa${stack}`, comments: SA_URN(stack) },
        ],
    };
}

const result = (stack: string, id: string, resource: string): CheckovResult => ({ check_id: id, check_name: `rule ${id}`, resource, file_path: `/${stack}/template.json` });
const ws = (stack: string) => `Microsoft.Databricks/workspaces.dbw-${stack}`;
const sa = (stack: string) => `Microsoft.Storage/storageAccounts.sa${stack}`;

function report(failed: CheckovResult[], passed: CheckovResult[] = [], extra: Partial<CheckovReport> = {}): CheckovReport {
    return { passed, failed, skipped: [], parsingErrors: [], resourceCount: 4, version: "3.3.30", ...extra };
}

/** The plans' policy verdicts: which pack policy flags which resource. */
function stacks(violations: Record<string, { policy: string; urn: string }[]> = {}) {
    return ["dev", "prod"].map((stack) => ({
        stack,
        production: stack === "prod",
        file: `/tmp/scan/${stack}/template.json`,
        template: template(stack),
        document: { policies: { checked: 50, violations: (violations[stack] ?? []).map((v) => ({ ...v, level: "advisory" as const, message: "" })) } },
    }));
}

const PASSES = [result("dev", "CKV_AZURE_3", sa("dev")), result("prod", "CKV_AZURE_3", sa("prod"))];

describe("npm run scan: verdicts", () => {
    it("reports a dev failure that the mapped pack policy flags on the same resource, without failing", () => {
        const r = judge(report([result("dev", "CKV_AZURE_158", ws("dev"))], PASSES), stacks({ dev: [{ policy: "workspace-public-network-access-disabled", urn: WS_URN("dev") }] }), [], "prod");
        expect(r.errors).to.deep.equal([]);
        expect(r.failures).to.have.length(1);
        expect(r.failures[0]).to.deep.include({ stack: "dev", rule: "CKV_AZURE_158", urn: WS_URN("dev") });
        expect(r.failures[0].flaggedBy).to.deep.equal([{ policy: "workspace-public-network-access-disabled", level: "advisory" }]);
        expect(r.gate).to.deep.equal({ passed: 3, failed: 0 });
        expect(renderScan(r, "prod").split("\n").pop()).to.equal("3 passed, 0 failed");
    });

    it("fails on a prod failure the skip list does not cover, even when a pack policy flags it", () => {
        const r = judge(report([result("prod", "CKV_AZURE_158", ws("prod"))], PASSES), stacks({ prod: [{ policy: "workspace-public-network-access-disabled", urn: WS_URN("prod") }] }), [], "prod");
        expect(r.errors.join("\n")).to.match(/prod: CKV_AZURE_158 fails on Microsoft.Databricks\/workspaces.dbw-prod/);
        expect(r.gate.failed).to.equal(1);
    });

    it("fails on a failure no pack policy is mapped to, on any stack", () => {
        const r = judge(report([result("dev", "CKV_AZURE_999", ws("dev"))], PASSES), stacks(), [], "prod", {});
        expect(r.errors.join("\n")).to.match(/dev: CKV_AZURE_999 fails .* no pack policy flags it \(policies\/public-rules.ts has no answer for it\)/);
        expect(r.gate.failed).to.equal(1);
    });

    it("fails when the mapped pack policy does not flag that resource (the pack and Checkov disagree)", () => {
        const r = judge(report([result("dev", "CKV_AZURE_3", sa("dev"))], []), stacks({ dev: [{ policy: "storage-https-only", urn: SA_URN("prod") }] }), [], "prod", { CKV_AZURE_3: { policies: ["storage-https-only"] } });
        expect(r.errors.join("\n")).to.match(/storage-https-only does not flag it in the plan/);
        expect(r.gate.failed).to.equal(1);
    });

    it("expects silence from a production-only policy on a development stack, and not on production", () => {
        const dev = judge(report([result("dev", "CKV_AZURE_59", sa("dev"))], PASSES), stacks(), [], "prod");
        expect(dev.errors).to.deep.equal([]);
        expect(dev.failures[0]).to.deep.include({ stack: "dev", rule: "CKV_AZURE_59", productionOnly: true });
        expect(dev.gate).to.deep.equal({ passed: 3, failed: 0 });
        expect(renderScan(dev, "prod")).to.match(/dev\s+CKV_AZURE_59\s+Microsoft.Storage\/storageAccounts.sadev\s+production only: storage-public-network-access-disabled/);

        const prodAsDev = judge(report([result("dev", "CKV_AZURE_59", sa("dev"))], PASSES), stacks().map((s) => ({ ...s, production: true })), [], "prod");
        expect(prodAsDev.errors.join("\n")).to.match(/storage-public-network-access-disabled does not flag it in the plan/);
    });

    it("applies the skip list per stack, and fails on a skip entry that matches no failure", () => {
        const skip: SkipEntry = { rule: "CKV_AZURE_158", stacks: ["prod"], reason: "a specific reason why no configuration can satisfy this rule here" };
        const r = judge(report([result("prod", "CKV_AZURE_158", ws("prod"))], PASSES), stacks(), [skip], "prod");
        expect(r.errors).to.deep.equal([]);
        expect(r.stacks.find((s) => s.stack === "prod")!.rules.get("CKV_AZURE_158")).to.equal("skipped");
        expect(r.gate).to.deep.equal({ passed: 3, failed: 0 });

        const stale = judge(report([], PASSES), stacks(), [skip], "prod");
        expect(stale.errors.join("\n")).to.match(/CKV_AZURE_158 is skipped on prod but does not fail there any more/);
        expect(stale.gate.failed).to.equal(1);
    });

    it("fails when Checkov could not parse a template or read every resource", () => {
        const r = judge(report([], PASSES, { parsingErrors: ["/prod/template.json"], resourceCount: 3 }), stacks(), [], "prod");
        expect(r.errors).to.have.length(2);
        expect(r.errors.join("\n")).to.match(/could not parse \/prod\/template.json/).and.match(/loaded 3 resources, the templates hold 4/);
        expect(r.gate.failed).to.equal(2);
    });

    it("takes --stack (repeatable), --gate and --out", () => {
        expect(parseScanArgs([])).to.deep.equal({ stacks: ["dev", "prod"], gate: "prod" });
        expect(parseScanArgs(["--stack", "prod", "--out", "x"])).to.deep.equal({ stacks: ["prod"], gate: "prod", out: "x" });
        expect(() => parseScanArgs(["--fast"])).to.throw(/unknown option --fast/);
    });
});

describe("npm run scan: the skip list", () => {
    it("parses the committed policies/scanner/checkov-skips.yaml", () => {
        expect(() => parseSkips(fs.readFileSync(SKIPS_FILE, "utf8"))).to.not.throw();
    });

    it("rejects entries without a specific reason, a Checkov id or stacks", () => {
        expect(() => parseSkips("skips:\n  - rule: CKV_AZURE_36\n    stacks: [prod]\n    reason: by design\n")).to.throw(/reason must say/);
        expect(() => parseSkips("skips:\n  - rule: AVD-AZU-0010\n    stacks: [prod]\n    reason: SRA sets bypass None and resource instance rules stand in for trusted services\n")).to.throw(/not a Checkov Azure id/);
        expect(() => parseSkips("skips:\n  - rule: CKV_AZURE_36\n    reason: SRA sets bypass None and resource instance rules stand in for trusted services\n")).to.throw(/stacks must be/);
        expect(parseSkips("skips:\n  - rule: CKV_AZURE_36\n    stacks: [prod]\n    reason: >-\n      SRA sets bypass None and resource\n      instance rules stand in for trusted services\n")).to.deep.equal([
            { rule: "CKV_AZURE_36", stacks: ["prod"], reason: "SRA sets bypass None and resource instance rules stand in for trusted services" },
        ]);
    });
});
