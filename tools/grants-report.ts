/**
 * The grants report of the offline plan: the `SHOW GRANTS` audit of the KMFlow runbook, before
 * anything is deployed. Computed from the `databricks.Grants` resources the program registers
 * (what would really be created, not what config says), with Unity Catalog inheritance applied
 * over the catalog objects the program registers. Pure.
 */
import { DirectGrant, EffectiveEntry, GRANTS_ARGUMENT, GRANT_KINDS, GrantKind, effectivePrivileges } from "../components/grant-matrix";

/** The part of a registered resource the report reads. */
export interface RegisteredResource {
    type: string;
    inputs: Record<string, unknown>;
}

/** Principal → securables with what it holds there (granted and inherited). */
export type GrantsReport = Record<string, EffectiveEntry[]>;

export const GRANTS_TYPE = "databricks:index/grants:Grants";

/** The Unity Catalog object types that grants reach, and how their full name is built from their inputs. */
const SECURABLE_TYPES: Record<string, { kind: GrantKind; parts: string[] }> = {
    "databricks:index/catalog:Catalog": { kind: "catalog", parts: ["name"] },
    "databricks:index/schema:Schema": { kind: "schema", parts: ["catalogName", "name"] },
    "databricks:index/volume:Volume": { kind: "volume", parts: ["catalogName", "schemaName", "name"] },
    "databricks:index/sqlTable:SqlTable": { kind: "table", parts: ["catalogName", "schemaName", "name"] },
    "databricks:index/registeredModel:RegisteredModel": { kind: "registered_model", parts: ["catalogName", "schemaName", "name"] },
};

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && v !== "[unknown]";

/** Builds the report from every registered resource. */
export function grantsReport(resources: readonly RegisteredResource[]): GrantsReport {
    const securables: { kind: GrantKind; name: string }[] = [];
    const direct: DirectGrant[] = [];
    for (const r of resources) {
        const securable = SECURABLE_TYPES[r.type];
        if (securable) {
            const parts = securable.parts.map((p) => r.inputs[p]);
            if (parts.every(known)) securables.push({ kind: securable.kind, name: parts.join(".") });
            continue;
        }
        if (r.type !== GRANTS_TYPE) continue;
        const kind = GRANT_KINDS.find((k) => known(r.inputs[GRANTS_ARGUMENT[k]]));
        if (kind === undefined) continue;
        const name = r.inputs[GRANTS_ARGUMENT[kind]] as string;
        for (const grant of (r.inputs.grants as { principal?: unknown; privileges?: unknown }[] | undefined) ?? []) {
            const privileges = Array.isArray(grant.privileges) ? grant.privileges.filter(known) : [];
            direct.push({ kind, name, principal: known(grant.principal) ? grant.principal : "[unknown principal]", privileges });
        }
    }
    return effectivePrivileges(direct, securables);
}

/** The report as text lines, per principal (with its role when known), per securable: granted, then inherited. */
export function renderGrantsReport(report: GrantsReport, roles: Record<string, string> = {}): string[] {
    const principals = Object.keys(report);
    const lines = [`Grants (SHOW GRANTS, before deploying): ${principals.length} principal${principals.length === 1 ? "" : "s"}`];
    if (principals.length === 0) lines.push("  (no Unity Catalog grants)");
    for (const principal of principals) {
        lines.push(`  ${principal}${roles[principal] ? `  (role ${roles[principal]})` : ""}`);
        for (const e of report[principal]) {
            const granted = e.privileges.length > 0 ? e.privileges.join(", ") : "-";
            const inherited = e.inherited.length > 0 ? `  (inherited: ${e.inherited.join(", ")})` : "";
            lines.push(`    ${e.kind.padEnd(16)} ${e.name}: ${granted}${inherited}`);
        }
    }
    return lines;
}
