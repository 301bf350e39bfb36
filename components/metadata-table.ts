/**
 * The KMFlow metadata table: one row per raw file written to the landing volume. Pure data.
 *
 * Schema evolution rule (docs/grants-and-policies.md#unity-catalog-objects): columns are
 * APPEND-ONLY. The Databricks provider (since terraform-provider-databricks #3359/#3381, the fix
 * of #3001) updates `columns` in place: a column appended to this list becomes
 * `ALTER TABLE … ADD COLUMN … AFTER <previous>`, never a drop and re-create. It refuses to change
 * the type of an existing column, and a removed column becomes `DROP COLUMN`. So: append new
 * columns at the end, nullable, and never edit or reorder the existing ones (a test pins them).
 */

export interface MetadataColumn {
    name: string;
    /** Spark SQL type, as Unity Catalog reports it back (lower-case aliases would also match). */
    type: string;
    nullable: boolean;
    comment: string;
}

/** The runbook's columns, in the runbook's order. Append only. */
export const METADATA_COLUMNS: readonly MetadataColumn[] = [
    { name: "id", type: "STRING", nullable: false, comment: "Record id, unique per write (the primary key)" },
    { name: "engagement_id", type: "STRING", nullable: false, comment: "Engagement the file belongs to" },
    { name: "file_name", type: "STRING", nullable: false, comment: "Original file name" },
    { name: "volume_path", type: "STRING", nullable: false, comment: "Path of the file in the landing volume" },
    { name: "content_hash", type: "STRING", nullable: false, comment: "Hash of the file content" },
    { name: "size_bytes", type: "BIGINT", nullable: false, comment: "File size in bytes" },
    { name: "stored_at", type: "STRING", nullable: false, comment: "When the file was stored (ISO 8601)" },
    { name: "metadata_json", type: "STRING", nullable: true, comment: "Free-form metadata as JSON" },
];

/** The primary key: `CONSTRAINT pk_<table> PRIMARY KEY (id)`. */
export const METADATA_PRIMARY_KEY: readonly string[] = ["id"];

/**
 * Table properties. Column mapping by name lets `ALTER TABLE … DROP/RENAME COLUMN` work without
 * rewriting data, should a column ever have to go.
 */
export const METADATA_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
    "delta.columnMapping.mode": "name",
};

/** The constraint name the runbook uses: `pk_<table>`. */
export function primaryKeyName(table: string): string {
    return `pk_${table}`;
}

/**
 * The statement that declares the primary key. The provider's `SqlTable` has no constraint
 * argument yet (terraform-provider-databricks #4157), so it is applied once after the table is
 * created (the README shows how); it is informational in Unity Catalog, as in the runbook.
 */
export function primaryKeyDdl(fullName: string, table: string): string {
    const quoted = fullName
        .split(".")
        .map((part) => `\`${part}\``)
        .join(".");
    return `ALTER TABLE ${quoted} ADD CONSTRAINT ${primaryKeyName(table)} PRIMARY KEY (${METADATA_PRIMARY_KEY.join(", ")})`;
}
