/**
 * Operating the program from Git: the Pulumi Deployments settings files, the ESC environment
 * definitions and the GitHub Actions workflow parse and hold what a run needs (stacks that exist,
 * the repo dir, `npm ci` before the run, OIDC rather than secrets).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { resolveConfig } from "../components/config";
import { isConfigError } from "../components/settings/validate";
import { GraphResource, architectureSection, renderMermaid } from "../tools/mermaid";
import { parseArgs } from "../tools/plan";
import { readSection } from "../tools/readme";
import { listStacks, stackConfig, stackConfigNotes } from "../tools/stack-config";
import { planOf, planTrained, rejectedConfig } from "./helpers";

const root = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const parse = (file: string) => YAML.parse(read(file));
const stacks = listStacks(root);

/** A value a user still has to fill in (`<dev-subscription-id>`) or a real GUID. */
const GUID_OR_PLACEHOLDER = /^(<[a-z0-9-]+>|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Path filter semantics of Pulumi Deployments: a glob over the whole path, `!` excludes. */
function globToRegExp(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            re += ".*";
            i++;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

function triggers(paths: string[], changed: string): boolean {
    const includes = paths.filter((p) => !p.startsWith("!")).map(globToRegExp);
    const excludes = paths.filter((p) => p.startsWith("!")).map((p) => globToRegExp(p.slice(1)));
    return (includes.length === 0 || includes.some((r) => r.test(changed))) && !excludes.some((r) => r.test(changed));
}

function deploySettings(stack: string) {
    const doc = parse(`Pulumi.${stack}.deploy.yaml`);
    expect(Object.keys(doc), `Pulumi.${stack}.deploy.yaml top level`).to.deep.equal(["settings"]);
    return doc.settings;
}

describe("operations: Pulumi Deployments settings files", () => {
    it("exist for exactly the stacks that have a stack file", () => {
        const deployFiles = fs
            .readdirSync(root)
            .map((f) => /^Pulumi\.([^.]+)\.deploy\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined)
            .sort();
        expect(deployFiles).to.deep.equal(stacks);
        expect(stacks).to.include.members(["dev", "prod"]);
    });

    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            it("deploys main of one GitHub repository from the directory that holds Pulumi.yaml", () => {
                const { sourceContext, gitHub } = deploySettings(stack);
                const git = sourceContext.git;
                expect(git.branch).to.equal("refs/heads/main");
                expect(fs.existsSync(path.join(root, git.repoDir, "Pulumi.yaml")), `repoDir ${git.repoDir}`).to.equal(true);
                const url = /^https:\/\/github\.com\/([^/\s]+)\/([^/\s]+)\.git$/.exec(git.repoUrl);
                expect(url, `repoUrl ${git.repoUrl}`).to.not.equal(null);
                expect(gitHub.repository).to.equal(`${url![1]}/${url![2]}`);
            });

            it("previews pull requests and deploys pushes to main, without review stacks", () => {
                const { gitHub } = deploySettings(stack);
                expect(gitHub.previewPullRequests).to.equal(true);
                expect(gitHub.deployCommits).to.equal(true);
                expect(gitHub.pullRequestTemplate).to.equal(false);
            });

            it("checks the Node.js version, then runs npm ci before anything else, instead of the executor's own install", () => {
                const { operationContext } = deploySettings(stack);
                expect(operationContext.preRunCommands[0]).to.contain("process.versions.node").and.contain("< 22");
                expect(operationContext.preRunCommands[1]).to.equal("npm ci");
                expect(operationContext.options.skipInstallDependencies).to.equal(true);
            });

            it("logs the Azure CLI in for the Databricks provider and CLI with Deployments' own OIDC token", () => {
                const { operationContext } = deploySettings(stack);
                const login = operationContext.preRunCommands.find((c: string) => c.includes("az login"));
                expect(login).to.be.a("string");
                expect(login).to.contain('--federated-token "$ARM_OIDC_TOKEN"');
                expect(login, "no ESC login: its token cannot outlast an hour").to.not.contain("pulumi env run");
                expect(operationContext.environmentVariables.DATABRICKS_AUTH_TYPE).to.equal("azure-cli");
                const stackFile = parse(`Pulumi.${stack}.yaml`);
                expect(stackFile.environment, `Pulumi.${stack}.yaml imports the environment`).to.include(`lakehouse/${stack}`);
            });

            it("uses Deployments' own Azure OIDC, with ids or placeholders only", () => {
                const { azure } = deploySettings(stack).operationContext.oidc;
                expect(Object.keys(azure).sort()).to.deep.equal(["clientId", "subscriptionId", "tenantId"]);
                for (const value of Object.values<string>(azure)) expect(value).to.match(GUID_OR_PLACEHOLDER);
            });

            it("runs for changes to what the stack deploys, not for docs, tests, tools or the other stack", () => {
                const { paths } = deploySettings(stack).gitHub;
                const other = stack === "dev" ? "prod" : "dev";
                for (const changed of ["index.ts", "components/storage.ts", "components/settings/serving.ts", "workloads/app/app.py", "Pulumi.yaml", `Pulumi.${stack}.yaml`, "package-lock.json"]) {
                    expect(triggers(paths, changed), `${changed} triggers ${stack}`).to.equal(true);
                }
                for (const changed of ["README.md", "docs/configuration.md", "tests/operations.test.ts", "tools/plan.ts", "esc/lakehouse-dev.yaml", ".github/workflows/pulumi.yml", `Pulumi.${other}.yaml`, `Pulumi.${stack}.deploy.yaml`]) {
                    expect(triggers(paths, changed), `${changed} does not trigger ${stack}`).to.equal(false);
                }
            });
        });
    }
});

describe("operations: ESC environments", () => {
    for (const stack of ["dev", "prod"]) {
        it(`lakehouse/${stack} carries the stack's settings and no Azure login (a token it mints cannot outlast an hour)`, () => {
            const { values } = parse(`esc/lakehouse-${stack}.yaml`);
            expect(Object.keys(values)).to.deep.equal(["pulumiConfig"]);
            expect(read(`esc/lakehouse-${stack}.yaml`)).to.not.match(/fn::open::azure-login|ARM_OIDC_TOKEN/);
        });

        it(`lakehouse/${stack} gives the same region as Pulumi.${stack}.yaml`, () => {
            const { values } = parse(`esc/lakehouse-${stack}.yaml`);
            const stackFile = parse(`Pulumi.${stack}.yaml`);
            expect(values.pulumiConfig["azure-native:location"]).to.be.a("string").and.equal(stackFile.config["azure-native:location"]);
        });
    }

    it("dev and prod deploy as different identities (placeholders or ids), so dev cannot touch prod", () => {
        const id = (stack: string) => deploySettings(stack).operationContext.oidc.azure.clientId;
        expect(id("dev")).to.not.equal(id("prod"));
    });
});

describe("operations: GitHub Actions workflow", () => {
    const workflow = parse(".github/workflows/pulumi.yml");
    const steps = (job: string) => workflow.jobs[job].steps as any[];
    const runs = (job: string) => steps(job).map((s) => s.run ?? s.uses);
    const indexOf = (job: string, match: (s: any) => boolean) => steps(job).findIndex(match);
    const pulumiStep = (job: string) => steps(job).find((s) => String(s.uses).startsWith("pulumi/actions@"));

    it("runs on pull requests and on pushes to main", () => {
        expect(workflow.on.pull_request.branches).to.deep.equal(["main"]);
        expect(workflow.on.push.branches).to.deep.equal(["main"]);
    });

    it("tests first: npm ci, the type-check, npm test, and every Pulumi job waits for them", () => {
        expect(runs("test").filter((r) => !String(r).startsWith("actions/"))).to.deep.equal(["npm ci", "npm run typecheck", "npm test"]);
        const pkg = JSON.parse(read("package.json"));
        expect(pkg.scripts).to.include.keys(["typecheck", "test"]);
        expect(workflow.jobs.preview.needs).to.equal("test");
        expect(workflow.jobs["up-dev"].needs).to.equal("test");
        expect(workflow.jobs["up-prod"].needs).to.equal("up-dev");
    });

    it("previews every stack on pull requests with the policy pack and its per-stack config, as a PR comment", () => {
        const job = workflow.jobs.preview;
        expect(job.if).to.contain("github.event_name == 'pull_request'");
        expect(job.strategy.matrix.stack).to.deep.equal(stacks);
        const step = pulumiStep("preview");
        expect(step.with.command).to.equal("preview");
        expect(step.with["comment-on-pr"]).to.equal(true);
        expect(step.with.policyPacks).to.equal("policies");
        expect(step.with.policyPackConfigs).to.equal("policies/config/${{ matrix.stack }}.json");
        expect(fs.existsSync(path.join(root, "policies", "PulumiPolicy.yaml"))).to.equal(true);
        for (const stack of stacks) expect(fs.existsSync(path.join(root, "policies", "config", `${stack}.json`)), `${stack}.json`).to.equal(true);
        expect(job.permissions["pull-requests"]).to.equal("write");
    });

    it("deploys dev and then prod on main, prod behind its environment's protection rule", () => {
        for (const [job, stack] of [["up-dev", "dev"], ["up-prod", "prod"]]) {
            expect(workflow.jobs[job].if).to.contain("github.event_name == 'push'");
            expect(workflow.jobs[job].environment).to.equal(stack);
            const step = pulumiStep(job);
            expect(step.with.command).to.equal("up");
            expect(step.with["stack-name"]).to.match(new RegExp(`/lakehouse/${stack}$`));
            expect(step.with.policyPackConfigs).to.equal(`policies/config/${stack}.json`);
        }
    });

    it("installs with npm ci and names the stack's deployer before every Pulumi step (pulumi/actions installs nothing)", () => {
        for (const job of ["preview", "up-dev", "up-prod"]) {
            const pulumi = indexOf(job, (s) => String(s.uses).startsWith("pulumi/actions@"));
            expect(indexOf(job, (s) => s.run === "npm ci"), `${job}: npm ci`).to.be.within(0, pulumi - 1);
            const login = indexOf(job, (s) => String(s.run).includes("ARM_OIDC_REQUEST_URL=$ACTIONS_ID_TOKEN_REQUEST_URL"));
            expect(login, `${job}: the OIDC request endpoint for the providers`).to.be.within(0, pulumi - 1);
            expect(steps(job)[login].env.AZURE_CLIENT_ID).to.equal("${{ vars.AZURE_CLIENT_ID }}");
            expect(workflow.jobs[job].environment, `${job}: per-stack deployer variables`).to.be.a("string");
        }
    });

    it("logs in with GitHub's OIDC, which every provider and the Databricks CLI renew for the whole job", () => {
        expect(workflow.permissions["id-token"]).to.equal("write");
        expect(workflow.env).to.include({ ARM_USE_OIDC: "true", DATABRICKS_AUTH_TYPE: "github-oidc-azure" });
        expect(JSON.stringify(workflow.jobs), "no token minted once at the start").to.not.match(/az login|ARM_OIDC_TOKEN|esc-action/);
        expect(workflow.jobs.preview.environment, "previews log in as a read-only identity").to.equal("${{ matrix.stack }}-preview");
    });

    it("stays off the stacks unless chosen as the runner, so it never races Pulumi Deployments", () => {
        for (const job of ["preview", "up-dev", "up-prod"]) expect(workflow.jobs[job].if, job).to.contain("vars.PULUMI_RUNNER == 'github-actions'");
        expect(workflow.jobs.test.if).to.equal(undefined);
    });

    it("never cancels a running update of a stack", () => {
        for (const job of ["up-dev", "up-prod"]) expect(workflow.jobs[job].concurrency["cancel-in-progress"], job).to.equal(false);
    });
});

describe("operations: OIDC, not secrets", () => {
    const files = [".github/workflows/pulumi.yml", ...stacks.flatMap((s) => [`Pulumi.${s}.deploy.yaml`, `esc/lakehouse-${s}.yaml`, `Pulumi.${s}.yaml`])];

    it("no client secret, token or stored credential in any operations file", () => {
        for (const file of files) {
            expect(read(file), file).to.not.match(/ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|clientSecret|client-secret|DATABRICKS_TOKEN/);
            // Stack files may carry Pulumi secrets (`secure:`) for the program; the runners carry none.
            if (!/^Pulumi\.[^.]+\.yaml$/.test(file)) expect(read(file), file).to.not.match(/secure:|\bsecret:|fn::secret/);
        }
    });

    it("the workflow reads exactly one secret, the Pulumi access token", () => {
        const names = [...read(".github/workflows/pulumi.yml").matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
        expect([...new Set(names)]).to.deep.equal(["PULUMI_ACCESS_TOKEN"]);
    });
});

describe("operations: the offline plan and ESC", () => {
    /** A throw-away project: Pulumi.yaml, one stack file and the given ESC definitions. */
    function project(stackFile: object, environments: Record<string, object>): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-esc-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify({ name: "lakehouse", runtime: "nodejs", config: { catalog: { type: "string", default: "lakehouse" } } }));
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), YAML.stringify(stackFile));
        fs.mkdirSync(path.join(dir, "esc"));
        for (const [file, doc] of Object.entries(environments)) fs.writeFileSync(path.join(dir, "esc", file), YAML.stringify(doc));
        return dir;
    }

    it("sees everything of the real dev and prod stacks: no value hidden in ESC, none contradicted", () => {
        for (const stack of ["dev", "prod"]) expect(stackConfigNotes(root, stack), stack).to.deep.equal([]);
    });

    it("applies an environment's literal pulumiConfig below the stack file's own values", () => {
        const dir = project(
            { environment: ["lakehouse/dev"], config: { "lakehouse:catalog": "from_stack" } },
            { "lakehouse-dev.yaml": { values: { pulumiConfig: { "azure-native:location": "northeurope", catalog: "from_env" } } } },
        );
        const config = stackConfig(dir, "dev", []);
        expect(config["azure-native:location"]).to.equal("northeurope");
        expect(config["lakehouse:catalog"]).to.equal("from_stack");
        expect(stackConfigNotes(dir, "dev")).to.deep.equal([
            'lakehouse:catalog: Pulumi.dev.yaml sets "from_stack", which wins over "from_env" from environment lakehouse/dev',
        ]);
    });

    it("reports, rather than ignores, values computed when ESC opens the environment and environments it cannot read", () => {
        const dir = project(
            { environment: ["myorg/lakehouse/dev", "shared/network"], config: {} },
            {
                "lakehouse-dev.yaml": {
                    values: {
                        region: "westeurope",
                        pulumiConfig: { "azure-native:location": "${region}", "lakehouse:catalog": { "fn::secret": "hidden" } },
                    },
                },
            },
        );
        const notes = stackConfigNotes(dir, "dev");
        expect(notes).to.have.length(3);
        expect(notes[0]).to.match(/^azure-native:location comes from environment myorg\/lakehouse\/dev \(esc\/lakehouse-dev\.yaml\)/);
        expect(notes[1]).to.match(/^lakehouse:catalog comes from environment myorg\/lakehouse\/dev/);
        expect(notes[2]).to.equal("environment shared/network has no local definition (esc/shared-network.yaml): its pulumiConfig values are not in this plan");
        expect(stackConfig(dir, "dev", [])).to.not.have.property("azure-native:location");
    });

    it("follows the imports of a local definition", () => {
        const dir = project(
            { environment: ["lakehouse/dev"] },
            {
                "lakehouse-dev.yaml": { imports: ["lakehouse/base"], values: { pulumiConfig: { catalog: "dev_catalog" } } },
                "lakehouse-base.yaml": { values: { pulumiConfig: { "azure-native:location": "swedencentral", catalog: "base_catalog" } } },
            },
        );
        const config = stackConfig(dir, "dev", []);
        expect(config["azure-native:location"]).to.equal("swedencentral");
        expect(config["lakehouse:catalog"]).to.equal("dev_catalog");
    });
});

describe("operations: adopting existing resources (lakehouse:adopt)", () => {
    const SUB = "11111111-2222-4333-8444-555555555555";
    const RG = `/subscriptions/${SUB}/resourceGroups/rg-legacy`;
    const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/legacylake01`;
    const WORKSPACE = `${RG}/providers/Microsoft.Databricks/workspaces/dbw-legacy`;
    const MANAGED = `/subscriptions/${SUB}/resourceGroups/databricks-rg-dbw-legacy-x7k2`;
    const ENDPOINT = "pneumonia-classifier-ab-test";
    const AZURE = { resourceGroup: RG, storageAccount: ACCOUNT, workspace: WORKSPACE, managedResourceGroup: MANAGED };
    const ALL = { ...AZURE, servingEndpoints: { classifier: ENDPOINT } };
    const set = (adopt: object) => `adopt=${JSON.stringify(adopt)}`;
    const T = {
        group: "azure-native:resources:ResourceGroup",
        account: "azure-native:storage:StorageAccount",
        workspace: "azure-native:databricks:Workspace",
        suffix: "random:index/randomString:RandomString",
        endpoint: "databricks:index/modelServing:ModelServing",
    };

    const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
    function rejectedKeys(raw: Record<string, unknown>): string[] {
        try {
            resolveConfig(raw, "westeurope", context);
        } catch (err) {
            if (isConfigError(err)) return err.keys;
            throw err;
        }
        throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
    }
    function rejection(raw: Record<string, unknown>, key: string): string {
        try {
            resolveConfig(raw, "westeurope", context);
        } catch (err) {
            if (!isConfigError(err)) throw err;
            const issue = err.issues.find((i) => i.key === key);
            expect(issue, `${key} in ${err.keys.join(", ")}`).to.not.equal(undefined);
            return issue!.allowed;
        }
        throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
    }

    it("imports nothing by default", async () => {
        const { run } = await planOf("dev");
        expect(run.resources.filter((r) => r.importId !== "").map((r) => r.urn)).to.deep.equal([]);
        expect(run.resources.some((r) => r.type === T.suffix)).to.equal(true);
    });

    it("imports exactly the adopted resource group, account, workspace and endpoint, by their ids, under their existing names, protected", async () => {
        // The pneumonia runbook's "Endpoint already exists": the A/B endpoint was created by hand as pneumonia-classifier-ab-test.
        const s = await planTrained("dev", set(ALL), `serving.endpoints.classifier.name=${ENDPOINT}`);
        const imported = Object.fromEntries(s.run.resources.filter((r) => r.importId !== "").map((r) => [r.type, r]));
        expect(Object.keys(imported).sort()).to.deep.equal([T.workspace, T.group, T.account, T.endpoint].sort());
        expect(imported[T.endpoint].name).to.equal("classifier");
        expect(imported[T.endpoint].importId).to.equal(ENDPOINT);
        expect((imported[T.endpoint].inputs as any).name).to.equal(ENDPOINT);

        expect(imported[T.group].importId).to.equal(RG);
        expect((imported[T.group].inputs as any).resourceGroupName).to.equal("rg-legacy");
        expect(imported[T.account].importId).to.equal(ACCOUNT);
        expect((imported[T.account].inputs as any).accountName).to.equal("legacylake01");
        expect(imported[T.workspace].importId).to.equal(WORKSPACE);
        expect((imported[T.workspace].inputs as any).workspaceName).to.equal("dbw-legacy");
        expect((imported[T.workspace].inputs as any).managedResourceGroupId).to.equal(MANAGED);
        // Protected even in dev, where data is not: they existed before this stack.
        for (const r of Object.values(imported)) expect(r.protect, `${r.type} protected`).to.equal(true);
        expect((await planOf("dev")).ofType(T.account)[0].protect).to.equal(false);

        // No random suffix for an account that already has its name; everything else lands in the adopted group.
        expect(s.ofType(T.suffix)).to.deep.equal([]);
        const elsewhere = s.run.resources.filter((r) => typeof (r.inputs as any).resourceGroupName === "string" && (r.inputs as any).resourceGroupName !== "rg-legacy");
        expect(elsewhere.map((r) => r.urn)).to.deep.equal([]);
    });

    it("accepts an adopted serving endpoint under the name serving.endpoints gives it", () => {
        const config = resolveConfig(
            { serving: { endpoints: { classifier: { enabled: true, name: "pneumonia-classifier-ab-test" } } }, adopt: { servingEndpoints: { classifier: "pneumonia-classifier-ab-test" } } },
            "westeurope",
            context,
        );
        expect(config.adopt.servingEndpoints).to.deep.equal({ classifier: "pneumonia-classifier-ab-test" });
    });

    it("rejects malformed ids, naming the key", () => {
        expect(rejectedKeys({ adopt: { workspace: "dbw-legacy" } })).to.include("lakehouse:adopt.workspace");
        expect(rejectedKeys({ adopt: { resourceGroup: `${RG}/` } })).to.deep.equal(["lakehouse:adopt.resourceGroup"]);
        expect(rejectedKeys({ adopt: { resourceGroup: RG, storageAccount: `${RG}/providers/Microsoft.Storage/storageAccounts/Legacy_Lake` } })).to.deep.equal([
            "lakehouse:adopt.storageAccount",
        ]);
        expect(rejectedKeys({ adopt: { resourceGroup: RG, storageAccount: WORKSPACE } })).to.deep.equal(["lakehouse:adopt.storageAccount"]);
        expect(rejection({ adopt: { resourceGroup: "rg-legacy" } }, "lakehouse:adopt.resourceGroup")).to.contain("/subscriptions/<subscription id>/resourceGroups/<name>");
    });

    it("rejects unknown fields (a typo would silently create a second account)", () => {
        expect(rejectedKeys({ adopt: { resourceGroup: RG, storageAcount: ACCOUNT } })).to.deep.equal(["lakehouse:adopt.storageAcount"]);
    });

    it("rejects resources outside the stack's one resource group and subscription", () => {
        expect(rejection({ adopt: { storageAccount: ACCOUNT } }, "lakehouse:adopt.storageAccount")).to.contain("adopt it too: lakehouse:adopt.resourceGroup");
        const otherSub = WORKSPACE.replace(SUB, "99999999-2222-4333-8444-555555555555");
        expect(rejectedKeys({ adopt: { ...AZURE, workspace: otherSub } })).to.include("lakehouse:adopt.workspace");
        expect(rejection({ adopt: { ...AZURE, workspace: otherSub } }, "lakehouse:adopt.workspace")).to.contain(`subscription ${SUB}`);
    });

    it("requires the workspace's managed resource group with the workspace, and only then", () => {
        expect(rejection({ adopt: { resourceGroup: RG, workspace: WORKSPACE } }, "lakehouse:adopt.managedResourceGroup")).to.contain("would replace the workspace");
        expect(rejectedKeys({ adopt: { resourceGroup: RG, managedResourceGroup: MANAGED } })).to.deep.equal(["lakehouse:adopt.managedResourceGroup"]);
        expect(rejectedKeys({ adopt: { ...AZURE, managedResourceGroup: RG } })).to.deep.equal(["lakehouse:adopt.managedResourceGroup"]);
    });

    it("rejects endpoints that are not configured, not enabled, or named differently from serving.endpoints", () => {
        expect(rejection({ adopt: { servingEndpoints: { scorer: "scorer-ep" } } }, "lakehouse:adopt.servingEndpoints.scorer")).to.contain("classifier, feedback");
        const trained = { endpoints: { classifier: { enabled: true } } };
        expect(rejection({ serving: trained, adopt: { servingEndpoints: { classifier: "pneumonia-classifier-ab-test" } } }, "lakehouse:adopt.servingEndpoints.classifier")).to.contain(
            "set lakehouse:serving.endpoints.classifier.name to pneumonia-classifier-ab-test",
        );
        expect(
            rejectedKeys({ serving: { endpoints: { feedback: { enabled: false } } }, adopt: { servingEndpoints: { feedback: "lakehouse-feedback" } } }),
        ).to.deep.equal(["lakehouse:adopt.servingEndpoints.feedback"]);
        expect(rejectedKeys({ serving: trained, adopt: { servingEndpoints: { classifier: "has spaces" } } })).to.deep.equal(["lakehouse:adopt.servingEndpoints.classifier"]);
    });

    it("fails the plan before any resource is registered", async () => {
        const err = await rejectedConfig("dev", set({ workspace: WORKSPACE }));
        expect(err.keys).to.include.members(["lakehouse:adopt.workspace", "lakehouse:adopt.managedResourceGroup"]);
    });
});

describe("operations: the architecture picture (npm run plan -- --format mermaid)", () => {
    const urn = (type: string, name: string, parentType = "") => `urn:pulumi:dev::lakehouse::${parentType ? `${parentType}$` : ""}${type}::${name}`;
    const STACK = urn("pulumi:pulumi:Stack", "lakehouse-dev");
    const res = (type: string, name: string, parent: string, dependencies: string[] = [], extra: Partial<GraphResource> = {}): GraphResource => ({
        urn: urn(type, name, parent === "" ? "" : "x"),
        type,
        name,
        parent,
        provider: "",
        dependencies,
        protect: false,
        ...extra,
    });
    const stack = res("pulumi:pulumi:Stack", "lakehouse-dev", "");
    const store = res("lakehouse:storage:LakehouseStorage", "storage", STACK);
    const inner = res("lakehouse:storage:Inner", "inner", store.urn);
    const group = res("azure-native:resources:ResourceGroup", "resource-group", store.urn);
    const account = res("azure-native:storage:StorageAccount", "account", store.urn, [group.urn], { protect: true });
    const bronze = res("azure-native:storage:BlobContainer", "container-bronze", store.urn, [group.urn, account.urn]);
    const gold = res("azure-native:storage:BlobContainer", "container-gold", store.urn, [group.urn, account.urn]);
    const provider = res("pulumi:providers:databricks", "workspace-provider", inner.urn, [account.urn]);
    const cat = res("lakehouse:catalog:UnityCatalog", "catalog", STACK);
    const catalog = res("databricks:index/catalog:Catalog", "catalog", cat.urn, [gold.urn], { provider: provider.urn });
    const all = [stack, store, inner, group, account, bronze, gold, provider, cat, catalog];
    const picture = renderMermaid(all);

    it("draws components as (nested) subgraphs and same-type children as one node", () => {
        expect(picture.split("\n")[0]).to.equal("flowchart TB");
        expect(picture).to.contain('subgraph c_storage["storage · LakehouseStorage"]');
        expect(picture).to.contain('n_storage_BlobContainer["BlobContainer ×2<br/>bronze · gold"]');
        expect(picture.match(/\["BlobContainer/g), "one node for both containers").to.have.length(1);
        const lines = picture.split("\n");
        const open = lines.findIndex((l) => l.includes("subgraph c_storage"));
        const nested = lines.findIndex((l) => l.includes("subgraph c_inner"));
        expect(nested).to.be.greaterThan(open);
        expect(lines.slice(open, nested).filter((l) => l.trim() === "end")).to.deep.equal([]);
    });

    it("draws each dependency once, from the resource to its dependent, without arrows implied by longer paths", () => {
        expect(picture).to.contain("n_storage_ResourceGroup --> n_storage_StorageAccount");
        expect(picture).to.contain("n_storage_StorageAccount --> n_storage_BlobContainer");
        expect(picture).to.contain("n_storage_BlobContainer --> n_catalog_Catalog");
        expect(picture).to.not.contain("n_storage_ResourceGroup --> n_storage_BlobContainer");
    });

    it("connects the provider to the components it serves, and marks protected resources", () => {
        expect(picture).to.contain("n_inner_databricks_provider -.-> c_catalog");
        expect(picture).to.contain("class n_storage_StorageAccount protected");
    });

    it("is what `npm run plan -- --format mermaid` prints; other formats are rejected by name", () => {
        expect(parseArgs(["--format", "mermaid"]).format).to.equal("mermaid");
        expect(parseArgs(["--stack", "prod", "--format=mermaid"])).to.include({ stack: "prod", format: "mermaid" });
        expect(parseArgs(["--format", "json"]).format).to.equal("json");
        expect(() => parseArgs(["--format", "svg"])).to.throw("--format svg: unknown format (expected one of text, json, mermaid");
    });

    it("is the same text whatever order the resources were registered in", () => {
        expect(renderMermaid([...all].reverse())).to.equal(picture);
    });

    it("is in docs/architecture.md for the dev stack as the program registers it now (npm run docs)", async () => {
        const { document } = await planTrained("dev");
        const page = read("docs/architecture.md");
        expect(readSection(page, "architecture"), "docs/architecture.md out of step: run `npm run docs`").to.equal(architectureSection(renderMermaid(document.resources)));
        for (const c of document.resources.filter((r) => r.type.startsWith("lakehouse:"))) expect(page, c.name).to.contain(`subgraph c_${c.name.replace(/[^A-Za-z0-9_]/g, "_")}[`);
        expect(read("README.md"), "the README links the picture instead of embedding it").to.not.contain("```mermaid");
    });
});

describe("operations: the deployment commands of docs/operations.md", () => {
    it("create, push and import the environments and stacks that exist", () => {
        const page = read("docs/operations.md");
        const section = page.slice(page.indexOf("## Deploying from Git"), page.indexOf("## Teardown"));
        const inits = [...section.matchAll(/esc env init (\S+)/g)].map((m) => m[1]);
        expect(inits.sort()).to.deep.equal(stacks.map((s) => `lakehouse/${s}`));
        for (const stack of stacks) {
            expect(parse(`Pulumi.${stack}.yaml`).environment, `Pulumi.${stack}.yaml`).to.deep.equal([`lakehouse/${stack}`]);
            expect(section).to.contain(`esc env edit lakehouse/${stack} --file esc/lakehouse-${stack}.yaml`);
            expect(section).to.contain(`pulumi deployment settings push -s ${stack}`);
        }
        expect(section).to.contain("pulumi config env add lakehouse/dev");
    });
});

describe("operations: the adoption recipes of docs/adoption.md", () => {
    it("name resources exactly as the dev stack registers them (type tokens and URNs)", async () => {
        const { document } = await planTrained("dev");
        const section = read("docs/adoption.md");
        const urns = new Set(document.resources.map((r) => r.urn));
        const mentioned = [...section.matchAll(/urn:pulumi:dev::[^'"\s`]+/g)].map((m) => m[0]);
        expect(mentioned.length).to.be.greaterThan(0);
        for (const u of mentioned) expect(urns.has(u), u).to.equal(true);
        const types = new Set(document.resources.map((r) => r.type));
        const imports = [...section.matchAll(/pulumi import '([^']+)' (\S+)/g)];
        expect(imports.map((m) => m[1]).sort()).to.deep.equal(
            ["azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount", "azure-native:databricks:Workspace", "databricks:index/modelServing:ModelServing"].sort(),
        );
        for (const [, type, name] of imports) {
            expect(types.has(type), type).to.equal(true);
            expect(document.resources.some((r) => r.type === type && r.name === name), `${type} ${name}`).to.equal(true);
        }
    });
});

describe("operations: the Databricks CLI is there wherever pulumi deploys the app", () => {
    it("installs it before the run in every stack's Deployments settings", () => {
        for (const stack of stacks) {
            const commands: string[] = deploySettings(stack).operationContext.preRunCommands;
            expect(commands.some((c) => c.includes("databricks/setup-cli")), stack).to.equal(true);
        }
    });

    it("sets it up in every workflow job that runs pulumi, before pulumi runs", () => {
        const workflow = parse(".github/workflows/pulumi.yml");
        for (const [name, job] of Object.entries<any>(workflow.jobs)) {
            const steps: { uses?: string }[] = job.steps ?? [];
            const pulumiAt = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions"));
            if (pulumiAt < 0) continue;
            const cliAt = steps.findIndex((s) => s.uses?.startsWith("databricks/setup-cli"));
            expect(cliAt, `${name}: databricks/setup-cli`).to.be.within(0, pulumiAt - 1);
        }
    });
});
