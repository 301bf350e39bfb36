/**
 * The pipelines component under Pulumi's mocks, per stack: the warehouse, the Lakeflow pipeline,
 * the full-run job and the cluster policy, what they target, whom they run as, when they run,
 * how they are sized, which code they run and who may use them.
 */
import { expect } from "chai";
import * as path from "path";
import * as fs from "fs";
import { TASK_KEYS, runOrder } from "../components/pipeline-tasks";
import { PROJECT_ROOT, WORKLOAD_FILES, contentMd5 } from "../components/workload-files";
import { PlannedResource } from "../tools/harness";
import { Scenario, planTrained, rejectedConfig } from "./helpers";

const T = {
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    pipeline: "databricks:index/pipeline:Pipeline",
    job: "databricks:index/job:Job",
    policy: "databricks:index/clusterPolicy:ClusterPolicy",
    permissions: "databricks:index/permissions:Permissions",
    file: "databricks:index/workspaceFile:WorkspaceFile",
    directory: "databricks:index/directory:Directory",
};

/**
 * One scenario for every non-default setting (each program run costs seconds): its own catalog
 * and schema names, a team with run/view roles, failure e-mails, a tighter cluster policy,
 * serverless compute, a continuous pipeline and stream as the default mode.
 */
const CUSTOM = [
    "catalog=acme_sales",
    "schema=ledger",
    "principals.operators.group=Data Ops",
    "principals.analysts.group=Data Analysts",
    "principals.auditor.user=auditor@example.com",
    'pipelines.permissions.run=["operators"]',
    'pipelines.permissions.view=["analysts","auditor"]',
    'pipelines.notifications.onFailure=["oncall@example.com"]',
    "pipelines.clusterPolicy.maxWorkers=3",
    "pipelines.serverless=true",
    "pipelines.continuous=true",
    "pipelines.mode=stream",
];
const custom = () => planTrained("dev", ...CUSTOM);

const inputsOf = (r: PlannedResource) => r.inputs as any;
/** The warehouse is its own component (the catalog and the app use it too); the rest is under Pipelines. */
const COMPONENTS = ["lakehouse:pipelines:Pipelines", "lakehouse:warehouse:SqlWarehouse", "lakehouse:warehouse:WarehouseAccess"];
const one = (s: Scenario, type: string) => {
    const found = s.ofType(type).filter((r) => COMPONENTS.some((c) => r.urn.includes(c)));
    expect(found, type).to.have.length(1);
    return inputsOf(found[0]);
};
const tasksOf = (s: Scenario) => Object.fromEntries(one(s, T.job).tasks.map((t: any) => [t.taskKey, t]));
const permissionsOf = (s: Scenario, name: string) => inputsOf(s.named(T.permissions, name)).accessControls as any[];
const appId = (s: Scenario) => s.run.outputs.pipelineApplicationId as string;

describe("pipelines: the resources of a stack", () => {
    it("registers a warehouse, a pipeline, a job, the cluster policies and the workload uploads, under their components", async () => {
        const s = await planTrained("dev");
        for (const type of [T.warehouse, T.pipeline, T.job, T.directory]) one(s, type);
        expect(s.ofType(T.policy).map((p) => p.name).sort()).to.deep.equal(["interactive-policy", "job-compute-policy", "pipeline-compute-policy"]);
        expect(s.ofType(T.file).filter((r) => r.urn.includes("Pipelines")).map((r) => r.name).sort()).to.deep.equal(
            ["workload-gold-views", "workload-pipeline-source", "workload-prepare-landing", "workload-stream-updates", "workload-validate-gold"],
        );
        const provider = s.ofType("pulumi:providers:databricks")[0].urn;
        expect(s.ofType(T.warehouse)[0].urn).to.contain("lakehouse:warehouse:SqlWarehouse$databricks:index/sqlEndpoint:SqlEndpoint::warehouse");
        for (const r of s.run.resources.filter((r) => COMPONENTS.some((c) => r.urn.includes(`${c}$databricks`)))) {
            expect(r.provider, r.name).to.equal(provider);
        }
    });

    it("exports the warehouse, pipeline and job ids", async () => {
        const { outputs } = (await planTrained("dev")).run;
        expect(outputs.warehouseId).to.equal("warehouse-id");
        expect(outputs.pipelineId).to.equal("medallion-id");
        expect(outputs.fullRunJobId).to.equal("full-run-id");
    });
});

describe("pipelines: every task, the pipeline and the warehouse target the configured catalog and schemas", () => {
    it("publishes the pipeline to the configured catalog, each layer to its schema, reading the landing volume", async () => {
        const p = one(await custom(), T.pipeline);
        expect(p.catalog).to.equal("acme_sales");
        expect(p.schema).to.equal("ledger_bronze");
        expect(p.configuration).to.deep.equal({
            "lakehouse.runtime": "databricks",
            "lakehouse.catalog": "acme_sales",
            "lakehouse.bronze_schema": "ledger_bronze",
            "lakehouse.silver_schema": "ledger_silver",
            "lakehouse.gold_schema": "ledger_gold",
            "lakehouse.landing_path": "/Volumes/acme_sales/ledger_bronze/raw_files",
        });
        expect(p.eventLog).to.deep.equal({ catalog: "acme_sales", schema: "ledger_bronze", name: "medallion_event_log" });
    });

    it("passes the same catalog, schemas and landing path to every job task that reads or writes data", async () => {
        const t = tasksOf(await custom());
        expect(t[TASK_KEYS.prepare].sparkPythonTask.parameters.slice(0, 2)).to.deep.equal(["--landing", "/Volumes/acme_sales/ledger_bronze/raw_files"]);
        expect(t[TASK_KEYS.goldViews].sqlTask.parameters).to.deep.equal({ catalog: "acme_sales", gold_schema: "ledger_gold" });
        expect(t[TASK_KEYS.validate].sparkPythonTask.parameters.slice(0, 8)).to.deep.equal([
            "--catalog",
            "acme_sales",
            "--bronze-schema",
            "ledger_bronze",
            "--silver-schema",
            "ledger_silver",
            "--gold-schema",
            "ledger_gold",
        ]);
        expect(t[TASK_KEYS.goldViews].sqlTask.warehouseId).to.equal("warehouse-id");
        expect(tasksOf(await planTrained("dev"))[TASK_KEYS.refresh].pipelineTask.pipelineId).to.equal("medallion-id");
    });

    it("uses the names the catalog component exports (one source for every component)", async () => {
        const s = await custom();
        expect(s.run.outputs.catalogName).to.equal(one(s, T.pipeline).catalog);
        expect(s.run.outputs.landingVolumePath).to.equal(one(s, T.pipeline).configuration["lakehouse.landing_path"]);
    });
});

describe("pipelines: the full-run job", () => {
    it("runs its tasks in order: prepare, mode branch, refresh or stream, gold views, smoke checks", async () => {
        const job = one(await planTrained("dev"), T.job);
        expect(runOrder(job.tasks)).to.deep.equal([TASK_KEYS.prepare, TASK_KEYS.branch, TASK_KEYS.refresh, TASK_KEYS.stream, TASK_KEYS.goldViews, TASK_KEYS.validate]);
        expect(job.parameters).to.deep.equal([{ name: "mode", default: "batch" }]);
        expect(job.maxConcurrentRuns).to.equal(1);
    });

    it("takes the mode parameter's default from config", async () => {
        const job = one(await custom(), T.job);
        expect(job.parameters).to.deep.equal([{ name: "mode", default: "stream" }]);
    });

    it("points its tasks and the pipeline at the uploaded files", async () => {
        const s = await planTrained("dev");
        const uploaded = (name: string) => inputsOf(s.named(T.file, name)).path;
        const t = tasksOf(s);
        expect(one(s, T.pipeline).libraries).to.deep.equal([{ file: { path: uploaded("workload-pipeline-source") } }]);
        expect(t[TASK_KEYS.prepare].sparkPythonTask.pythonFile).to.equal(uploaded("workload-prepare-landing"));
        expect(t[TASK_KEYS.stream].sparkPythonTask.pythonFile).to.equal(uploaded("workload-stream-updates"));
        expect(t[TASK_KEYS.validate].sparkPythonTask.pythonFile).to.equal(uploaded("workload-validate-gold"));
        expect(t[TASK_KEYS.goldViews].sqlTask.file).to.deep.equal({ path: uploaded("workload-gold-views"), source: "WORKSPACE" });
    });

    it("sends failure e-mails from config (job and pipeline), and none when the list is empty", async () => {
        const s = await custom();
        expect(one(s, T.job).emailNotifications).to.deep.equal({ onFailures: ["oncall@example.com"] });
        expect(one(s, T.pipeline).notifications).to.deep.equal([
            { emailRecipients: ["oncall@example.com"], alerts: ["on-update-failure", "on-update-fatal-failure", "on-flow-failure"] },
        ]);
        const dev = await planTrained("dev");
        expect(one(dev, T.job).emailNotifications).to.equal(undefined);
        expect(one(dev, T.pipeline).notifications).to.equal(undefined);
    });
});

describe("pipelines: run as the pipeline service principal", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the pipeline, the job and the job cluster run as the principal, which owns the job and the pipeline`, async () => {
            const s = await planTrained(stack);
            const sp = appId(s);
            expect(sp).to.match(/^[0-9a-f-]{36}$/);
            expect(inputsOf(s.ofType("databricks:index/servicePrincipal:ServicePrincipal")[0]).applicationId).to.equal(sp);
            expect(one(s, T.pipeline).runAs).to.deep.equal({ servicePrincipalName: sp });
            const job = one(s, T.job);
            expect(job.runAs).to.deep.equal({ servicePrincipalName: sp });
            expect(job.jobClusters[0].newCluster).to.deep.include({ dataSecurityMode: "SINGLE_USER", singleUserName: sp });
            for (const name of ["job-permissions", "pipeline-permissions"]) {
                expect(permissionsOf(s, name).filter((a) => a.permissionLevel === "IS_OWNER")).to.deep.equal([{ servicePrincipalName: sp, permissionLevel: "IS_OWNER" }]);
            }
            expect(permissionsOf(s, "warehouse-permissions")).to.deep.include({ servicePrincipalName: sp, permissionLevel: "CAN_USE" });
        });
    }

    it("keeps the workload code in the principal's home folder (only it and admins can change code that runs as it)", async () => {
        const s = await planTrained("dev");
        const folder = `/Users/${appId(s)}/lakehouse-dev`;
        expect(one(s, T.directory).path).to.equal(folder);
        for (const f of s.ofType(T.file).filter((r) => r.urn.includes("Pipelines"))) expect(inputsOf(f).path.startsWith(`${folder}/`), f.name).to.equal(true);
    });
});

describe("pipelines: development and production", () => {
    it("dev: development mode, schedule paused", async () => {
        const s = await planTrained("dev");
        expect(one(s, T.pipeline).development).to.equal(true);
        expect(one(s, T.job).schedule).to.deep.equal({ quartzCronExpression: "0 0 2 * * ?", timezoneId: "UTC", pauseStatus: "PAUSED" });
        expect(tasksOf(s)[TASK_KEYS.prepare].sparkPythonTask.parameters).to.include("--seed-sample");
    });

    it("prod: production mode, schedule live, no sample data", async () => {
        const s = await planTrained("prod");
        expect(one(s, T.pipeline).development).to.equal(false);
        expect(one(s, T.job).schedule.pauseStatus).to.equal("UNPAUSED");
        expect(tasksOf(s)[TASK_KEYS.prepare].sparkPythonTask.parameters).to.not.include("--seed-sample");
    });

    it("serverless and continuous from config: no clusters, an environment for Python tasks, no pipeline trigger", async () => {
        const s = await custom();
        const p = one(s, T.pipeline);
        expect([p.serverless, p.continuous, p.clusters, p.edition]).to.deep.equal([true, true, undefined, undefined]);
        const job = one(s, T.job);
        expect(job.jobClusters).to.equal(undefined);
        expect(job.environments.map((e: any) => e.environmentKey)).to.deep.equal(["default"]);
        expect(job.tasks.filter((t: any) => t.sparkPythonTask).every((t: any) => t.environmentKey === "default" && !t.jobClusterKey)).to.equal(true);
        expect(job.tasks.some((t: any) => t.pipelineTask)).to.equal(false);
    });
});

describe("pipelines: sizes follow computeSize", () => {
    // `definition`: the job-compute policy pins the node type and caps the workers of the profile.
    const SIZE_FIELDS = ["clusterSize", "minNumClusters", "maxNumClusters", "nodeTypeId", "driverNodeTypeId", "minWorkers", "maxWorkers", "numWorkers", "workloadSize", "computeSize", "definition"];
    const leaves = (v: unknown, at: string, out: Map<string, string>) => {
        if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`, out);
        else out.set(at, JSON.stringify(v));
        return out;
    };
    const changes = async () => {
        const [small, large] = await Promise.all([planTrained("dev"), planTrained("dev", "computeSize=large")]);
        const before = new Map(small.run.resources.map((r) => [r.urn, r]));
        const after = new Map(large.run.resources.map((r) => [r.urn, r]));
        expect([...after.keys()].sort(), "same resources").to.deep.equal([...before.keys()].sort());
        const changed: { urn: string; field: string; from?: string; to?: string }[] = [];
        for (const [urn, r] of before) {
            const a = leaves(r.inputs, "", new Map());
            const b = leaves(after.get(urn)!.inputs, "", new Map());
            for (const field of new Set([...a.keys(), ...b.keys()])) if (a.get(field) !== b.get(field)) changed.push({ urn, field, from: a.get(field), to: b.get(field) });
        }
        return changed;
    };

    it("small → large changes size fields and nothing else, in any resource", async () => {
        const other = (await changes()).filter((c) => !SIZE_FIELDS.includes(c.field.split(".").pop()!.replace(/\[\d+\]$/, "")));
        expect(other).to.deep.equal([]);
    });

    it("small → large grows the warehouse, the pipeline cluster and the job cluster", async () => {
        const mine = (await changes()).filter((c) => COMPONENTS.some((component) => c.urn.includes(component)));
        const by = (name: string) => Object.fromEntries(mine.filter((c) => c.urn.endsWith(`::${name}`)).map((c) => [c.field, [c.from, c.to]]));
        expect(by("warehouse")[".clusterSize"]).to.deep.equal(['"2X-Small"', '"Medium"']);
        expect(by("medallion")[".clusters[0].nodeTypeId"]).to.deep.equal(['"Standard_D4ds_v5"', '"Standard_D16ds_v5"']);
        expect(by("medallion")[".clusters[0].autoscale.maxWorkers"]).to.deep.equal(["2", "8"]);
        expect(by("full-run")[".jobClusters[0].newCluster.nodeTypeId"]).to.deep.equal(['"Standard_D4ds_v5"', '"Standard_D16ds_v5"']);
        expect(by("full-run")[".jobClusters[0].newCluster.autoscale.maxWorkers"]).to.deep.equal(["2", "8"]);
    });

    it("keeps the warehouse auto-stop on and PRO (SQL file tasks need it), serverless from config", async () => {
        const w = one(await planTrained("dev"), T.warehouse);
        expect(w).to.deep.include({ autoStopMins: 10, warehouseType: "PRO", enableServerlessCompute: true, name: "lakehouse-dev-warehouse" });
    });
});

describe("pipelines: uploaded workload code", () => {
    it("uploads files that exist in the repo, with the MD5 of their content so an edit redeploys", async () => {
        const s = await planTrained("dev");
        const uploads = s.ofType(T.file).filter((r) => r.urn.includes("Pipelines"));
        expect(uploads.map((u) => inputsOf(u).source).sort()).to.deep.equal(Object.values(WORKLOAD_FILES).map((f) => f.source).sort());
        for (const u of uploads) {
            const { source, md5 } = inputsOf(u);
            expect(path.isAbsolute(source), `${source} is project-relative`).to.equal(false);
            expect(fs.existsSync(path.join(PROJECT_ROOT, source)), source).to.equal(true);
            expect(md5, source).to.equal(contentMd5(path.join(PROJECT_ROOT, source)));
        }
    });
});

describe("pipelines: permissions from config roles", () => {
    it("gives run roles run levels and view roles view levels on job, pipeline and warehouse", async () => {
        const s = await custom();
        const sp = appId(s);
        const operators = { groupName: "Data Ops" };
        const analysts = { groupName: "Data Analysts" };
        const auditor = { userName: "auditor@example.com" };
        expect(permissionsOf(s, "job-permissions")).to.have.deep.members([
            { ...operators, permissionLevel: "CAN_MANAGE_RUN" },
            { ...analysts, permissionLevel: "CAN_VIEW" },
            { ...auditor, permissionLevel: "CAN_VIEW" },
            { servicePrincipalName: sp, permissionLevel: "IS_OWNER" },
        ]);
        expect(permissionsOf(s, "pipeline-permissions")).to.have.deep.members([
            { ...operators, permissionLevel: "CAN_RUN" },
            { ...analysts, permissionLevel: "CAN_VIEW" },
            { ...auditor, permissionLevel: "CAN_VIEW" },
            { servicePrincipalName: sp, permissionLevel: "IS_OWNER" },
        ]);
        expect(permissionsOf(s, "warehouse-permissions")).to.have.deep.members([
            { ...operators, permissionLevel: "CAN_USE" },
            { ...analysts, permissionLevel: "CAN_VIEW" },
            { ...auditor, permissionLevel: "CAN_VIEW" },
            { servicePrincipalName: sp, permissionLevel: "CAN_USE" },
            // The ACL is authoritative: it keeps the CAN_USE the app's resources block granted.
            { servicePrincipalName: s.run.outputs.appServicePrincipal, permissionLevel: "CAN_USE" },
        ]);
        expect(permissionsOf(s, "cluster-policy-permissions")).to.deep.equal([{ ...operators, permissionLevel: "CAN_USE" }]);
        expect(permissionsOf(s, "workload-folder-permissions")).to.have.deep.members([
            { ...operators, permissionLevel: "CAN_READ" },
            { ...analysts, permissionLevel: "CAN_READ" },
            { ...auditor, permissionLevel: "CAN_READ" },
        ]);
    });

    it("never gives CAN_MANAGE or IS_OWNER to anyone but the pipeline principal", async () => {
        const s = await custom();
        const mine = s.ofType(T.permissions).filter((r) => r.urn.includes("lakehouse:pipelines:Pipelines"));
        const managers = mine.flatMap((r) => inputsOf(r).accessControls.filter((a: any) => ["CAN_MANAGE", "IS_OWNER"].includes(a.permissionLevel)));
        expect(managers.every((a: any) => a.servicePrincipalName === appId(s))).to.equal(true);
        expect(managers).to.have.length(2);
    });

    it("without roles: nobody but admins may use the cluster policy or read the code (no empty ACLs)", async () => {
        const s = await planTrained("dev");
        const names = s.ofType(T.permissions).filter((r) => COMPONENTS.some((c) => r.urn.includes(c))).map((r) => r.name).sort();
        // The job-compute policy's ACL names the pipeline principal only (see "classic compute" below).
        expect(names).to.deep.equal(["job-compute-policy-permissions", "job-permissions", "pipeline-compute-policy-permissions", "pipeline-permissions", "warehouse-permissions"]);
    });

    it("caps hand-started clusters with the configured policy", async () => {
        const definition = JSON.parse(inputsOf((await custom()).named(T.policy, "interactive-policy")).definition);
        expect(definition["autoscale.max_workers"].maxValue).to.equal(3);
        expect(definition.node_type_id.values).to.deep.equal(["Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_D16ds_v5"]);
    });
});

describe("pipelines: bad input is rejected before any resource", () => {
    it("names every bad key: mode, cron, timezone, e-mail, node type, role", async () => {
        const err = await rejectedConfig(
            "dev",
            "pipelines.mode=continuous",
            "pipelines.schedule.cron=0 2 * * *",
            "pipelines.schedule.timezone=Europe/Atlantis",
            'pipelines.notifications.onFailure=["not-an-email"]',
            "pipelines.nodeType=Standard_M416ms_v2",
            'pipelines.permissions.run=["interns"]',
        );
        expect(err.keys).to.have.members([
            "lakehouse:pipelines.mode",
            "lakehouse:pipelines.schedule.cron",
            "lakehouse:pipelines.schedule.timezone",
            "lakehouse:pipelines.notifications.onFailure[0]",
            "lakehouse:pipelines.nodeType",
            "lakehouse:pipelines.permissions.run[0]",
        ]);
    });
});

describe("pipelines: classic compute starts as the pipeline principal, which may not create clusters freely", () => {
    it("gives the pipeline principal CAN_USE on a job policy and a pipeline policy, and nothing on the interactive one", async () => {
        const s = await planTrained("dev");
        expect(inputsOf(s.named("databricks:index/servicePrincipal:ServicePrincipal", "databricks-service-principal")).allowClusterCreate).to.equal(false);
        for (const kind of ["job", "pipeline"]) {
            expect(permissionsOf(s, `${kind}-compute-policy-permissions`), kind).to.deep.equal([{ servicePrincipalName: appId(s), permissionLevel: "CAN_USE" }]);
        }
        const job = JSON.parse(inputsOf(s.named(T.policy, "job-compute-policy")).definition);
        expect(job.cluster_type).to.deep.equal({ type: "fixed", value: "job" });
        expect(job.node_type_id).to.deep.equal({ type: "fixed", value: "Standard_D4ds_v5" });
        expect(job.spark_version).to.deep.equal({ type: "fixed", value: "16.4.x-scala2.12" });
        expect(job["autoscale.max_workers"].maxValue).to.equal(2);
        const pipeline = JSON.parse(inputsOf(s.named(T.policy, "pipeline-compute-policy")).definition);
        expect(pipeline.cluster_type).to.deep.equal({ type: "fixed", value: "dlt" });
        expect(pipeline, "a pipeline's runtime comes from its channel").to.not.have.property("spark_version");
        for (const definition of [job, pipeline]) expect(definition.enable_local_disk_encryption).to.deep.equal({ type: "fixed", value: true });
    });

    it("creates the pipeline's and the job's clusters under their policies, after the grants exist", async () => {
        const s = await planTrained("dev");
        const pipeline = s.named(T.pipeline, "medallion");
        const job = s.named(T.job, "full-run");
        expect(inputsOf(pipeline).clusters[0]).to.include({ policyId: "pipeline-compute-policy-id", applyPolicyDefaultValues: true });
        expect(inputsOf(job).jobClusters[0].newCluster).to.include({ policyId: "job-compute-policy-id", applyPolicyDefaultValues: true });
        expect(pipeline.dependencies).to.include(s.named(T.permissions, "pipeline-compute-policy-permissions").urn);
        expect(job.dependencies).to.include(s.named(T.permissions, "job-compute-policy-permissions").urn);
    });

    it("needs no policy on serverless compute", async () => {
        const s = await custom();
        expect(s.ofType(T.policy).map((p) => p.name)).to.deep.equal(["interactive-policy"]);
    });
});
