/**
 * The data app's source as it is uploaded: which files of `workloads/app` go to the workspace,
 * `app.yaml` rendered with the stack's catalog, schema and table, and the content hash that names
 * the upload folder (a change to any uploaded byte gives a new folder, and so a new deployment).
 *
 * Pure apart from reading the source folder: unit-tested without mocks.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The app's source folder in this repository. */
export const APP_SOURCE_DIR = path.resolve(__dirname, "..", "workloads", "app");

/** The manifest Databricks Apps reads; rendered per stack before upload. */
export const MANIFEST = "app.yaml";

/**
 * The app resource names `app.yaml` refers to with `valueFrom` (declared on the app by the
 * component; a test checks both sides agree).
 */
export const APP_RESOURCE_NAMES = {
    warehouse: "sql-warehouse",
    endpoint: "serving-endpoint",
    secret: "form-signing-key",
} as const;

/** Key of the app's own secret in its scope. */
export const FORM_SIGNING_KEY = "form-signing-key";

/** One file to upload: its path relative to the app folder and its bytes. */
export interface SourceFile {
    path: string;
    content: Buffer;
}

/** Values `app.yaml` receives per stack (plain, non-secret names only). */
export interface ManifestValues {
    catalog: string;
    schema: string;
    table: string;
}

/**
 * True for files Databricks needs to build and run the app: the manifest, the npm package and
 * compiler config, and the TypeScript sources. Tests, local builds and dependencies stay behind.
 */
export function isUploaded(relative: string): boolean {
    const p = relative.split(path.sep).join("/");
    if (["app.yaml", "package.json", "tsconfig.json"].includes(p)) return true;
    return /^src\/[A-Za-z0-9_/.-]+\.ts$/.test(p) && !p.endsWith(".test.ts") && !p.endsWith(".d.ts");
}

/** The files to upload, sorted by path (so the hash and resource order are stable). */
export function readAppSource(dir: string = APP_SOURCE_DIR): SourceFile[] {
    const out: SourceFile[] = [];
    const walk = (sub: string) => {
        for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
            const relative = sub ? `${sub}/${entry.name}` : entry.name;
            if (entry.isDirectory()) {
                if (!["node_modules", "dist", ".git"].includes(entry.name)) walk(relative);
            } else if (entry.isFile() && isUploaded(relative)) {
                out.push({ path: relative, content: fs.readFileSync(path.join(dir, relative)) });
            }
        }
    };
    walk("");
    if (!out.some((f) => f.path === MANIFEST)) throw new Error(`the app source in ${dir} has no ${MANIFEST}`);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `app.yaml` with its `{{catalog}}`, `{{schema}}` and `{{table}}` placeholders filled in. */
export function renderManifest(template: string, values: ManifestValues): string {
    const rendered = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
        if (!(name in values)) throw new Error(`${MANIFEST} has an unknown placeholder ${whole}`);
        const value = values[name as keyof ManifestValues];
        if (!/^[a-z0-9_]+$/.test(value)) throw new Error(`${MANIFEST}: ${name} ${JSON.stringify(value)} is not a Unity Catalog name`);
        return value;
    });
    return rendered;
}

/** The source with the manifest rendered: exactly the bytes that are uploaded. */
export function renderSource(files: readonly SourceFile[], values: ManifestValues): SourceFile[] {
    return files.map((f) => (f.path === MANIFEST ? { path: f.path, content: Buffer.from(renderManifest(f.content.toString("utf8"), values)) } : f));
}

/** SHA-256 over every uploaded path and its bytes; the first 16 hex digits name the upload folder. */
export function sourceHash(files: readonly SourceFile[]): string {
    const hash = createHash("sha256");
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        hash.update(f.path).update("\0").update(String(f.content.length)).update("\0").update(f.content);
    }
    return hash.digest("hex").slice(0, 16);
}

/** Logical resource name of an uploaded file: stable across content changes (`src/server.ts` → `source-src-server-ts`). */
export function fileResourceName(relative: string): string {
    return `source-${relative.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}
