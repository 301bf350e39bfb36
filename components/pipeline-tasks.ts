/**
 * The full-run job's task graph, as plain data: prepare the landing folders, refresh the
 * pipeline (one triggered update in `batch` mode, a bounded micro-batch loop in `stream` mode),
 * create the gold views on the warehouse, then run the smoke checks. Pure: no resources, only
 * the shape of `databricks.Job` tasks; unit-tested without mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as databricks from "@pulumi/databricks";

export const TASK_KEYS = {
    prepare: "prepare_landing",
    branch: "mode_is_batch",
    refresh: "refresh_pipeline",
    stream: "stream_updates",
    goldViews: "gold_views",
    validate: "validate_gold",
} as const;

/** The job parameter that picks batch or stream, referenced by the tasks. */
export const MODE_PARAMETER = "mode";
const MODE_REF = `{{job.parameters.${MODE_PARAMETER}}}`;

/** The stream mode's micro-batch loop: an update every 30 s for an hour (the runbook's stream mode). */
export const STREAM_WINDOW = { intervalSeconds: 30, durationMinutes: 60 };

/** Key of the shared job cluster (classic compute) or of the serverless environment. */
export const JOB_CLUSTER_KEY = "main";
export const ENVIRONMENT_KEY = "default";

/** Where the Python tasks run: a shared job cluster, or serverless with an environment. */
export type TaskCompute = { kind: "cluster" } | { kind: "serverless" };

export interface FullRunInputs {
    pipelineId: pulumi.Input<string>;
    warehouseId: pulumi.Input<string>;
    /** Workspace paths of the uploaded workload files. */
    files: {
        prepareLanding: pulumi.Input<string>;
        streamUpdates: pulumi.Input<string>;
        goldViews: pulumi.Input<string>;
        validateGold: pulumi.Input<string>;
    };
    catalog: pulumi.Input<string>;
    schemas: { bronze: pulumi.Input<string>; silver: pulumi.Input<string>; gold: pulumi.Input<string> };
    landingPath: pulumi.Input<string>;
    /** A continuous pipeline runs by itself: the job neither triggers nor loops it. */
    continuousPipeline: boolean;
    /** Seed a sample batch into empty landing folders (development stacks). */
    seedSample: boolean;
    compute: TaskCompute;
}

type Task = databricks.types.input.JobTask;

const after = (...keys: string[]) => keys.sort().map((taskKey) => ({ taskKey }));

function python(compute: TaskCompute, pythonFile: pulumi.Input<string>, parameters: pulumi.Input<string>[]): Partial<Task> {
    return {
        sparkPythonTask: { pythonFile, source: "WORKSPACE", parameters },
        ...(compute.kind === "cluster" ? { jobClusterKey: JOB_CLUSTER_KEY } : { environmentKey: ENVIRONMENT_KEY }),
    };
}

/**
 * The tasks of the full-run job, sorted by task key (the provider diffs tasks in that order);
 * the run order is in `dependsOns`.
 */
export function fullRunTasks(i: FullRunInputs): Task[] {
    const tasks: Task[] = [
        {
            taskKey: TASK_KEYS.prepare,
            description: "Create the landing folders Auto Loader reads (and seed a sample batch on development stacks)",
            ...python(i.compute, i.files.prepareLanding, [
                "--landing",
                i.landingPath,
                "--mode",
                MODE_REF,
                ...(i.seedSample ? ["--seed-sample"] : []),
            ]),
        },
        {
            taskKey: TASK_KEYS.goldViews,
            description: "Create or replace the gold views on the SQL warehouse",
            dependsOns: after(...(i.continuousPipeline ? [TASK_KEYS.prepare] : [TASK_KEYS.refresh, TASK_KEYS.stream])),
            // One of the two refresh branches is always excluded by the condition: run when none failed.
            ...(i.continuousPipeline ? {} : { runIf: "NONE_FAILED" }),
            sqlTask: {
                warehouseId: i.warehouseId,
                file: { path: i.files.goldViews, source: "WORKSPACE" },
                parameters: { catalog: i.catalog, gold_schema: i.schemas.gold },
            },
        },
        {
            taskKey: TASK_KEYS.validate,
            description: "Smoke checks: every table and view readable, expectations held, gold adds up",
            dependsOns: after(TASK_KEYS.goldViews),
            ...python(i.compute, i.files.validateGold, [
                "--catalog",
                i.catalog,
                "--bronze-schema",
                i.schemas.bronze,
                "--silver-schema",
                i.schemas.silver,
                "--gold-schema",
                i.schemas.gold,
                "--mode",
                MODE_REF,
            ]),
        },
    ];
    if (!i.continuousPipeline) {
        tasks.push(
            {
                taskKey: TASK_KEYS.branch,
                description: "batch: one pipeline update; stream: micro-batch updates for a bounded window",
                dependsOns: after(TASK_KEYS.prepare),
                conditionTask: { left: MODE_REF, op: "EQUAL_TO", right: "batch" },
            },
            {
                taskKey: TASK_KEYS.refresh,
                description: "One triggered, incremental update of the medallion pipeline",
                dependsOns: [{ taskKey: TASK_KEYS.branch, outcome: "true" }],
                pipelineTask: { pipelineId: i.pipelineId, fullRefresh: false },
            },
            {
                taskKey: TASK_KEYS.stream,
                description: `Pipeline updates every ${STREAM_WINDOW.intervalSeconds} s for ${STREAM_WINDOW.durationMinutes} min`,
                dependsOns: [{ taskKey: TASK_KEYS.branch, outcome: "false" }],
                ...python(i.compute, i.files.streamUpdates, [
                    "--pipeline-id",
                    i.pipelineId,
                    "--interval-seconds",
                    String(STREAM_WINDOW.intervalSeconds),
                    "--duration-minutes",
                    String(STREAM_WINDOW.durationMinutes),
                ]),
            },
        );
    }
    return tasks.sort((a, b) => String(a.taskKey).localeCompare(String(b.taskKey)));
}

/**
 * The order tasks can run in (a topological sort of `dependsOns`, ties by key). Throws on an
 * unknown dependency or a cycle. Used by tests and the plan to show the graph.
 */
export function runOrder(tasks: { taskKey: unknown; dependsOns?: unknown }[]): string[] {
    const deps = new Map<string, string[]>();
    for (const t of tasks) {
        const list = ((t.dependsOns as { taskKey: unknown }[] | undefined) ?? []).map((d) => String(d.taskKey));
        deps.set(String(t.taskKey), list);
    }
    for (const [key, list] of deps) {
        for (const dep of list) if (!deps.has(dep)) throw new Error(`task ${key} depends on unknown task ${dep}`);
    }
    const order: string[] = [];
    const done = new Set<string>();
    while (order.length < deps.size) {
        const ready = [...deps.keys()].filter((k) => !done.has(k) && deps.get(k)!.every((d) => done.has(d))).sort();
        if (ready.length === 0) throw new Error(`cycle among tasks ${[...deps.keys()].filter((k) => !done.has(k)).join(", ")}`);
        for (const k of ready) {
            order.push(k);
            done.add(k);
        }
    }
    return order;
}
