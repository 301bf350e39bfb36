/**
 * The workload code this repository ships to the workspace, and its upload. Each file is a
 * `databricks.WorkspaceFile` from its `source` path with the MD5 of its content as `md5`: editing
 * a file changes that input, so the next `pulumi up` re-uploads it (and only it). Paths are
 * relative to the project directory, where `pulumi up` runs, so state holds no machine's path.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";

/** The project directory (sources are resolved against it). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** One file to upload: its source in the repository and its path under the stack's workspace folder. */
export interface WorkloadFile {
    /** Path relative to the project directory, with forward slashes. */
    source: string;
    /** Path relative to the stack's workspace folder. */
    target: string;
}

/** Every file the pipeline and the full-run job run. */
export const WORKLOAD_FILES = {
    pipelineSource: { source: "workloads/pipelines/medallion/payments.py", target: "medallion/payments.py" },
    goldViews: { source: "workloads/pipelines/sql/gold_views.sql", target: "sql/gold_views.sql" },
    prepareLanding: { source: "workloads/pipelines/jobs/prepare_landing.py", target: "jobs/prepare_landing.py" },
    streamUpdates: { source: "workloads/pipelines/jobs/stream_updates.py", target: "jobs/stream_updates.py" },
    validateGold: { source: "workloads/pipelines/jobs/validate_gold.py", target: "jobs/validate_gold.py" },
} satisfies Record<string, WorkloadFile>;

export type WorkloadKey = keyof typeof WORKLOAD_FILES;

/** Hex MD5 of a file's bytes: what the provider compares to decide whether to re-upload. */
export function contentMd5(file: string): string {
    return createHash("md5").update(fs.readFileSync(file)).digest("hex");
}

/** The workspace folder of a stack's workload code: under the pipeline service principal's home. */
export function workspaceFolder(applicationId: string, folder: string): string {
    return `/Users/${applicationId}/${folder}`;
}

/** Logical resource name of an upload: `workload-<key in kebab case>`, stable across runs. */
export function uploadName(key: string): string {
    return `workload-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Uploads every workload file under `folder` and returns each file's workspace path (an output
 * of its upload, so whatever uses the path waits for the upload).
 */
export function uploadWorkloads(
    parent: pulumi.Resource,
    provider: databricks.Provider,
    folder: pulumi.Output<string>,
    dependsOn: pulumi.Resource[],
): Record<WorkloadKey, pulumi.Output<string>> {
    const paths = {} as Record<WorkloadKey, pulumi.Output<string>>;
    for (const [key, file] of Object.entries(WORKLOAD_FILES) as [WorkloadKey, WorkloadFile][]) {
        const upload = new databricks.WorkspaceFile(
            uploadName(key),
            {
                path: pulumi.interpolate`${folder}/${file.target}`,
                source: file.source,
                md5: contentMd5(path.join(PROJECT_ROOT, file.source)),
            },
            { parent, provider, dependsOn },
        );
        paths[key] = upload.path;
    }
    return paths;
}
