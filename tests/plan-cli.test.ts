/** The offline plan as a user runs it: `npm run plan -- ...`, its output contract and exit codes. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderDiff } from "../tools/diff";
import { DuplicateUrnError, ProgramError, engineUrn, runProgram } from "../tools/harness";
import { FORMATS, USAGE, UsageError, parseArgs, planDiff, policySummary } from "../tools/plan";
import { planOf, rejectedConfig } from "./helpers";
import { TRAINED } from "../tools/scenarios";
import { StackConfigError, parseOverride, readYamlFile, splitPath, stackConfig } from "../tools/stack-config";

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
        expect(doc).to.have.keys(["stack", "project", "resources", "outputs", "policies", "grants", "principalRoles", "quota", "reachability", "preconditions", "cost"]);
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
        expect(stdout).to.match(/Policies: \d+ checked, 0 mandatory violations, \d+ advisory/);
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

describe("offline plan: a config change seen by principal (--diff-set on the real stacks)", () => {
    it("adding a reader group reads as that group's privileges on the catalog and gold, nothing else", async () => {
        const doc = await planDiff("dev", [], [
            parseOverride("principals.bi.group=bi-readers"),
            parseOverride('grants.bi.catalog=["USE_CATALOG"]'),
            parseOverride('grants.bi.schemas.gold=["USE_SCHEMA","SELECT"]'),
        ]);
        expect(doc.diff.access).to.deep.equal([
            { principal: "bi-readers", on: "catalog lakehouse_dev", added: ["USE_CATALOG"], removed: [] },
            { principal: "bi-readers", on: "schema lakehouse_dev.lakehouse_gold", added: ["SELECT", "USE_SCHEMA"], removed: [] },
        ]);
        for (const change of doc.diff.changed) for (const f of change.fields) expect(f.path, change.name).to.match(/^grants\[bi-readers\]/);
    });

    it("removing the app takes away the app's access only: the pipeline's grants are not rewritten", async () => {
        const doc = await planDiff("dev", TRAINED.map(parseOverride), [parseOverride("app.enabled=false")]);
        const principals = new Set(doc.diff.access.map((a) => a.principal));
        const app = (await planOf("dev", ...TRAINED)).document.outputs.appServicePrincipal as string;
        expect([...principals]).to.deep.equal([app]);
        for (const a of doc.diff.access) expect(a.added, a.on).to.deep.equal([]);
        for (const change of doc.diff.changed.filter((c) => c.type === "databricks:index/grants:Grants")) {
            for (const f of change.fields) expect(f.path, change.name).to.equal(`grants[${app}]`);
        }
    });

    it("says why a traffic shift changes nothing while the endpoint is disabled", async () => {
        const doc = await planDiff("dev", [], [parseOverride("serving.traffic.champion=90"), parseOverride("serving.traffic.challenger=10")]);
        expect(doc.diff.changed).to.deep.equal([]);
        expect(doc.diff.dormant?.map((d) => d.path)).to.deep.equal(["serving.traffic.champion", "serving.traffic.challenger"]);
        const text = renderDiff(doc.diff, "t");
        expect(text).to.contain("No resource would change: serving.traffic.champion has no effect while endpoint lakehouse-classifier is disabled (serving.endpoints.classifier.enabled is false)");
        expect(text).to.not.contain("No resource would change.");
    });
});

describe("offline plan: behaves like a good command-line tool", () => {
    it("--help prints every option and exits 0", () => {
        const { status, stdout } = plan("--help");
        expect(status).to.equal(0);
        for (const option of ["--stack", "--set", "--diff-set", "--format", "--json", "--help"]) expect(stdout).to.contain(option);
        for (const format of FORMATS) expect(stdout).to.contain(format);
    });

    it("an unknown option is refused with the list of every option", () => {
        const { status, stdout, stderr } = plan("--stak", "prod");
        expect(status).to.equal(1);
        expect(stdout).to.equal("");
        expect(stderr).to.contain("unknown option --stak");
        expect(stderr).to.contain(USAGE);
    });

    it("refuses conflicting options instead of choosing one silently", () => {
        expect(() => parseArgs(["--json", "--format", "mermaid"])).to.throw(UsageError, "--format mermaid conflicts with --json");
        expect(() => parseArgs(["--format=mermaid", "--json"])).to.throw(UsageError, "--json conflicts with --format mermaid");
        expect(() => parseArgs(["--diff-set", "serving.traffic.champion=60", "--format", "mermaid"])).to.throw(UsageError, "--diff-set conflicts with --format mermaid");
        expect(() => parseArgs(["--stack"])).to.throw(UsageError, "--stack needs a value");
        // The same choice twice is not a conflict.
        expect(parseArgs(["--json", "--format", "json"]).format).to.equal("json");
    });

    it("a malformed stack file is exit 1 naming the file and the line, without a stack trace", () => {
        const file = path.join(root, "Pulumi.zz-malformed.yaml");
        fs.writeFileSync(file, "config:\n  lakehouse:environment: development\n  lakehouse:tags: {owner: platform\n");
        try {
            const { status, stderr } = plan("--stack", "zz-malformed");
            expect(status).to.equal(1);
            expect(stderr).to.match(/^Pulumi\.zz-malformed\.yaml:4:1: /);
            expect(stderr).to.not.contain("node_modules");
            expect(stderr).to.not.match(/\n\s+at /);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });

    it("a stack file whose config is not a mapping is refused by file and line", () => {
        const file = path.join(os.tmpdir(), "Pulumi.listconfig.yaml");
        fs.writeFileSync(file, "# a list where a mapping belongs\nconfig:\n  - lakehouse:environment\n");
        expect(() => readYamlFile(file, ["config"])).to.throw(StackConfigError, "Pulumi.listconfig.yaml:3: config must be a mapping");
    });

    it("a stack without the app has no app outputs and no 'Undefined value' warnings", () => {
        const { status, stdout, stderr } = plan("--stack", "dev", "--json");
        expect(status, stderr).to.equal(0);
        const doc = JSON.parse(stdout);
        expect(doc.outputs).to.not.have.any.keys("appUrl", "appServicePrincipal");
        expect(stderr).to.not.contain("Undefined value");
    });

    it("counts mandatory and advisory violations apart in the summary", () => {
        const report = { checked: 3, violations: [{ policy: "a", level: "mandatory" as const, urn: "", message: "" }, ...[1, 2].map(() => ({ policy: "b", level: "advisory" as const, urn: "", message: "" }))] };
        expect(policySummary(report)).to.equal("Policies: 3 checked, 1 mandatory violation, 2 advisory");
    });

    it("rejects an azure-native:location Azure Databricks does not run in, listing the regions", async () => {
        const typo = await rejectedConfig("dev", "azure-native:location=westeruope");
        expect(typo.message).to.contain("azure-native:location").and.contain("westeruope").and.contain("westeurope, westindia");
        const government = await rejectedConfig("dev", "azure-native:location=usgovvirginia");
        expect(government.message).to.contain("no Unity Catalog");
    });
});

describe("offline plan: the documented commands are pipeable as written", () => {
    const npm = (...args: string[]) => spawnSync("npm", ["run", "plan", "--", ...args], { cwd: root, encoding: "utf8", timeout: 90_000 });

    it("npm run plan -- --json | jq . gets exactly one JSON document on stdout", () => {
        const { status, stdout, stderr } = npm("--json");
        expect(status, stderr).to.equal(0);
        expect(() => JSON.parse(stdout), stdout.slice(0, 200)).to.not.throw();
    });

    it("npm run plan -- --format mermaid > graph.mmd gets only the picture", () => {
        const { status, stdout } = npm("--format", "mermaid");
        expect(status).to.equal(0);
        expect(stdout).to.match(/^flowchart /);
    });
});

describe("offline plan: URNs are the ones the Pulumi engine assigns", () => {
    it("never puts the root stack's type in a child's type chain", () => {
        expect(engineUrn("urn:pulumi:dev::lakehouse::pulumi:pulumi:Stack$lakehouse:storage:LakehouseStorage::storage")).to.equal("urn:pulumi:dev::lakehouse::lakehouse:storage:LakehouseStorage::storage");
        expect(engineUrn("urn:pulumi:dev::lakehouse::pulumi:pulumi:Stack$lakehouse:storage:LakehouseStorage$azure-native:storage:StorageAccount::account")).to.equal(
            "urn:pulumi:dev::lakehouse::lakehouse:storage:LakehouseStorage$azure-native:storage:StorageAccount::account",
        );
        // The stack itself and already-correct URNs are left as they are.
        expect(engineUrn("urn:pulumi:dev::lakehouse::pulumi:pulumi:Stack::lakehouse-dev")).to.equal("urn:pulumi:dev::lakehouse::pulumi:pulumi:Stack::lakehouse-dev");
    });

    it("holds for every URN the plan prints: resources, parents, providers, dependencies, inputs, policy verdicts", async () => {
        const { document } = await planOf("prod");
        const text = JSON.stringify(document);
        expect(text).to.not.contain("pulumi:pulumi:Stack$");
        const storage = document.resources.find((r) => r.type === "lakehouse:storage:LakehouseStorage");
        expect(storage?.urn).to.equal("urn:pulumi:prod::lakehouse::lakehouse:storage:LakehouseStorage::storage");
        const urns = new Set(document.resources.map((r) => r.urn));
        for (const r of document.resources) {
            for (const ref of [r.parent, r.provider, ...r.dependencies].filter(Boolean)) expect(urns.has(ref) || ref.includes("::pulumi:providers:"), `${r.urn} → ${ref}`).to.equal(true);
        }
        for (const v of document.policies.violations) if (v.urn) expect(urns.has(v.urn), v.urn).to.equal(true);
    });
});

describe("offline plan: a fresh stack comes up from nothing", () => {
    it("needs nothing outside the program for the shipped stack files (endpoints wait for their models)", async () => {
        for (const stack of ["dev", "prod"]) expect((await planOf(stack)).document.preconditions, stack).to.deep.equal([]);
    });

    it("names the model versions an enabled endpoint needs registered before pulumi up", async () => {
        const { document } = await planOf("prod", ...TRAINED);
        expect(document.preconditions).to.include("model lakehouse_prod.lakehouse_gold.pneumonia_poc_classifier version 1 registered (serving.endpoints.classifier.entities.champion)");
        expect(document.preconditions).to.have.length(3);
    });
});
