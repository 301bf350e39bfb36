/**
 * The app's source as uploaded, pure: which files go, how `app.yaml` is rendered per stack, that
 * it wires every variable the app reads (secrets only by reference), and that the content hash
 * changes with any uploaded byte — the hash is what redeploys the app.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    APP_RESOURCE_NAMES,
    APP_SOURCE_DIR,
    SourceFile,
    fileResourceName,
    isUploaded,
    readAppSource,
    renderManifest,
    renderSource,
    sourceHash,
} from "../components/app-source";
import { readSettings } from "../workloads/app/src/settings";

const values = { catalog: "lakehouse_dev", schema: "lakehouse_gold", table: "features" };
const manifestOf = (files: SourceFile[]) => YAML.parse((files.find((f) => f.path === "app.yaml") as SourceFile).content.toString("utf8"));

const copies: string[] = [];
after(() => copies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A copy of the app folder to change files in (removed after the tests). */
function copyOfApp(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-source-"));
    copies.push(dir);
    fs.cpSync(APP_SOURCE_DIR, dir, { recursive: true, filter: (src) => !/node_modules|dist/.test(path.relative(APP_SOURCE_DIR, src)) });
    return dir;
}

describe("app source: what is uploaded", () => {
    it("uploads the manifest, the npm package, the compiler config and the TypeScript sources", () => {
        const paths = readAppSource().map((f) => f.path);
        expect(paths).to.include.members(["app.yaml", "package.json", "tsconfig.json", "src/main.ts", "src/server.ts", "src/warehouse.ts", "src/serving.ts"]);
        expect(paths).to.deep.equal([...paths].sort());
        for (const p of paths) expect(fs.existsSync(path.join(APP_SOURCE_DIR, p)), p).to.equal(true);
    });

    it("leaves tests, local builds, dependencies and notes behind", () => {
        for (const p of ["src/server.test.ts", "dist/main.js", "node_modules/x/index.ts", "README.md", ".gitignore", "src/types.d.ts", "package-lock.json"]) {
            expect(isUploaded(p), p).to.equal(false);
        }
        const dir = copyOfApp();
        fs.mkdirSync(path.join(dir, "dist"));
        fs.writeFileSync(path.join(dir, "dist", "main.js"), "built");
        fs.writeFileSync(path.join(dir, "src", "extra.test.ts"), "test");
        expect(readAppSource(dir).map((f) => f.path)).to.deep.equal(readAppSource().map((f) => f.path));
    });

    it("declares a build and a start script, and what they need, in the app's package.json", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(APP_SOURCE_DIR, "package.json"), "utf8"));
        expect(pkg.scripts.build).to.match(/^tsc /);
        expect(pkg.scripts.start).to.equal("node dist/main.js");
        // Databricks runs `npm install`: the compiler must be a dependency, not a dev dependency.
        expect(Object.keys(pkg.dependencies)).to.include.members(["@databricks/sql", "typescript", "@types/node"]);
        for (const version of Object.values<string>(pkg.dependencies)) expect(version).to.match(/^\d+\.\d+\.\d+$/);
    });
});

describe("app source: app.yaml per stack", () => {
    it("fills in the stack's catalog, schema and table", () => {
        const env = manifestOf(renderSource(readAppSource(), values)).env as { name: string; value?: string; valueFrom?: string }[];
        const plain = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
        expect(plain).to.deep.equal({ LAKEHOUSE_CATALOG: "lakehouse_dev", LAKEHOUSE_SCHEMA: "lakehouse_gold", LAKEHOUSE_TABLE: "features" });
    });

    it("takes the warehouse, the endpoint and the secret from the app's resources, never as literals", () => {
        const manifest = manifestOf(renderSource(readAppSource(), values));
        const fromResources = Object.fromEntries((manifest.env as { name: string; valueFrom?: string }[]).filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom]));
        expect(fromResources).to.deep.equal({
            DATABRICKS_WAREHOUSE_ID: APP_RESOURCE_NAMES.warehouse,
            SERVING_ENDPOINT: APP_RESOURCE_NAMES.endpoint,
            FORM_SIGNING_KEY: APP_RESOURCE_NAMES.secret,
        });
        expect(manifest.command).to.deep.equal(["npm", "run", "start"]);
    });

    it("provides every variable the app reads, with what Databricks Apps injects", () => {
        const env = manifestOf(renderSource(readAppSource(), values)).env as { name: string; value?: string; valueFrom?: string }[];
        const injected = { DATABRICKS_HOST: "adb-1.7.azuredatabricks.net", DATABRICKS_CLIENT_ID: "id", DATABRICKS_CLIENT_SECRET: "s", DATABRICKS_APP_PORT: "8000" };
        const resolved = Object.fromEntries(env.map((e) => [e.name, e.value ?? `<${e.valueFrom}>`]));
        const settings = readSettings({ ...injected, ...resolved });
        expect(settings).to.include({ catalog: "lakehouse_dev", schema: "lakehouse_gold", table: "features", warehouseId: "<sql-warehouse>" });
        expect(() => readSettings(injected)).to.throw(/LAKEHOUSE_CATALOG is not set/);
    });

    it("refuses values that are not Unity Catalog names and placeholders it does not know", () => {
        expect(() => renderManifest('value: "{{catalog}}"', { ...values, catalog: "x\ny: 1" })).to.throw(/not a Unity Catalog name/);
        expect(() => renderManifest('value: "{{owner}}"', values)).to.throw(/unknown placeholder \{\{owner\}\}/);
        expect(renderManifest("# {{...}} stays a comment", values)).to.equal("# {{...}} stays a comment");
    });
});

describe("app source: the content hash drives redeploys", () => {
    const base = sourceHash(renderSource(readAppSource(), values));

    it("is stable for the same source and values", () => {
        expect(sourceHash(renderSource(readAppSource(), values))).to.equal(base);
        expect(base).to.match(/^[0-9a-f]{16}$/);
    });

    it("changes when one byte of one source file changes", () => {
        const dir = copyOfApp();
        const file = path.join(dir, "src", "page.ts");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Latest rows", "Latest Rows"));
        expect(sourceHash(renderSource(readAppSource(dir), values))).to.not.equal(base);
    });

    it("changes when a source file is added, and when one is renamed with the same content", () => {
        const added = copyOfApp();
        fs.writeFileSync(path.join(added, "src", "extra.ts"), "export const x = 1;\n");
        expect(sourceHash(renderSource(readAppSource(added), values))).to.not.equal(base);
        const renamed = copyOfApp();
        fs.renameSync(path.join(renamed, "src", "page.ts"), path.join(renamed, "src", "view.ts"));
        expect(sourceHash(renderSource(readAppSource(renamed), values))).to.not.equal(base);
    });

    it("changes with the rendered app.yaml (a new catalog is a new deployment), not with files that are not uploaded", () => {
        expect(sourceHash(renderSource(readAppSource(), { ...values, catalog: "lakehouse_prod" }))).to.not.equal(base);
        const dir = copyOfApp();
        fs.writeFileSync(path.join(dir, "NOTES.md"), "not uploaded");
        expect(sourceHash(renderSource(readAppSource(dir), values))).to.equal(base);
    });

    it("names each upload by its path, so a content change updates it instead of renaming it", () => {
        expect(fileResourceName("src/server.ts")).to.equal("source-src-server-ts");
        expect(fileResourceName("app.yaml")).to.equal("source-app-yaml");
        const names = readAppSource().map((f) => fileResourceName(f.path));
        expect(new Set(names).size).to.equal(names.length);
    });
});
