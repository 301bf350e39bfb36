/**
 * `lakehouse:grants` and the catalog keys, pure: the default matrix is the KMFlow runbook's set,
 * lists expand to every securable of their family, and every bad matrix is rejected with its key.
 */
import { expect } from "chai";
import { resolveConfig } from "../components/config";
import { ConfigError } from "../components/settings/validate";
import { configRejection } from "./helpers";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const resolve = (raw: Record<string, unknown>) => resolveConfig(raw, "westeurope", context);

function rejection(raw: Record<string, unknown>): ConfigError {
    return configRejection(() => resolve(raw), raw);
}

const analysts = { analysts: { group: "data-analysts" } };

describe("catalog settings: names resolved once", () => {
    it("puts the landing volume and the metadata table in the bronze schema", () => {
        const { catalog } = resolve({ catalog: "kmflow", schema: "evidence" });
        expect(catalog.landingVolumePath).to.equal("/Volumes/kmflow/evidence_bronze/raw_files");
        expect(catalog.metadataTableFullName).to.equal("kmflow.evidence_bronze.evidence_metadata");
        expect(catalog.metastoreId).to.equal(undefined);
    });

    it("names the storage credential and external locations after prefix and stack (unique in a shared metastore)", () => {
        const { catalog } = resolve({ namePrefix: "kmf" });
        expect(catalog.storageCredentialName).to.equal("kmf_dev_lake");
        expect(catalog.externalLocationPrefix).to.equal("kmf_dev");
    });

    it("takes a metastore id when the workspace is not auto-assigned", () => {
        const id = "11111111-2222-3333-4444-555555555555";
        expect(resolve({ metastoreId: id }).catalog.metastoreId).to.equal(id);
    });
});

describe("grants settings: the matrix", () => {
    it("defaults to the KMFlow least-privilege set (plus CREATE_MATERIALIZED_VIEW for Lakeflow) for the pipeline and gold read-only for the app", () => {
        const { grants } = resolve({});
        expect(grants.pipeline).to.deep.equal({
            catalog: ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"],
            schemas: {
                bronze: ["CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"],
                silver: ["CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"],
                gold: ["CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"],
            },
            volumes: { raw_files: ["READ_VOLUME", "WRITE_VOLUME"] },
            tables: {},
            models: {},
        });
        expect(grants.app).to.deep.equal({ catalog: ["USE_CATALOG"], schemas: { gold: ["USE_SCHEMA", "SELECT"] }, volumes: {}, tables: {}, models: {} });
        expect(Object.keys(grants)).to.have.members(["pipeline", "app"]);
    });

    it("expands a list to every layer, keyed entries to their layer only, and knows declared roles", () => {
        const { grants } = resolve({
            principals: analysts,
            layers: ["bronze", "silver", "gold", "platinum"],
            grants: {
                analysts: { catalog: ["USE_CATALOG"], schemas: { silver: ["USE_SCHEMA", "SELECT"], platinum: ["USE_SCHEMA"] } },
                pipeline: { schemas: ["USE_SCHEMA"] },
            },
        });
        expect(grants.analysts.schemas).to.deep.equal({ silver: ["USE_SCHEMA", "SELECT"], platinum: ["USE_SCHEMA"] });
        expect(Object.keys(grants.pipeline.schemas)).to.deep.equal(["bronze", "silver", "gold", "platinum"]);
        expect(grants.pipeline.catalog).to.deep.equal([]);
        // Setting lakehouse:grants replaces the default matrix: the app holds nothing here.
        expect(grants.app).to.equal(undefined);
    });

    it("grants on the registered models serving uses, by model name", () => {
        const { grants } = resolve({ principals: analysts, grants: { analysts: { models: { feedback_processor: ["EXECUTE"] } } } });
        expect(grants.analysts.models).to.deep.equal({ feedback_processor: ["EXECUTE"] });
    });
});

describe("grants settings: bad matrices are rejected with the key named", () => {
    const cases: { title: string; raw: Record<string, unknown>; key: string; says: RegExp }[] = [
        {
            title: "a privilege that does not exist",
            raw: { grants: { pipeline: { catalog: ["USE_CATALOG", "READ_EVERYTHING"] } } },
            key: "lakehouse:grants.pipeline.catalog[1]",
            says: /a Unity Catalog privilege \(.*USE_CATALOG/,
        },
        {
            title: "a privilege spelled with a space",
            raw: { grants: { pipeline: { catalog: ["USE CATALOG"] } } },
            key: "lakehouse:grants.pipeline.catalog[0]",
            says: /spelled as the provider spells it: USE_CATALOG/,
        },
        {
            title: "a privilege not valid on a volume",
            raw: { grants: { pipeline: { volumes: ["SELECT"] } } },
            key: "lakehouse:grants.pipeline.volumes[0]",
            says: /valid on a volume \(.*READ_VOLUME/,
        },
        {
            title: "a catalog-only privilege on a schema",
            raw: { grants: { app: { schemas: { gold: ["USE_CATALOG"] } } } },
            key: "lakehouse:grants.app.schemas.gold[0]",
            says: /valid on a schema/,
        },
        {
            title: "MODIFY on a registered model",
            raw: { grants: { app: { models: ["MODIFY"] } } },
            key: "lakehouse:grants.app.models[0]",
            says: /valid on a registered model/,
        },
        {
            title: "a role that maps to no principal",
            raw: { grants: { analysts: { catalog: ["USE_CATALOG"] } } },
            key: "lakehouse:grants.analysts",
            says: /declared in lakehouse:principals.*known: pipeline, app/,
        },
        {
            title: "a layer that is not in lakehouse:layers",
            raw: { grants: { app: { schemas: { platinum: ["SELECT"] } } } },
            key: "lakehouse:grants.app.schemas.platinum",
            says: /layer declared in lakehouse:layers \(bronze, silver, gold\)/,
        },
        {
            title: "a volume the stack does not create",
            raw: { grants: { app: { volumes: { raw_evidence: ["READ_VOLUME"] } } } },
            key: "lakehouse:grants.app.volumes.raw_evidence",
            says: /volume declared in lakehouse:landingVolume \(raw_files\)/,
        },
        {
            title: "a model lakehouse:models does not declare",
            raw: { grants: { app: { models: { churn: ["EXECUTE"] } } } },
            key: "lakehouse:grants.app.models.churn",
            says: /registered model declared in lakehouse:models/,
        },
        {
            title: "a typo in a securable family",
            raw: { grants: { app: { schema: ["SELECT"] } } },
            key: "lakehouse:grants.app.schema",
            says: /known field: catalog, schemas, volumes, tables, models/,
        },
        {
            title: "privileges that are not a list",
            raw: { grants: { app: { catalog: "USE_CATALOG" } } },
            key: "lakehouse:grants.app.catalog",
            says: /a list of privileges valid on a catalog/,
        },
        {
            title: "a duplicated privilege",
            raw: { grants: { app: { catalog: ["USE_CATALOG", "USE_CATALOG"] } } },
            key: "lakehouse:grants.app.catalog[1]",
            says: /no duplicates/,
        },
        { title: "a volume name Unity Catalog would reject", raw: { landingVolume: "raw-files" }, key: "lakehouse:landingVolume", says: /Unity Catalog name/ },
        { title: "a table name Unity Catalog would reject", raw: { metadataTable: "Evidence Metadata" }, key: "lakehouse:metadataTable", says: /Unity Catalog name/ },
        { title: "a metastore id that is not a GUID", raw: { metastoreId: "main" }, key: "lakehouse:metastoreId", says: /metastore id/ },
    ];
    for (const c of cases) {
        it(`rejects ${c.title} (${c.key})`, () => {
            const err = rejection(c.raw);
            expect(err.keys).to.include(c.key);
            const line = err.message.split("\n").find((l) => l.includes(`${c.key} =`));
            expect(line, err.message).to.match(c.says);
        });
    }

    it("reports every bad entry of the matrix at once", () => {
        const err = rejection({ grants: { ghosts: {}, app: { catalog: ["NOPE"], schemas: { tin: ["SELECT"] } } } });
        expect(err.keys).to.have.members(["lakehouse:grants.ghosts", "lakehouse:grants.app.catalog[0]", "lakehouse:grants.app.schemas.tin"]);
    });
});
