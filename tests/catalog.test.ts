/**
 * Unity Catalog and grants under Pulumi's mocks: what the dev and prod stacks create, that every
 * component takes the same names, that prod protects the data, that unrelated config changes leave
 * the catalog alone, and that each principal ends up with exactly the privileges of its matrix.
 */
import { expect } from "chai";
import * as path from "path";
import { PlannedResource, runProgram } from "../tools/harness";
import { grantsReport } from "../tools/grants-report";
import { METADATA_COLUMNS } from "../components/metadata-table";
import { parseOverride } from "../tools/stack-config";
import { planOf, planTrained, rejectedConfig } from "./helpers";

const T = {
    credential: "databricks:index/storageCredential:StorageCredential",
    location: "databricks:index/externalLocation:ExternalLocation",
    catalog: "databricks:index/catalog:Catalog",
    schema: "databricks:index/schema:Schema",
    volume: "databricks:index/volume:Volume",
    table: "databricks:index/sqlTable:SqlTable",
    model: "databricks:index/registeredModel:RegisteredModel",
    grants: "databricks:index/grants:Grants",
    assignment: "databricks:index/metastoreAssignment:MetastoreAssignment",
    container: "azure-native:storage:BlobContainer",
    account: "azure-native:storage:StorageAccount",
    connector: "azure-native:databricks:AccessConnector",
};
/** The resources the catalog owns (and grants on them): none may move when serving or compute changes. */
const CATALOG_TYPES = [T.credential, T.location, T.catalog, T.schema, T.volume, T.table, T.model, T.grants, T.assignment];
/** Data-bearing: protected in prod. */
const DATA_TYPES = [T.credential, T.location, T.catalog, T.schema, T.volume, T.table, T.model];

const input = (r: PlannedResource) => r.inputs as Record<string, any>;
const sorted = (xs: string[]) => [...xs].sort();
/** One scenario (one program run) for the naming and metastore tests: another catalog and schema, an assigned metastore. */
const RENAMED = ["catalog=kmflow", "schema=evidence", "metastoreId=11111111-2222-3333-4444-555555555555"];

/**
 * The expected effective privileges (granted ∪ inherited), written out from the KMFlow runbook and
 * the stack files, independently of the code: role → securable → privileges.
 */
function expectedMatrix(catalog: string, schema: string): Record<string, Record<string, string[]>> {
    const bronze = `${catalog}.${schema}_bronze`;
    const silver = `${catalog}.${schema}_silver`;
    const gold = `${catalog}.${schema}_gold`;
    // KMFlow: catalog USE CATALOG, USE SCHEMA, CREATE SCHEMA; each schema CREATE TABLE, MODIFY, SELECT
    // (plus CREATE MATERIALIZED VIEW, which a Lakeflow pipeline publishing materialized views needs);
    // the volume READ/WRITE VOLUME. USE SCHEMA reaches every schema, MODIFY and SELECT the table.
    // The payload schema is reached by USE SCHEMA alone, which opens no table in it.
    const kmflowSchema = sorted(["USE_SCHEMA", "CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"]);
    return {
        pipeline: {
            [catalog]: sorted(["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"]),
            [bronze]: kmflowSchema,
            [silver]: kmflowSchema,
            [gold]: kmflowSchema,
            [`${catalog}.${schema}_payloads`]: ["USE_SCHEMA"],
            [`${bronze}.raw_files`]: sorted(["READ_VOLUME", "WRITE_VOLUME"]),
            [`${bronze}.evidence_metadata`]: sorted(["MODIFY", "SELECT"]),
        },
        // Read-only on gold; SELECT does not apply to registered models, so the app holds nothing on them.
        app: { [catalog]: ["USE_CATALOG"], [gold]: sorted(["USE_SCHEMA", "SELECT"]) },
        // The stack files: analysts read silver and gold.
        analysts: { [catalog]: ["USE_CATALOG"], [silver]: sorted(["USE_SCHEMA", "SELECT"]), [gold]: sorted(["USE_SCHEMA", "SELECT"]) },
    };
}

/** Principal → securable → effective privileges, from the registered grant resources. */
function effective(resources: PlannedResource[]): Record<string, Record<string, string[]>> {
    const report = grantsReport(resources);
    const out: Record<string, Record<string, string[]>> = {};
    for (const [principal, entries] of Object.entries(report)) {
        out[principal] = Object.fromEntries(entries.map((e) => [e.name, sorted([...e.privileges, ...e.inherited])]));
    }
    return out;
}

async function catalogProgram(stack: string, ...sets: string[]) {
    return runProgram({ stack, overrides: sets.map(parseOverride), program: path.join(__dirname, "fixtures", "catalog-program") });
}

describe("catalog: what the dev stack creates", () => {
    it("builds the storage credential on the access connector and one external location per container, from the storage outputs", async () => {
        const s = await planTrained("dev");
        const account = input(s.ofType(T.account)[0]).accountName;
        const connector = input(s.ofType(T.connector)[0]).connectorName;
        const credential = s.named(T.credential, "storage-credential");
        expect(input(credential).azureManagedIdentity.accessConnectorId).to.match(new RegExp(`/providers/Microsoft\\.Databricks/accessConnectors/${connector}$`));
        expect(input(credential).isolationMode).to.equal("ISOLATION_MODE_ISOLATED");

        const containers = s.ofType(T.container).map((c) => input(c).containerName as string);
        expect(containers).to.include.members(["landing", "bronze", "silver", "gold"]);
        const locations = s.ofType(T.location);
        expect(locations.map((l) => input(l).url).sort()).to.deep.equal(containers.map((c) => `abfss://${c}@${account}.dfs.core.windows.net/`).sort());
        for (const l of locations) {
            expect(input(l).credentialName).to.equal(input(credential).name);
            expect(input(l).isolationMode).to.equal("ISOLATION_MODE_ISOLATED");
            expect(l.dependencies).to.include(credential.urn);
        }
        // Unique in a metastore shared by every stack: the names carry the stack.
        expect(input(credential).name).to.equal("lakehouse_dev_lake");
        expect(locations.map((l) => input(l).name).sort()).to.deep.equal(containers.map((c) => `lakehouse_dev_${c}`).sort());
    });

    it("gives the catalog and each medallion schema managed storage in non-overlapping paths of their own containers", async () => {
        const s = await planTrained("dev");
        const account = input(s.ofType(T.account)[0]).accountName;
        const url = (container: string) => `abfss://${container}@${account}.dfs.core.windows.net/`;
        const catalog = s.named(T.catalog, "catalog");
        expect(input(catalog).name).to.equal("lakehouse_dev");
        expect(input(catalog).isolationMode).to.equal("ISOLATED");
        expect(input(catalog).storageRoot).to.equal(`${url("gold")}catalog`);
        expect(catalog.dependencies).to.include(s.named(T.location, "external-location-gold").urn);

        const roots = [input(catalog).storageRoot as string];
        for (const layer of ["bronze", "silver", "gold"]) {
            const schema = s.named(T.schema, `schema-${layer}`);
            expect(input(schema).name).to.equal(`lakehouse_${layer}`);
            expect(input(schema).catalogName).to.equal("lakehouse_dev");
            expect(input(schema).storageRoot).to.equal(`${url(layer)}managed`);
            expect(schema.dependencies).to.include(s.named(T.location, `external-location-${layer}`).urn);
            roots.push(input(schema).storageRoot);
        }
        // Unity Catalog rejects managed locations that overlap each other or an external volume.
        const volume = input(s.named(T.volume, "landing-volume")).storageLocation as string;
        for (const a of roots) {
            for (const b of [...roots, volume]) if (a !== b) expect(b.startsWith(`${a}/`) || a.startsWith(`${b}/`) || b === a, `${a} vs ${b}`).to.equal(false);
        }
    });

    it("creates the landing volume on the landing container, in the bronze schema", async () => {
        const s = await planTrained("dev");
        const account = input(s.ofType(T.account)[0]).accountName;
        const volume = input(s.named(T.volume, "landing-volume"));
        expect(volume).to.include({ catalogName: "lakehouse_dev", schemaName: "lakehouse_bronze", name: "raw_files", volumeType: "EXTERNAL" });
        expect(volume.storageLocation).to.equal(`abfss://landing@${account}.dfs.core.windows.net/raw_files`);
        expect(s.run.outputs.landingVolumePath).to.equal("/Volumes/lakehouse_dev/lakehouse_bronze/raw_files");
    });

    it("creates the KMFlow metadata table as a managed Delta table with the runbook's columns, in bronze", async () => {
        const table = input((await planTrained("dev")).named(T.table, "metadata-table"));
        expect(table).to.include({ catalogName: "lakehouse_dev", schemaName: "lakehouse_bronze", name: "evidence_metadata", tableType: "MANAGED", dataSourceFormat: "DELTA" });
        expect(table.columns.map((c: any) => `${c.name}:${c.type}:${c.nullable}`)).to.deep.equal(METADATA_COLUMNS.map((c) => `${c.name}:${c.type}:${c.nullable}`));
        expect(table.columns[0]).to.include({ name: "id", nullable: false });
        expect(table.properties).to.deep.equal({ "delta.columnMapping.mode": "name" });
    });

    it("runs the metadata table's DDL on the stack's SQL warehouse, so the provider starts no cluster of its own", async () => {
        const s = await planTrained("dev");
        const table = s.named(T.table, "metadata-table");
        const warehouse = s.named("databricks:index/sqlEndpoint:SqlEndpoint", "warehouse");
        expect(input(table).warehouseId).to.equal(s.run.outputs.warehouseId);
        expect(table.dependencies).to.include(warehouse.urn);
    });

    it("registers one model container per served model, in the gold schema", async () => {
        const s = await planTrained("dev");
        const models = s.ofType(T.model).map((m) => `${input(m).catalogName}.${input(m).schemaName}.${input(m).name}`);
        expect(models.sort()).to.deep.equal(
            ["feedback_processor", "pneumonia_poc_classifier", "pneumonia_poc_classifier_pytorch"].map((m) => `lakehouse_dev.lakehouse_gold.${m}`),
        );
    });

    it("assigns the metastore only when lakehouse:metastoreId is set, and builds the catalog after it", async () => {
        expect((await planTrained("dev")).ofType(T.assignment)).to.deep.equal([]);
        const s = await planTrained("dev", ...RENAMED);
        const id = "11111111-2222-3333-4444-555555555555";
        const assignment = s.named(T.assignment, "metastore-assignment");
        expect(input(assignment)).to.deep.equal({ metastoreId: id, workspaceId: "1234567890123456" });
        expect(s.named(T.catalog, "catalog").dependencies).to.include(assignment.urn);
        expect(s.named(T.credential, "storage-credential").dependencies).to.include(assignment.urn);
    });
});

describe("catalog: one source of names", () => {
    it("every resource that names a catalog, schema, volume or model uses the catalog component's names", async () => {
        const s = await planTrained("dev", ...RENAMED);
        const schemas = ["bronze", "silver", "gold", "payloads"].map((l) => `evidence_${l}`);
        const byUrn = new Map(s.run.resources.map((r) => [r.urn, r]));
        const componentOf = (r: PlannedResource): string => {
            let current = r;
            while (current.parent && !byUrn.get(current.parent)?.type.startsWith("pulumi:pulumi:Stack")) current = byUrn.get(current.parent) as PlannedResource;
            return current.name;
        };
        const referencing = new Set<string>();
        const check = (r: PlannedResource, key: string, value: unknown) => {
            if (typeof value !== "string") return;
            const field = key.split(".").pop() as string;
            const where = `${r.name} ${key} = ${value}`;
            if (/^(catalog|catalogName)$/i.test(field) || /(^|_)catalog$/.test(field)) {
                expect(value, where).to.equal("kmflow");
                referencing.add(componentOf(r));
            } else if (/(^|_)schema(Name)?$/i.test(field)) {
                expect([...schemas, ...schemas.map((x) => `kmflow.${x}`)], where).to.include(value);
                referencing.add(componentOf(r));
            }
            if (value.startsWith("/Volumes/")) expect(value.startsWith("/Volumes/kmflow/evidence_bronze/raw_files"), where).to.equal(true);
            if (/^kmflow\.[a-z0-9_]+\.[a-z0-9_]+$/.test(value)) expect(schemas, where).to.include(value.split(".")[1]);
        };
        const walk = (r: PlannedResource, key: string, value: unknown) => {
            if (Array.isArray(value)) value.forEach((v, i) => walk(r, `${key}.${i}`, v));
            else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(r, key ? `${key}.${k}` : k, v);
            else check(r, key, value);
        };
        // System schemas (`system.access`, …) are Databricks' own, not the catalog's.
        for (const r of s.run.resources) if (!r.type.startsWith("lakehouse:") && r.type !== "databricks:index/systemSchema:SystemSchema") walk(r, "", r.inputs);
        expect(s.run.outputs.catalogName).to.equal("kmflow");
        expect(s.run.outputs.schemaNames).to.deep.equal({ bronze: "evidence_bronze", silver: "evidence_silver", gold: "evidence_gold" });
        // At least the catalog and the grants; every consumer wired in the platform adds itself here.
        expect([...referencing]).to.include.members(["catalog", "grants"]);
        for (const consumer of ["pipelines", "serving"]) {
            if (s.run.resources.some((r) => r.type.startsWith("lakehouse:") && r.name === consumer)) expect([...referencing], consumer).to.include(consumer);
        }
    });
});

describe("catalog: protection and blast radius", () => {
    it("prod protects the catalog, schemas, volume, table, models, credential and external locations; dev protects none", async () => {
        const prod = await planTrained("prod");
        const dev = await planTrained("dev");
        for (const type of DATA_TYPES) {
            expect(prod.ofType(type).length, type).to.be.greaterThan(0);
            for (const r of prod.ofType(type)) expect(r.protect, `prod ${r.name}`).to.equal(true);
            for (const r of dev.ofType(type)) expect(r.protect, `dev ${r.name}`).to.equal(false);
        }
        // Only unprotected stacks may destroy a catalog or schema with content in it (dev teardown).
        expect(input(prod.named(T.catalog, "catalog")).forceDestroy).to.equal(false);
        expect(input(dev.named(T.catalog, "catalog")).forceDestroy).to.equal(true);
    });

    // The same scenarios as the serving and pipelines tests (planOf is memoized: no extra program run).
    for (const [what, stack, sets] of [
        ["a traffic shift", "prod", ["serving.traffic.challenger=50", "serving.traffic.champion=50"]],
        ["a compute size change", "dev", ["computeSize=large"]],
    ] as const) {
        it(`changes no catalog resource or grant on ${what} (${stack})`, async () => {
            const before = await planTrained(stack);
            const after = await planTrained(stack, ...sets);
            const pick = (s: typeof before) => Object.fromEntries(s.run.resources.filter((r) => CATALOG_TYPES.includes(r.type)).map((r) => [r.urn, { inputs: r.inputs, protect: r.protect }]));
            expect(Object.keys(pick(before)).length).to.be.greaterThan(10);
            expect(pick(after)).to.deep.equal(pick(before));
            // The change did happen somewhere else (so this test can fail).
            const others = (s: typeof before) => JSON.stringify(s.run.resources.filter((r) => !CATALOG_TYPES.includes(r.type)).map((r) => r.inputs));
            expect(others(after)).to.not.equal(others(before));
        });
    }
});

describe("grants: each principal holds exactly its matrix", () => {
    it("renders one authoritative grant resource per securable anyone holds something on", async () => {
        const s = await planTrained("dev");
        const names = s.ofType(T.grants).map((g) => g.name);
        expect(new Set(names).size).to.equal(names.length);
        expect(names).to.include.members(["grants-catalog", "grants-schema-bronze", "grants-schema-silver", "grants-schema-gold", "grants-volume-raw_files"]);
        // Nobody is granted on the table or the models directly (the pipeline inherits on the table).
        expect(names.filter((n) => n.startsWith("grants-table-") || n.startsWith("grants-model-"))).to.deep.equal([]);
        const gold = s.named(T.grants, "grants-schema-gold");
        expect(input(gold).schema).to.equal("lakehouse_dev.lakehouse_gold");
        expect(gold.dependencies).to.include(s.named(T.schema, "schema-gold").urn);
    });

    it("gives pipeline, app and analysts exactly the privileges of the matrix on every securable (no more, no less)", async () => {
        const run = await catalogProgram("dev");
        const expected = expectedMatrix("lakehouse_dev", "lakehouse");
        expect(effective(run.resources)).to.deep.equal({
            "pipeline-application-id": expected.pipeline,
            "app-client-id": expected.app,
            "data-analysts": expected.analysts,
        });
    });

    it("the dev plan's grants report matches the matrix for the principals the platform creates", async () => {
        const s = await planTrained("dev");
        const expected = expectedMatrix("lakehouse_dev", "lakehouse");
        const report = effective(s.run.resources);
        expect(s.document.grants, "the plan's --json grants field is the same report").to.deep.equal(grantsReport(s.run.resources));
        const pipeline = s.run.outputs.pipelineApplicationId as string;
        expect(report[pipeline]).to.deep.equal(expected.pipeline);
        expect(report["data-analysts"]).to.deep.equal(expected.analysts);
        // Any other principal is the app's service principal (once the app is wired), holding the app's entry exactly.
        const others = Object.keys(report).filter((p) => p !== pipeline && p !== "data-analysts");
        expect(others.length).to.be.at.most(1);
        for (const other of others) expect(report[other]).to.deep.equal(expected.app);
    });

    it("merges two roles that name the same principal into one entry, and grants on models by name", async () => {
        const run = await catalogProgram(
            "dev",
            "principals.auditors.group=data-analysts",
            "grants.auditors.catalog[0]=BROWSE",
            "grants.auditors.models.feedback_processor[0]=EXECUTE",
        );
        const catalog = run.resources.find((r) => r.type === T.grants && r.name === "grants-catalog") as PlannedResource;
        expect(input(catalog).grants.filter((g: any) => g.principal === "data-analysts")).to.deep.equal([{ principal: "data-analysts", privileges: ["BROWSE", "USE_CATALOG"] }]);
        const model = run.resources.find((r) => r.type === T.grants && r.name === "grants-model-feedback_processor") as PlannedResource;
        expect(input(model)).to.deep.equal({ model: "lakehouse_dev.lakehouse_gold.feedback_processor", grants: [{ principal: "data-analysts", privileges: ["EXECUTE"] }] });
    });
});

describe("catalog and grants: bad input is rejected before any resource, with the key named", () => {
    const cases: [string, string[], string][] = [
        ["a privilege that does not exist", ["grants.pipeline.catalog[0]=READ_EVERYTHING"], "lakehouse:grants.pipeline.catalog[0]"],
        ["a privilege not valid on a volume", ["grants.app.volumes[0]=SELECT"], "lakehouse:grants.app.volumes[0]"],
        ["a role that maps to no principal", ["grants.ghosts.catalog[0]=USE_CATALOG"], "lakehouse:grants.ghosts"],
        ["a layer not in lakehouse:layers", ["grants.analysts.schemas.platinum[0]=SELECT"], "lakehouse:grants.analysts.schemas.platinum"],
        ["a volume name Unity Catalog would reject", ["landingVolume=raw-files"], "lakehouse:landingVolume"],
    ];
    for (const [what, sets, key] of cases) {
        it(`rejects ${what} (${key})`, async () => {
            const err = await rejectedConfig("dev", ...sets);
            expect(err.keys).to.include(key);
        });
    }
});

describe("catalog: Unity Catalog validates storage only after the access connector's role has taken effect", () => {
    it("gives the connector's new role assignment a wait, and makes the storage credential and external locations wait for it", async () => {
        const s = await planOf("dev");
        const role = s.named("azure-native:authorization:RoleAssignment", "connector-blob-contributor");
        const wait = s.named("time:index/sleep:Sleep", "connector-role-propagation");
        expect(wait.inputs).to.deep.equal({ createDuration: "5m", triggers: { roleAssignment: `${role.name}-id` } });
        expect(wait.dependencies).to.include(role.urn);
        const credential = s.ofType("databricks:index/storageCredential:StorageCredential")[0];
        expect(credential.dependencies).to.include(wait.urn);
        for (const location of s.ofType("databricks:index/externalLocation:ExternalLocation")) {
            const viaCredential = location.dependencies.includes(credential.urn) || location.dependencies.includes(wait.urn);
            expect(viaCredential, location.name).to.equal(true);
        }
    });

    it("makes each external location wait for the container it points at", async () => {
        const s = await planOf("dev");
        const containers = s.ofType("azure-native:storage:BlobContainer");
        const locations = s.ofType("databricks:index/externalLocation:ExternalLocation");
        expect(locations.length).to.be.greaterThan(0);
        for (const location of locations) {
            const container = containers.find((c) => String(location.inputs.url).startsWith(`abfss://${c.inputs.containerName}@`));
            expect(container, `${location.name} → ${location.inputs.url}`).to.not.equal(undefined);
            expect(location.dependencies, location.name).to.include(container!.urn);
        }
    });
});
