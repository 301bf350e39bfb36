/** The offline plan as a user runs it: `npm run plan -- ...`, its output contract and exit codes. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { DuplicateUrnError, ProgramError, runProgram } from "../tools/harness";
import { TRAINED } from "../tools/scenarios";
import { parseOverride, splitPath, stackConfig } from "../tools/stack-config";

const root = path.resolve(__dirname, "..");

function plan(...args: string[]) {
    const result = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/plan.ts", ...args], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("offline plan: command line", () => {
    it("prints exactly one JSON document with the contract's fields and exits 0 for dev (models registered)", () => {
        const { status, stdout, stderr } = plan("--stack", "dev", ...TRAINED.flatMap((set) => ["--set", set]), "--json");
        expect(status, stderr).to.equal(0);
        const doc = JSON.parse(stdout);
        expect(doc).to.have.keys(["stack", "project", "resources", "outputs", "policies", "grants", "principalRoles"]);
        // The grants report: principal → securables with granted and inherited privileges.
        for (const entries of Object.values<any[]>(doc.grants)) for (const e of entries) expect(e).to.have.keys(["kind", "name", "privileges", "inherited"]);
        expect(doc.stack).to.equal("dev");
        expect(doc.project).to.equal("lakehouse");
        expect(doc.policies).to.have.keys(["checked", "violations"]);
        for (const r of doc.resources) expect(r).to.have.keys(["urn", "type", "name", "parent", "provider", "inputs", "dependencies", "protect"]);
        expect(stdout).to.contain('"[secret]"');
        // The grants report names principals as Unity Catalog does; the roles say who they are.
        expect(doc.principalRoles[doc.outputs.pipelineApplicationId]).to.equal("pipeline");
        expect(doc.principalRoles[doc.outputs.appServicePrincipal]).to.equal("app");
        expect(doc.principalRoles["data-analysts"]).to.equal("analysts");
        expect(Object.keys(doc.grants)).to.have.members(Object.keys(doc.principalRoles));
        expect(stdout).to.not.contain("mock-password");
    });

    it("exits 1 and names the key when an override is rejected", () => {
        const { status, stdout, stderr } = plan("--stack", "dev", "--set", "serving.traffic.challenger=70");
        expect(status).to.equal(1);
        expect(stderr).to.contain("lakehouse:serving.traffic");
        expect(stderr).to.contain("add up to 120");
        expect(stdout).to.equal("");
    });

    it("exits 1 for a stack without a stack file, listing the stacks there are", () => {
        const { status, stderr } = plan("--stack", "nosuchstack");
        expect(status).to.equal(1);
        expect(stderr).to.match(/Pulumi\.nosuchstack\.yaml.*dev.*prod/s);
    });

    it("prints the resource tree, outputs and policy verdicts as text by default", () => {
        const { status, stdout } = plan("--stack", "prod");
        expect(status).to.equal(0);
        expect(stdout).to.match(/^Plan of stack prod \(project lakehouse\): \d+ resources/);
        expect(stdout).to.contain("azure-native:storage:StorageAccount  account  [protected]");
        expect(stdout).to.match(/Policies: \d+ checked, \d+ violations?/);
    });
});

describe("offline plan: config paths as `pulumi config set --path` reads them", () => {
    it("splits dotted, indexed and quoted paths, with or without the namespace", () => {
        expect(splitPath("serving.traffic.challenger", "lakehouse")).to.deep.equal({ key: "lakehouse:serving", segments: ["traffic", "challenger"] });
        expect(splitPath("lakehouse:layers[1]", "lakehouse")).to.deep.equal({ key: "lakehouse:layers", segments: [1] });
        expect(splitPath('tags["cost center"]', "lakehouse")).to.deep.equal({ key: "lakehouse:tags", segments: ["cost center"] });
        expect(splitPath("azure-native:location", "lakehouse")).to.deep.equal({ key: "azure-native:location", segments: [] });
    });

    it("parses values as JSON when they are JSON, as strings otherwise", () => {
        const config = stackConfig(root, "dev", [
            parseOverride("serving.traffic.challenger=10"),
            parseOverride("serving.traffic.champion=90"),
            parseOverride("catalog=sales_dev"),
            parseOverride("protectData=true"),
        ]);
        expect((config["lakehouse:serving"] as any).traffic).to.deep.equal({ champion: 90, challenger: 10 });
        expect(config["lakehouse:catalog"]).to.equal("sales_dev");
        expect(config["lakehouse:protectData"]).to.equal(true);
    });

    it("edits the stack's own value and falls back to Pulumi.yaml defaults for keys the stack does not set", () => {
        const config = stackConfig(root, "dev", [parseOverride("tags.owner=platform")]);
        expect(config["lakehouse:tags"]).to.deep.equal({ owner: "platform" });
        expect(config["lakehouse:secretRotationDays"]).to.equal(90);
    });
});

/** Runs a fixture program under the harness; the error it fails with. */
async function failureOf(fixture: string): Promise<unknown> {
    try {
        await runProgram({ stack: "dev", program: path.join(__dirname, "fixtures", fixture) });
    } catch (err) {
        return err;
    }
    return undefined;
}

describe("offline plan: program errors", () => {
    it("reports duplicate URNs as an error", async () => {
        const caught = await failureOf("duplicate-program");
        expect(caught).to.be.instanceOf(DuplicateUrnError);
        expect((caught as Error).message).to.contain("random:index/randomString:RandomString::same-name");
    });
});

describe("offline plan: exceptions inside an apply", () => {
    it("fail the run instead of silently dropping the resource", async () => {
        const caught = await failureOf("failing-apply-program");
        expect(caught).to.be.instanceOf(ProgramError);
        expect((caught as Error).message).to.contain("length 4 is too short");
    });
});
