import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { GrantKind, SecurableRef, platformSecurables } from "./grant-matrix";
import { PAYLOAD_SCHEMA_MARKER } from "../policies/privileges";
import { METADATA_COLUMNS, METADATA_TABLE_PROPERTIES, primaryKeyDdl } from "./metadata-table";
import { CatalogSettings, LANDING_LAYER, PAYLOADS, SERVING_LAYER } from "./settings/catalog";

/** Sub-path of a layer's container that holds its schema's managed tables and volumes. */
export const SCHEMA_STORAGE_PATH = "managed";
/** Sub-path of the serving (gold) container that holds the catalog's own managed storage. */
export const CATALOG_STORAGE_PATH = "catalog";
/** Sub-path of the serving (gold) container that holds the inference payloads' managed tables. */
export const PAYLOAD_STORAGE_PATH = "payloads";

export interface UnityCatalogArgs {
    /** Resolved catalog settings: names, layers, landing volume, metadata table, metastore. */
    settings: CatalogSettings;
    /** Resource id of the access connector (`storage.accessConnectorId`): the storage credential's identity. */
    accessConnectorId: pulumi.Input<string>;
    /** Container → `abfss://` URL (`storage.containerUrls`): every medallion layer plus the landing container. */
    containerUrls: Record<string, pulumi.Input<string>>;
    /** The container raw files land in (`LANDING_CONTAINER`): the landing volume is an external volume on it. */
    landingContainer: string;
    /** The workspace id, for the optional metastore assignment. */
    workspaceId: pulumi.Input<string>;
    /** SQL warehouse that runs the metadata table's DDL (without one the provider starts a cluster of its own). */
    sqlWarehouseId: pulumi.Input<string>;
    /** Protect the catalog, schemas, volume, table, models, credential and external locations; when false they may be force-destroyed with their content (dev teardown). */
    protectData: boolean;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/** A securable this component created: what grants are attached to. `name` waits for the resource. */
export type CatalogSecurable = SecurableRef<pulumi.Output<string>>;

/**
 * The Unity Catalog side of the lakehouse, the KMFlow runbook as one component: a storage
 * credential on the access connector, one external location per container, the catalog (managed
 * storage on the lakehouse account), one schema per medallion layer (each storing its managed data
 * in its own container) and one for the inference payloads, the landing volume for raw files, the metadata table, and the registered
 * models serving uses. Grants are not here: they are rendered by `CatalogGrants` from these
 * outputs once every principal exists.
 */
export class UnityCatalog extends pulumi.ComponentResource {
    /** The catalog name: every component takes it from here. */
    readonly catalogName: pulumi.Output<string>;
    /** Layer → schema name (without the catalog), e.g. `gold` → `lakehouse_gold`. */
    readonly schemaNames: Record<string, pulumi.Output<string>>;
    /** The inference payloads' schema (without the catalog): where serving endpoints log requests and responses. */
    readonly payloadSchemaName: pulumi.Output<string>;
    /** `/Volumes/<catalog>/<schema>_bronze/<volume>`: where raw files land. */
    readonly landingVolumePath: pulumi.Output<string>;
    /** Registered model → full name `<catalog>.<schema>_gold.<model>`. */
    readonly modelNames: Record<string, pulumi.Output<string>>;
    /** Full name of the metadata table. */
    readonly metadataTableName: pulumi.Output<string>;
    /** The statement that declares the metadata table's primary key (run once; see docs/grants-and-policies.md#unity-catalog-objects). */
    readonly metadataTablePrimaryKeyDdl: pulumi.Output<string>;
    /** Name of the storage credential. */
    readonly storageCredentialName: pulumi.Output<string>;
    /** Container → external location name. */
    readonly externalLocationNames: Record<string, pulumi.Output<string>>;
    /** Every securable grants may target, parents first, with names that resolve once it exists. */
    readonly securables: CatalogSecurable[];

    constructor(name: string, args: UnityCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:catalog:UnityCatalog", name, {}, opts);
        const s = args.settings;
        const provider = args.provider;
        const data = { parent: this, provider, protect: args.protectData };
        const forceDestroy = !args.protectData;
        const managedBy = "Managed by Pulumi (lakehouse).";

        for (const layer of s.layers) {
            if (args.containerUrls[layer] === undefined) throw new Error(`UnityCatalog: no container URL for layer ${layer}`);
        }
        if (args.containerUrls[args.landingContainer] === undefined) throw new Error(`UnityCatalog: no container URL for ${args.landingContainer}`);

        // Workspaces that are not auto-assigned to a metastore get it first; everything else waits for it.
        const assignment = s.metastoreId
            ? new databricks.MetastoreAssignment("metastore-assignment", { metastoreId: s.metastoreId, workspaceId: args.workspaceId }, { parent: this, provider })
            : undefined;
        const afterAssignment = assignment ? [assignment] : [];

        const credential = new databricks.StorageCredential(
            "storage-credential",
            {
                name: s.storageCredentialName,
                azureManagedIdentity: { accessConnectorId: args.accessConnectorId },
                isolationMode: "ISOLATION_MODE_ISOLATED",
                comment: `Access connector of the lakehouse storage account. ${managedBy}`,
                forceDestroy,
            },
            { ...data, dependsOn: afterAssignment },
        );

        const locations: Record<string, databricks.ExternalLocation> = {};
        const externalLocationNames: Record<string, pulumi.Output<string>> = {};
        for (const container of Object.keys(args.containerUrls)) {
            const location = new databricks.ExternalLocation(
                `external-location-${container}`,
                {
                    name: `${s.externalLocationPrefix}_${container}`,
                    url: args.containerUrls[container],
                    credentialName: credential.name,
                    isolationMode: "ISOLATION_MODE_ISOLATED",
                    comment: `The ${container} container. ${managedBy}`,
                    forceDestroy,
                },
                data,
            );
            locations[container] = location;
            externalLocationNames[container] = location.name;
        }
        const url = (container: string, path: string) => pulumi.interpolate`${args.containerUrls[container]}${path}`;

        // The catalog's own managed storage only receives objects of schemas created later without a
        // location of their own (the pipeline holds CREATE_SCHEMA). It sits beside the gold schema's
        // path, in the serving layer every stack has; managed locations must not overlap.
        const catalog = new databricks.Catalog(
            "catalog",
            {
                name: s.name,
                storageRoot: url(SERVING_LAYER, CATALOG_STORAGE_PATH),
                isolationMode: "ISOLATED",
                comment: `Lakehouse catalog: medallion schemas ${s.layers.map((l) => s.schemas[l]).join(", ")}. ${managedBy}`,
                properties: { "managed-by": "pulumi" },
                forceDestroy,
            },
            { ...data, dependsOn: [locations[SERVING_LAYER], ...afterAssignment] },
        );

        const schemas: Record<string, databricks.Schema> = {};
        const schemaNames: Record<string, pulumi.Output<string>> = {};
        for (const layer of s.layers) {
            const schema = new databricks.Schema(
                `schema-${layer}`,
                {
                    catalogName: catalog.name,
                    name: s.schemas[layer],
                    storageRoot: url(layer, SCHEMA_STORAGE_PATH),
                    comment: `The ${layer} layer; its managed data lives in the ${layer} container. ${managedBy}`,
                    properties: { layer },
                    forceDestroy,
                },
                { ...data, dependsOn: [locations[layer]] },
            );
            schemas[layer] = schema;
            schemaNames[layer] = schema.name;
        }
        const landing = schemas[LANDING_LAYER];
        const serving = schemas[SERVING_LAYER];

        // Inference payloads (the images and answers a caller sent) apart from every layer, so no
        // reader of gold reads them: only the payload auditors are granted anything here. Managed
        // storage beside gold's own path in the serving container (managed locations must not overlap).
        const payloads = new databricks.Schema(
            "schema-payloads",
            {
                catalogName: catalog.name,
                name: s.payloadSchema,
                storageRoot: url(SERVING_LAYER, PAYLOAD_STORAGE_PATH),
                comment: `Inference tables of the serving endpoints: request and response payloads, readable by the payload auditors only. ${managedBy}`,
                properties: { contents: PAYLOAD_SCHEMA_MARKER },
                forceDestroy,
            },
            { ...data, dependsOn: [locations[SERVING_LAYER]] },
        );

        // External, on the landing container: tools outside Databricks (azcopy, Data Factory, the
        // KMFlow API) can write raw files straight into the container and Unity Catalog governs
        // them through READ/WRITE VOLUME; dropping the volume never deletes the raw files.
        const volume = new databricks.Volume(
            "landing-volume",
            {
                catalogName: catalog.name,
                schemaName: landing.name,
                name: s.landingVolume,
                volumeType: "EXTERNAL",
                storageLocation: url(args.landingContainer, s.landingVolume),
                comment: `Raw files, before the ${LANDING_LAYER} layer reads them. ${managedBy}`,
            },
            { ...data, dependsOn: [locations[args.landingContainer]] },
        );

        const table = new databricks.SqlTable(
            "metadata-table",
            {
                catalogName: catalog.name,
                schemaName: landing.name,
                name: s.metadataTable,
                tableType: "MANAGED",
                dataSourceFormat: "DELTA",
                columns: METADATA_COLUMNS.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, comment: c.comment })),
                properties: { ...METADATA_TABLE_PROPERTIES },
                comment: `One row per raw file in ${s.landingVolumePath}. Columns are append-only. ${managedBy}`,
                warehouseId: args.sqlWarehouseId,
            },
            data,
        );

        // Models live as long as their versions matter: a model removed from lakehouse:models is only
        // forgotten by Pulumi (retainOnDelete), never deleted with the versions training registered.
        const modelNames: Record<string, pulumi.Output<string>> = {};
        for (const model of s.models) {
            const registered = new databricks.RegisteredModel(
                `model-${model.name}`,
                {
                    catalogName: catalog.name,
                    schemaName: serving.name,
                    name: model.name,
                    comment: `${model.comment ? `${model.comment} ` : ""}Training registers its versions here; serving endpoints pin them. ${managedBy}`,
                },
                { ...data, retainOnDelete: true },
            );
            modelNames[model.name] = pulumi.interpolate`${catalog.name}.${serving.name}.${registered.name}`;
        }

        const fullNames: Record<GrantKind, (key: string) => pulumi.Output<string>> = {
            catalog: () => catalog.name,
            schema: (key) => pulumi.interpolate`${catalog.name}.${(key === PAYLOADS ? payloads : schemas[key]).name}`,
            volume: () => pulumi.interpolate`${volume.catalogName}.${volume.schemaName}.${volume.name}`,
            table: () => pulumi.interpolate`${table.catalogName}.${table.schemaName}.${table.name}`,
            registered_model: (model) => modelNames[model],
        };

        this.catalogName = catalog.name;
        this.schemaNames = schemaNames;
        this.payloadSchemaName = payloads.name;
        this.landingVolumePath = pulumi.interpolate`/Volumes/${volume.catalogName}/${volume.schemaName}/${volume.name}`;
        this.modelNames = modelNames;
        this.metadataTableName = fullNames.table(s.metadataTable);
        this.metadataTablePrimaryKeyDdl = this.metadataTableName.apply((full) => primaryKeyDdl(full, s.metadataTable));
        this.storageCredentialName = credential.name;
        this.externalLocationNames = externalLocationNames;
        this.securables = platformSecurables(s).map((ref) => ({ kind: ref.kind, key: ref.key, name: fullNames[ref.kind](ref.key) }));
        this.registerOutputs({
            catalogName: this.catalogName,
            schemaNames: this.schemaNames,
            payloadSchemaName: this.payloadSchemaName,
            landingVolumePath: this.landingVolumePath,
            modelNames: this.modelNames,
            metadataTableName: this.metadataTableName,
        });
    }
}
