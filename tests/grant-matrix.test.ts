/**
 * The grants matrix module, pure: rendering one authoritative list per securable, and Unity
 * Catalog inheritance (catalog → schema → table/volume/model) applied to direct grants.
 */
import { expect } from "chai";
import { DirectGrant, effectivePrivileges, effectiveSet, grantResourceName, parentName, platformSecurables, renderGrants } from "../components/grant-matrix";
import { METADATA_COLUMNS, primaryKeyDdl } from "../components/metadata-table";
import { resolveConfig } from "../components/config";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const config = resolveConfig({ catalog: "kmflow", schema: "evidence" }, "westeurope", context);

describe("grant matrix: securables and rendering", () => {
    it("lists the catalog, one schema per layer, the volume, the table and the declared models, parents first", () => {
        const refs = platformSecurables(resolveConfig({ catalog: "kmflow", schema: "evidence", models: { pneumonia_poc_classifier: {} }, serving: { endpoints: { feedback: null, classifier: { entities: { challenger: null } } } } }, "westeurope", context).catalog);
        expect(refs.map((r) => `${r.kind} ${r.name}`)).to.deep.equal([
            "catalog kmflow",
            "schema kmflow.evidence_bronze",
            "schema kmflow.evidence_silver",
            "schema kmflow.evidence_gold",
            "schema kmflow.evidence_payloads",
            "volume kmflow.evidence_bronze.raw_files",
            "table kmflow.evidence_bronze.evidence_metadata",
            "registered_model kmflow.evidence_gold.pneumonia_poc_classifier",
        ]);
    });

    it("gives each securable a stable grant resource name that does not depend on the catalog name", () => {
        expect(grantResourceName("catalog", "kmflow")).to.equal("grants-catalog");
        expect(grantResourceName("schema", "gold")).to.equal("grants-schema-gold");
        expect(grantResourceName("registered_model", "m")).to.equal("grants-model-m");
    });

    it("renders exactly the roles that hold something on each securable", () => {
        const rendered = renderGrants(config.grants, platformSecurables(config.catalog));
        const byName = Object.fromEntries(rendered.map((r) => [r.securable.name, r.grants]));
        expect(byName["kmflow"]).to.deep.equal([
            { role: "app", privileges: ["USE_CATALOG"] },
            { role: "pipeline", privileges: ["CREATE_SCHEMA", "USE_CATALOG", "USE_SCHEMA"] },
        ]);
        expect(byName["kmflow.evidence_gold"]).to.deep.equal([
            { role: "app", privileges: ["SELECT", "USE_SCHEMA"] },
            { role: "pipeline", privileges: ["CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MODIFY", "SELECT"] },
        ]);
        expect(byName["kmflow.evidence_silver"]).to.deep.equal([{ role: "pipeline", privileges: ["CREATE_MATERIALIZED_VIEW", "CREATE_TABLE", "MODIFY", "SELECT"] }]);
        expect(byName["kmflow.evidence_bronze.evidence_metadata"]).to.deep.equal([]);
    });
});

describe("grant matrix: effective privileges (inheritance)", () => {
    const securables = [
        { kind: "catalog" as const, name: "c" },
        { kind: "schema" as const, name: "c.s" },
        { kind: "table" as const, name: "c.s.t" },
        { kind: "volume" as const, name: "c.s.v" },
        { kind: "registered_model" as const, name: "c.s.m" },
    ];

    it("knows each securable's parent from its name", () => {
        expect(parentName("catalog", "c")).to.equal(undefined);
        expect(parentName("schema", "c.s")).to.equal("c");
        expect(parentName("volume", "c.s.v")).to.equal("c.s");
    });

    it("passes a privilege down only where it is valid: SELECT reaches tables, not volumes or models", () => {
        const direct: DirectGrant[] = [{ kind: "schema", name: "c.s", principal: "p", privileges: ["SELECT", "USE_SCHEMA"] }];
        const eff = Object.fromEntries(effectivePrivileges(direct, securables).p.map((e) => [e.name, e]));
        expect(eff["c.s"]).to.deep.equal({ kind: "schema", name: "c.s", privileges: ["SELECT", "USE_SCHEMA"], inherited: [] });
        expect(eff["c.s.t"]).to.deep.equal({ kind: "table", name: "c.s.t", privileges: [], inherited: ["SELECT"] });
        expect(eff["c.s.v"]).to.equal(undefined);
        expect(eff["c.s.m"]).to.equal(undefined);
        expect(eff["c"]).to.equal(undefined);
    });

    it("passes catalog grants through the schema to its children (two levels)", () => {
        const direct: DirectGrant[] = [{ kind: "catalog", name: "c", principal: "p", privileges: ["USE_CATALOG", "READ_VOLUME", "EXECUTE", "CREATE_SCHEMA"] }];
        const eff = Object.fromEntries(effectivePrivileges(direct, securables).p.map((e) => [e.name, effectiveSet(e)]));
        expect(eff).to.deep.equal({
            c: ["CREATE_SCHEMA", "EXECUTE", "READ_VOLUME", "USE_CATALOG"],
            "c.s": ["EXECUTE", "READ_VOLUME"],
            "c.s.v": ["READ_VOLUME"],
            "c.s.m": ["EXECUTE"],
        });
    });

    it("treats ALL_PRIVILEGES and MANAGE on a schema as reaching its objects (the conservative audit)", () => {
        const direct: DirectGrant[] = [{ kind: "schema", name: "c.s", principal: "p", privileges: ["ALL_PRIVILEGES", "MANAGE"] }];
        const eff = Object.fromEntries(effectivePrivileges(direct, securables).p.map((e) => [e.name, e.inherited]));
        expect(eff["c.s.t"]).to.deep.equal(["ALL_PRIVILEGES", "MANAGE"]);
        expect(eff["c.s.v"]).to.deep.equal(["ALL_PRIVILEGES", "MANAGE"]);
    });

    it("does not list a privilege as inherited when it is also granted directly, and keeps principals apart", () => {
        const direct: DirectGrant[] = [
            { kind: "schema", name: "c.s", principal: "a", privileges: ["MODIFY"] },
            { kind: "table", name: "c.s.t", principal: "a", privileges: ["MODIFY"] },
            { kind: "table", name: "c.s.t", principal: "b", privileges: ["SELECT"] },
        ];
        const eff = effectivePrivileges(direct, securables);
        expect(eff.a.find((e) => e.name === "c.s.t")).to.deep.equal({ kind: "table", name: "c.s.t", privileges: ["MODIFY"], inherited: [] });
        expect(eff.b).to.deep.equal([{ kind: "table", name: "c.s.t", privileges: ["SELECT"], inherited: [] }]);
    });
});

describe("metadata table: the runbook's schema, append-only", () => {
    it("keeps the runbook's columns, types, nullability and order (append new columns after these)", () => {
        // From the KMFlow runbook's CREATE TABLE, written out independently.
        expect(METADATA_COLUMNS.slice(0, 8).map((c) => `${c.name} ${c.type}${c.nullable ? "" : " NOT NULL"}`)).to.deep.equal([
            "id STRING NOT NULL",
            "engagement_id STRING NOT NULL",
            "file_name STRING NOT NULL",
            "volume_path STRING NOT NULL",
            "content_hash STRING NOT NULL",
            "size_bytes BIGINT NOT NULL",
            "stored_at STRING NOT NULL",
            "metadata_json STRING",
        ]);
        // Anything appended later must be nullable, or existing rows could not take it.
        for (const c of METADATA_COLUMNS.slice(8)) expect(c.nullable, c.name).to.equal(true);
    });

    it("declares the runbook's primary key with a quoted full name", () => {
        expect(primaryKeyDdl("kmflow.evidence_bronze.evidence_metadata", "evidence_metadata")).to.equal(
            "ALTER TABLE `kmflow`.`evidence_bronze`.`evidence_metadata` ADD CONSTRAINT pk_evidence_metadata PRIMARY KEY (id)",
        );
    });
});
