/**
 * The pure parts of the pipelines component: the full-run task graph, the cluster policy, the
 * access lists, and the workload files (they exist, their hash follows content; npm run test:workloads
 * compiles and runs them).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { roleAccessControls } from "../components/access";
import { accessList, clusterPolicyDefinition } from "../components/pipeline-access";
import { FullRunInputs, STREAM_WINDOW, TASK_KEYS, fullRunTasks, runOrder } from "../components/pipeline-tasks";
import { PROJECT_ROOT, WORKLOAD_FILES, contentMd5, uploadName, workspaceFolder } from "../components/workload-files";

const inputs = (over: Partial<FullRunInputs> = {}): FullRunInputs => ({
    pipelineId: "pipe-1",
    warehouseId: "wh-1",
    files: { prepareLanding: "/w/prepare.py", streamUpdates: "/w/stream.py", goldViews: "/w/gold.sql", validateGold: "/w/validate.py" },
    catalog: "acme",
    schemas: { bronze: "s_bronze", silver: "s_silver", gold: "s_gold" },
    landingPath: "/Volumes/acme/s_bronze/raw_files",
    continuousPipeline: false,
    seedSample: false,
    compute: { kind: "cluster" },
    ...over,
});
const byKey = (tasks: any[]) => Object.fromEntries(tasks.map((t) => [t.taskKey, t]));

describe("full-run job: task graph", () => {
    it("runs prepare → mode branch → refresh or stream → gold views → smoke checks", () => {
        const tasks = fullRunTasks(inputs());
        expect(runOrder(tasks)).to.deep.equal([
            TASK_KEYS.prepare,
            TASK_KEYS.branch,
            TASK_KEYS.refresh,
            TASK_KEYS.stream,
            TASK_KEYS.goldViews,
            TASK_KEYS.validate,
        ]);
    });

    it("branches on the mode job parameter: batch refreshes the pipeline once, stream loops updates", () => {
        const t = byKey(fullRunTasks(inputs()));
        expect(t[TASK_KEYS.branch].conditionTask).to.deep.equal({ left: "{{job.parameters.mode}}", op: "EQUAL_TO", right: "batch" });
        expect(t[TASK_KEYS.refresh].dependsOns).to.deep.equal([{ taskKey: TASK_KEYS.branch, outcome: "true" }]);
        expect(t[TASK_KEYS.refresh].pipelineTask).to.deep.equal({ pipelineId: "pipe-1", fullRefresh: false });
        expect(t[TASK_KEYS.stream].dependsOns).to.deep.equal([{ taskKey: TASK_KEYS.branch, outcome: "false" }]);
        expect(t[TASK_KEYS.stream].sparkPythonTask.parameters).to.deep.equal([
            "--pipeline-id",
            "pipe-1",
            "--interval-seconds",
            String(STREAM_WINDOW.intervalSeconds),
            "--duration-minutes",
            String(STREAM_WINDOW.durationMinutes),
        ]);
        // One branch is always excluded, so the gold views run when neither failed.
        expect(t[TASK_KEYS.goldViews].runIf).to.equal("NONE_FAILED");
    });

    it("points every task at the given catalog, schemas, landing path, warehouse and files", () => {
        const t = byKey(fullRunTasks(inputs({ seedSample: true })));
        expect(t[TASK_KEYS.prepare].sparkPythonTask).to.deep.equal({
            pythonFile: "/w/prepare.py",
            source: "WORKSPACE",
            parameters: ["--landing", "/Volumes/acme/s_bronze/raw_files", "--mode", "{{job.parameters.mode}}", "--seed-sample"],
        });
        expect(t[TASK_KEYS.goldViews].sqlTask).to.deep.equal({
            warehouseId: "wh-1",
            file: { path: "/w/gold.sql", source: "WORKSPACE" },
            parameters: { catalog: "acme", gold_schema: "s_gold" },
        });
        expect(t[TASK_KEYS.validate].sparkPythonTask.parameters).to.include.ordered.members([
            "--catalog",
            "acme",
            "--bronze-schema",
            "s_bronze",
            "--silver-schema",
            "s_silver",
            "--gold-schema",
            "s_gold",
        ]);
        expect(t[TASK_KEYS.stream].sparkPythonTask.pythonFile).to.equal("/w/stream.py");
        expect(t[TASK_KEYS.validate].sparkPythonTask.pythonFile).to.equal("/w/validate.py");
    });

    it("seeds sample data only when asked (development stacks)", () => {
        expect(byKey(fullRunTasks(inputs()))[TASK_KEYS.prepare].sparkPythonTask.parameters).to.not.include("--seed-sample");
    });

    it("does not trigger a continuous pipeline (it runs by itself): prepare → gold views → checks", () => {
        const tasks = fullRunTasks(inputs({ continuousPipeline: true }));
        expect(runOrder(tasks)).to.deep.equal([TASK_KEYS.prepare, TASK_KEYS.goldViews, TASK_KEYS.validate]);
        expect(tasks.some((t) => t.pipelineTask !== undefined)).to.equal(false);
        expect(byKey(tasks)[TASK_KEYS.goldViews].runIf).to.equal(undefined);
    });

    it("runs Python tasks on the shared job cluster, or serverless with an environment", () => {
        const python = (kind: "cluster" | "serverless") => fullRunTasks(inputs({ compute: { kind } })).filter((t) => t.sparkPythonTask);
        expect(python("cluster").map((t) => [t.jobClusterKey, t.environmentKey])).to.deep.equal([
            ["main", undefined],
            ["main", undefined],
            ["main", undefined],
        ]);
        expect(python("serverless").map((t) => [t.jobClusterKey, t.environmentKey])).to.deep.equal([
            [undefined, "default"],
            [undefined, "default"],
            [undefined, "default"],
        ]);
        const others = fullRunTasks(inputs()).filter((t) => !t.sparkPythonTask);
        expect(others.every((t) => t.jobClusterKey === undefined && t.environmentKey === undefined)).to.equal(true);
    });

    it("lists tasks and dependencies in task-key order (stable provider diffs)", () => {
        const keys = fullRunTasks(inputs()).map((t) => t.taskKey as string);
        expect(keys).to.deep.equal([...keys].sort());
    });

    it("rejects a graph with a cycle or an unknown dependency", () => {
        expect(() => runOrder([{ taskKey: "a", dependsOns: [{ taskKey: "b" }] }, { taskKey: "b", dependsOns: [{ taskKey: "a" }] }])).to.throw(/cycle/);
        expect(() => runOrder([{ taskKey: "a", dependsOns: [{ taskKey: "zz" }] }])).to.throw(/unknown task zz/);
    });
});

describe("cluster policy definition", () => {
    const definition = JSON.parse(clusterPolicyDefinition({ allowedNodeTypes: ["Standard_D4ds_v5", "Standard_E8ds_v5"], maxWorkers: 6, autoTerminationMinutes: 45 }));

    it("caps node types, workers and auto-termination for hand-started clusters", () => {
        expect(definition.cluster_type).to.deep.equal({ type: "fixed", value: "all-purpose" });
        expect(definition.node_type_id).to.deep.include({ type: "allowlist", values: ["Standard_D4ds_v5", "Standard_E8ds_v5"], defaultValue: "Standard_D4ds_v5" });
        expect(definition.driver_node_type_id.values).to.deep.equal(["Standard_D4ds_v5", "Standard_E8ds_v5"]);
        for (const key of ["num_workers", "autoscale.min_workers", "autoscale.max_workers"]) {
            expect(definition[key].maxValue, key).to.equal(6);
            expect(definition[key].isOptional, key).to.equal(true);
        }
        expect(definition.autotermination_minutes).to.deep.include({ type: "range", minValue: 10, maxValue: 45 });
        expect(definition.autotermination_minutes.isOptional).to.equal(undefined);
    });

    it("forces a Unity Catalog access mode", () => {
        expect(definition.data_security_mode).to.deep.include({ type: "allowlist", values: ["USER_ISOLATION", "SINGLE_USER"] });
    });

    it("pins the runtime, encrypts local disks, and forbids SSH keys and DBFS init scripts", () => {
        expect(definition.spark_version).to.deep.equal({ type: "allowlist", values: ["16.4.x-scala2.12"], defaultValue: "16.4.x-scala2.12" });
        expect(definition.enable_local_disk_encryption).to.deep.equal({ type: "fixed", value: true });
        expect(definition["ssh_public_keys.*"]).to.deep.equal({ type: "forbidden" });
        expect(definition["init_scripts.*.dbfs.destination"]).to.deep.equal({ type: "forbidden" });
    });
});

describe("access lists", () => {
    const principals = {
        operators: { kind: "group" as const, name: "Data Ops" },
        bot: { kind: "servicePrincipal" as const, name: "8d23ae77-912e-4a19-81e4-b9c3f5cc9349" },
        ana: { kind: "user" as const, name: "ana@example.com" },
    };

    it("names each principal the way its kind requires", () => {
        expect(roleAccessControls(["operators", "bot", "ana"], principals, "CAN_VIEW")).to.deep.equal([
            { groupName: "Data Ops", permissionLevel: "CAN_VIEW" },
            { servicePrincipalName: "8d23ae77-912e-4a19-81e4-b9c3f5cc9349", permissionLevel: "CAN_VIEW" },
            { userName: "ana@example.com", permissionLevel: "CAN_VIEW" },
        ]);
    });

    it("gives run roles the run level and view roles the view level of each object", () => {
        const perms = { run: ["operators"], view: ["ana"] };
        const levels = (object: Parameters<typeof accessList>[0]) => accessList(object, perms, principals).map((a) => a.permissionLevel);
        expect(levels("job")).to.deep.equal(["CAN_MANAGE_RUN", "CAN_VIEW"]);
        expect(levels("pipeline")).to.deep.equal(["CAN_RUN", "CAN_VIEW"]);
        expect(levels("warehouse")).to.deep.equal(["CAN_USE", "CAN_VIEW"]);
        expect(levels("clusterPolicy")).to.deep.equal(["CAN_USE"]);
        expect(levels("code")).to.deep.equal(["CAN_READ", "CAN_READ"]);
    });

    it("fails loudly on a role config validation should have caught", () => {
        expect(() => roleAccessControls(["ghosts"], principals, "CAN_VIEW")).to.throw(/ghosts is not declared/);
    });
});

describe("workload files", () => {
    const pythonFiles = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) return e.name === "node_modules" || e.name === "__pycache__" ? [] : pythonFiles(full);
            return e.name.endsWith(".py") ? [full] : [];
        });

    it("exist in the repository, each with a distinct workspace target", () => {
        const files = Object.values(WORKLOAD_FILES);
        for (const f of files) expect(fs.existsSync(path.join(PROJECT_ROOT, f.source)), f.source).to.equal(true);
        expect(new Set(files.map((f) => f.target)).size).to.equal(files.length);
    });



    it("hash the content: editing a file changes the md5 input, rewriting the same bytes does not", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "md5-"));
        try {
            const file = path.join(dir, "job.py");
            fs.writeFileSync(file, "print('v1')\n");
            const v1 = contentMd5(file);
            fs.writeFileSync(file, "print('v1')\n");
            expect(contentMd5(file)).to.equal(v1);
            fs.writeFileSync(file, "print('v2')\n");
            expect(contentMd5(file)).to.not.equal(v1);
            // The provider's own hash is the hex MD5 of the bytes (RFC 1321 test vector for "abc").
            fs.writeFileSync(file, "abc");
            expect(contentMd5(file)).to.equal("900150983cd24fb0d6963f7d28e17f72");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("uploads under the pipeline principal's home with stable resource names", () => {
        expect(workspaceFolder("8d23ae77-912e-4a19-81e4-b9c3f5cc9349", "lakehouse-dev")).to.equal("/Users/8d23ae77-912e-4a19-81e4-b9c3f5cc9349/lakehouse-dev");
        expect(uploadName("pipelineSource")).to.equal("workload-pipeline-source");
    });
});
