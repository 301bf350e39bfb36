/**
 * The DataApp component in the real program under Pulumi's mocks: the app and its resources are
 * least-privilege, its source is uploaded to a hash-named folder that drives redeploys, its env
 * names the configured catalog, schema, table and endpoint, who may use it comes from config, and
 * a compute size change resizes the app and touches nothing that holds data.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { APP_SOURCE_DIR, readAppSource } from "../components/app-source";
import { PlannedResource } from "../tools/harness";
import { Scenario, planTrained } from "./helpers";

const T = {
    app: "databricks:index/app:App",
    deploy: "command:local:Command",
    file: "databricks:index/workspaceFile:WorkspaceFile",
    permissions: "databricks:index/permissions:Permissions",
    secret: "databricks:index/secret:Secret",
    scope: "databricks:index/secretScope:SecretScope",
    password: "random:index/randomPassword:RandomPassword",
    grants: "databricks:index/grants:Grants",
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    serving: "databricks:index/modelServing:ModelServing",
    component: "lakehouse:app:DataApp",
};

/** Declared roles and app permissions, plus another catalog, endpoint and table, so the env test can fail. */
const WITH_USERS = [
    "principals.appusers.group=App Users",
    "principals.appadmins.group=platform-admins",
    "principals.auditor.user=auditor@example.com",
    "principals.reporter.servicePrincipal=9a3e5c1b-2f4d-4e6a-8b7c-0d1e2f3a4b5c",
    "app.users[0]=appusers",
    "app.users[1]=auditor",
    "app.users[2]=reporter",
    "app.owners[0]=appadmins",
    "catalog=lakehouse_other",
    "app.endpoint=feedback",
    "app.table=daily_summary",
];

const children = (s: Scenario) => {
    const component = s.ofType(T.component)[0];
    return s.run.resources.filter((r) => r.parent === component.urn);
};
const app = (s: Scenario) => s.named(T.app, "app").inputs as any;
/** The workspace folder the CLI deploys the app from (the deploy command's --source-code-path). */
const deployedFrom = (s: Scenario) => String((s.named(T.deploy, "deploy").inputs as any).create).split(" --source-code-path ")[1];
const deployTriggers = (s: Scenario) => (s.named(T.deploy, "deploy").inputs as any).triggers as string[];
const uploads = (s: Scenario) => s.ofType(T.file).filter((f) => f.parent === s.ofType(T.component)[0].urn);
const decoded = (file: PlannedResource) => Buffer.from((file.inputs as any).contentBase64, "base64").toString("utf8");
const manifest = (s: Scenario) => YAML.parse(decoded(uploads(s).find((f) => (f.inputs as any).path.endsWith("/app.yaml")) as PlannedResource));
const appPermissions = (s: Scenario) => s.ofType(T.permissions).filter((p) => (p.inputs as any).appName !== undefined);

describe("data app: the app and its resources", () => {
    it("creates one app per stack, named and sized from config, described, deployed from its upload", async () => {
        const dev = await planTrained("dev");
        const inputs = app(dev);
        expect(dev.ofType(T.app)).to.have.length(1);
        expect(inputs.name).to.equal("lakehouse-dev-app");
        expect(inputs.computeSize).to.equal("MEDIUM");
        expect(inputs.description).to.equal("Gold-layer rows and live scoring against the A/B serving endpoint");
        // Deployed by the CLI from the hash-named upload; the App never manages sourceCodePath (not echoed by the service).
        expect(inputs).to.not.have.property("sourceCodePath");
        expect(deployedFrom(dev)).to.match(/^\/Workspace\/lakehouse-dev\/apps\/lakehouse-dev-app\/[0-9a-f]{16}$/);
        expect(dev.named(T.app, "app").provider, "the workspace provider").to.match(/pulumi:providers:databricks::/);
    });

    it("names a bigger size in prod, where the profile is large", async () => {
        expect(app(await planTrained("prod"))).to.include({ name: "lakehouse-prod-app", computeSize: "LARGE" });
    });

    it("gets exactly three resources: the pipelines' warehouse (CAN_USE), the A/B endpoint (CAN_QUERY), its own secret (READ)", async () => {
        const dev = await planTrained("dev");
        const warehouse = dev.ofType(T.warehouse)[0];
        const classifier = dev.ofType(T.serving).find((e) => (e.inputs as any).name === "lakehouse-classifier") as PlannedResource;
        expect(classifier, "the classifier endpoint").to.not.equal(undefined);
        const byName = Object.fromEntries((app(dev).resources as any[]).map((r) => [r.name, r]));
        expect(Object.keys(byName).sort()).to.deep.equal(["form-signing-key", "serving-endpoint", "sql-warehouse"]);
        expect(byName["sql-warehouse"].sqlWarehouse).to.deep.equal({ id: `${warehouse.name}-id`, permission: "CAN_USE" });
        expect(byName["serving-endpoint"].servingEndpoint).to.deep.equal({ name: "lakehouse-classifier", permission: "CAN_QUERY" });
        expect(byName["form-signing-key"].secret).to.deep.equal({ scope: "lakehouse-dev-app", key: "form-signing-key", permission: "READ" });
        expect(dev.run.outputs.warehouseId).to.equal(`${warehouse.name}-id`);
    });

    it("asks for nothing more: no user token scopes, no Unity Catalog resource, no manage or owner level", async () => {
        const inputs = app(await planTrained("dev"));
        expect(inputs.userApiScopes).to.equal(undefined);
        const text = JSON.stringify(inputs.resources);
        for (const broad of ["CAN_MANAGE", "IS_OWNER", "WRITE", "MANAGE\"", "ucSecurable", "job", "database"]) expect(text, broad).to.not.contain(broad);
    });

    it("reads a secret scope of its own, never the platform scope with the pipeline's password", async () => {
        const dev = await planTrained("dev");
        const own = children(dev).filter((r) => r.type === T.scope);
        expect(own.map((s) => (s.inputs as any).name)).to.deep.equal(["lakehouse-dev-app"]);
        const platformScope = dev.run.outputs.secretScope;
        expect(platformScope).to.be.a("string").and.not.equal("lakehouse-dev-app");
        expect(JSON.stringify(app(dev).resources)).to.not.contain(`"${platformScope}"`);
        const secret = children(dev).find((r) => r.type === T.secret) as PlannedResource;
        expect((secret.inputs as any).stringValue).to.equal("[secret]");
        expect(secret.secretInputs).to.include("stringValue");
    });

    it("lets only the app's service principal read its source folder", async () => {
        const dev = await planTrained("dev");
        const read = dev.named(T.permissions, "source-read").inputs as any;
        expect(read.directoryPath).to.equal("/lakehouse-dev/apps/lakehouse-dev-app");
        expect(read.accessControls).to.deep.equal([{ servicePrincipalName: dev.run.outputs.appServicePrincipal ?? appSp(dev), permissionLevel: "CAN_READ" }]);
    });

    it("exports the app's URL", async () => {
        const dev = await planTrained("dev");
        expect(dev.run.outputs.appUrl).to.equal("https://lakehouse-dev-app-1234567890123456.7.azure.databricksapps.com");
    });
});

/** The app's service principal as the mock provider reports it (read off the source-read ACL's dependency). */
function appSp(s: Scenario): string {
    return (s.named(T.permissions, "source-read").inputs as any).accessControls[0].servicePrincipalName;
}

describe("data app: Unity Catalog privileges come only from the grants matrix", () => {
    it("gives the app's service principal USE_CATALOG and SELECT on the gold schema, nothing else", async () => {
        const dev = await planTrained("dev");
        const sp = appSp(dev);
        expect(sp).to.match(/^[0-9a-f-]{36}$/);
        const held: Record<string, string[]> = {};
        for (const g of dev.ofType(T.grants)) {
            const inputs = g.inputs as any;
            const securable = inputs.catalog ? `catalog ${inputs.catalog}` : inputs.schema ? `schema ${inputs.schema}` : JSON.stringify(inputs);
            for (const grant of inputs.grants as { principal: string; privileges: string[] }[]) {
                if (grant.principal === sp) held[securable] = [...grant.privileges].sort();
            }
        }
        expect(held).to.deep.equal({ "catalog lakehouse_dev": ["USE_CATALOG"], "schema lakehouse_dev.lakehouse_gold": ["SELECT", "USE_SCHEMA"] });
    });

    it("has no grant, permission or ACL of its own outside its resources", async () => {
        const dev = await planTrained("dev");
        const types = children(dev).map((r) => r.type);
        expect(types).to.not.include(T.grants);
        expect(types.filter((t) => t === T.permissions)).to.have.length(1); // source-read only, no users configured
    });
});

describe("data app: the source upload drives redeploys", () => {
    it("uploads every source file under the hash-named folder, byte for byte", async () => {
        const dev = await planTrained("dev");
        const folder = deployedFrom(dev).replace(/^\/Workspace/, "");
        const source = readAppSource();
        const files = uploads(dev);
        expect(files.map((f) => (f.inputs as any).path).sort()).to.deep.equal(source.map((f) => `${folder}/${f.path}`).sort());
        for (const f of files) {
            const relative = (f.inputs as any).path.slice(folder.length + 1);
            if (relative === "app.yaml") continue;
            expect(decoded(f), relative).to.equal(fs.readFileSync(path.join(APP_SOURCE_DIR, relative), "utf8"));
        }
    });

    it("deploys the uploaded folder with the Databricks CLI after the upload, keyed by the content hash; the app itself is never replaced", async () => {
        const dev = await planTrained("dev");
        const appResource = dev.named(T.app, "app");
        const deploy = dev.named(T.deploy, "deploy");
        const hash = deployedFrom(dev).split("/").pop();
        for (const f of uploads(dev)) {
            expect(appResource.dependencies, f.name).to.include(f.urn);
            expect(deploy.dependencies, f.name).to.include(f.urn);
        }
        expect(deploy.dependencies).to.include(appResource.urn);
        expect((deploy.inputs as any).create).to.equal(`databricks apps deploy lakehouse-dev-app --source-code-path ${deployedFrom(dev)}`);
        expect((deploy.inputs as any).triggers).to.deep.equal([hash]);
        expect((deploy.inputs as any).environment).to.deep.equal({ DATABRICKS_HOST: dev.run.outputs.workspaceUrl });
        expect(appResource.replacement).to.deep.equal({ trigger: undefined, deleteBeforeReplace: false, onChanges: [] });
    });

    it("moves to a new folder and re-deploys when the uploaded bytes change (here: another catalog in app.yaml)", async () => {
        const dev = await planTrained("dev");
        const other = await planTrained("dev", ...WITH_USERS);
        expect(deployedFrom(other)).to.not.equal(deployedFrom(dev));
        expect(deployTriggers(other)).to.not.deep.equal(deployTriggers(dev));
        expect(other.named(T.app, "app").urn).to.equal(dev.named(T.app, "app").urn);
        // The uploads keep their logical names: the files are rewritten, not renamed.
        expect(uploads(other).map((f) => f.name).sort()).to.deep.equal(uploads(dev).map((f) => f.name).sort());
    });
});

describe("data app: its environment names the configured catalog, schema, table and endpoint", () => {
    const cases = [
        { label: "dev", sets: [] as string[], catalog: "lakehouse_dev", table: "payments_daily_summary", endpoint: "lakehouse-classifier" },
        { label: "dev with another catalog, table and endpoint", sets: WITH_USERS, catalog: "lakehouse_other", table: "daily_summary", endpoint: "lakehouse-feedback" },
    ];
    for (const c of cases) {
        it(`${c.label}: app.yaml carries ${c.catalog}.lakehouse_gold.${c.table}, the app scores with ${c.endpoint}`, async () => {
            const s = await planTrained("dev", ...c.sets);
            const env = manifest(s).env as { name: string; value?: string; valueFrom?: string }[];
            const plain = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
            expect(plain).to.deep.equal({ LAKEHOUSE_CATALOG: c.catalog, LAKEHOUSE_SCHEMA: "lakehouse_gold", LAKEHOUSE_TABLE: c.table });
            expect(s.run.outputs.catalogName).to.equal(c.catalog);
            // Every valueFrom names a resource of the app; no variable carries a literal secret.
            const resources = Object.fromEntries((app(s).resources as any[]).map((r) => [r.name, r]));
            for (const e of env.filter((x) => x.valueFrom)) expect(resources, e.name).to.have.property(e.valueFrom as string);
            const endpoint = resources[env.find((e) => e.name === "SERVING_ENDPOINT")?.valueFrom as string].servingEndpoint;
            expect(endpoint).to.deep.equal({ name: c.endpoint, permission: "CAN_QUERY" });
            expect(resources[env.find((e) => e.name === "FORM_SIGNING_KEY")?.valueFrom as string].secret).to.have.property("permission", "READ");
        });
    }
});

describe("data app: who may use and manage it", () => {
    it("grants CAN_USE to the users and CAN_MANAGE to the owners, by principal kind", async () => {
        const s = await planTrained("dev", ...WITH_USERS);
        const [permissions] = appPermissions(s);
        expect(appPermissions(s)).to.have.length(1);
        expect((permissions.inputs as any).appName).to.equal("lakehouse-dev-app");
        expect((permissions.inputs as any).accessControls).to.deep.equal([
            { groupName: "platform-admins", permissionLevel: "CAN_MANAGE" },
            { groupName: "App Users", permissionLevel: "CAN_USE" },
            { userName: "auditor@example.com", permissionLevel: "CAN_USE" },
            { servicePrincipalName: "9a3e5c1b-2f4d-4e6a-8b7c-0d1e2f3a4b5c", permissionLevel: "CAN_USE" },
        ]);
        expect(permissions.replacement?.trigger, "kept across deploys: the app is not replaced").to.equal(undefined);
    });

    it("sets no app ACL when config names nobody", async () => {
        expect(appPermissions(await planTrained("dev"))).to.deep.equal([]);
    });
});

describe("data app: compute size changes touch nothing that holds data", () => {
    /** Resource types the program protects in prod: the data-bearing ones. */
    async function dataBearingTypes(): Promise<Set<string>> {
        return new Set((await planTrained("prod")).run.resources.filter((r) => r.protect).map((r) => r.type));
    }
    const byUrn = (s: Scenario) => new Map(s.run.resources.map((r) => [r.urn, r]));

    it("app.computeSize MEDIUM → LARGE changes the app's size and nothing else", async () => {
        const before = await planTrained("dev");
        const after = await planTrained("dev", "app.computeSize=LARGE");
        const a = byUrn(before);
        const b = byUrn(after);
        expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
        const changed = [...a.keys()].filter((urn) => JSON.stringify(a.get(urn)?.rawInputs) !== JSON.stringify(b.get(urn)?.rawInputs));
        expect(changed.map((u) => u.split("::").pop())).to.deep.equal(["app"]);
        expect(app(after)).to.deep.equal({ ...app(before), computeSize: "LARGE" });
        expect(deployTriggers(after), "no redeploy").to.deep.equal(deployTriggers(before));
    });

    it("lakehouse:computeSize small → large makes the app LARGE and leaves every data-bearing resource as it was", async () => {
        const types = await dataBearingTypes();
        expect(types.size, "prod protects something").to.be.greaterThan(3);
        const before = await planTrained("dev");
        const after = await planTrained("dev", "computeSize=large");
        expect(app(before).computeSize).to.equal("MEDIUM");
        expect(app(after).computeSize).to.equal("LARGE");
        const a = byUrn(before);
        const b = byUrn(after);
        const data = [...a.values()].filter((r) => types.has(r.type));
        expect(data.length).to.be.greaterThan(5);
        for (const r of data) {
            expect(b.has(r.urn), `${r.urn} kept`).to.equal(true);
            expect(b.get(r.urn)?.rawInputs, r.urn).to.deep.equal(r.rawInputs);
        }
        expect(app(after).name).to.equal(app(before).name);
        expect(deployTriggers(after), "no redeploy").to.deep.equal(deployTriggers(before));
    });
});

describe("data app: waits for its endpoint", () => {
    it("registers no app, no upload and no app grants while the endpoint it scores against is disabled, and says why", async () => {
        const s = await planTrained("dev", "serving.endpoints.classifier.enabled=false");
        expect(s.ofType(T.component)).to.deep.equal([]);
        expect(s.ofType(T.app)).to.deep.equal([]);
        expect(s.ofType(T.file).filter((f) => (f.inputs as any).path.includes("/apps/"))).to.deep.equal([]);
        expect(s.run.outputs).to.not.have.property("appUrl");
        expect(s.run.diagnostics).to.include("info: app lakehouse-dev-app is left out until serving.endpoints.classifier is enabled (app.enabled is auto)");
        const sp = appSp(await planTrained("dev"));
        expect(JSON.stringify(s.ofType(T.grants).map((g) => g.inputs))).to.not.contain(sp);
    });
});

describe("data app: authoritative ACLs keep the app's access", () => {
    it("names the app's service principal with CAN_USE on the warehouse and CAN_QUERY on its endpoint", async () => {
        const s = await planTrained("dev");
        const app = s.run.outputs.appServicePrincipal as string;
        const acl = (name: string) => (s.named("databricks:index/permissions:Permissions", name).inputs as any).accessControls as any[];
        expect(acl("warehouse-permissions")).to.deep.include({ servicePrincipalName: app, permissionLevel: "CAN_USE" });
        expect(acl("classifier-query")).to.deep.include({ servicePrincipalName: app, permissionLevel: "CAN_QUERY" });
    });

    it("names no app when the stack has none", async () => {
        const s = await planTrained("dev", "app.enabled=false");
        const acl = (s.named("databricks:index/permissions:Permissions", "warehouse-permissions").inputs as any).accessControls as any[];
        expect(acl).to.have.length(1);
    });
});
