/**
 * The public Checkov and Trivy rules that REFERENCE.md ("Public security rules that apply here")
 * lists for this platform, by id. Each policy names the ids it enforces in its `tags`; the
 * coverage figure is how many of these ids some policy names.
 */
import type { Policies } from "@pulumi/policy";

export const PUBLIC_RULES: Readonly<Record<string, string>> = {
    CKV_AZURE_44: "Storage account uses TLS 1.2 or later",
    "AVD-AZU-0011": "Storage account minimum TLS 1.2",
    CKV_AZURE_3: "Storage account secure transfer (HTTPS only)",
    "AVD-AZU-0008": "Storage account enforces HTTPS",
    CKV_AZURE_190: "Storage blobs restrict public access",
    CKV2_AZURE_47: "Storage account disallows anonymous blob access",
    CKV2_AZURE_40: "Storage account shared key authorization disabled",
    CKV_AZURE_35: "Storage account network default action Deny",
    CKV_AZURE_36: "Storage account trusted Microsoft services bypass",
    "AVD-AZU-0012": "Storage network rules deny by default",
    "AVD-AZU-0010": "Storage network rules allow trusted Microsoft services",
    CKV_AZURE_59: "Storage account public network access disabled",
    CKV_AZURE_244: "Storage account local users (SFTP) disabled",
    CKV_AZURE_206: "Storage account geo-redundant replication",
    "AVD-AZU-0058": "Storage account geo-redundancy",
    CKV2_AZURE_38: "Storage account soft delete enabled",
    "AVD-AZU-0056": "Storage blob soft delete",
    CKV2_AZURE_1: "Storage account customer-managed key",
    "AVD-AZU-0060": "Storage account customer-managed key",
    "AVD-AZU-0061": "Storage account infrastructure encryption",
    CKV_AZURE_43: "Storage account name follows Azure naming rules",
    CKV_AZURE_34: "Blob container not publicly accessible",
    "AVD-AZU-0007": "Storage container private access",
    CKV_AZURE_158: "Databricks workspace public network access disabled",
    CKV2_AZURE_48: "Databricks workspace customer-managed keys",
};

/**
 * Rule ids in REFERENCE.md's "Public security rules" section: `CKV_AZURE_35/36` is two ids,
 * Trivy's `AZU-0012/0010` are `AVD-AZU-0012` and `AVD-AZU-0010`.
 */
export function parsePublicRuleIds(markdown: string): string[] {
    const start = markdown.indexOf("## Public security rules");
    if (start < 0) return [];
    const rest = markdown.slice(start + 3);
    const end = rest.indexOf("\n## ");
    const section = end < 0 ? rest : rest.slice(0, end);
    const ids = new Set<string>();
    for (const m of section.matchAll(/\b(CKV2?_AZURE_)(\d+)((?:\/\d+)*)/g)) {
        for (const n of [m[2], ...m[3].split("/").filter(Boolean)]) ids.add(`${m[1]}${n}`);
    }
    for (const m of section.matchAll(/\b(?:AVD-)?AZU-(\d{4})((?:\/\d{4})*)/g)) {
        for (const n of [m[1], ...m[2].split("/").filter(Boolean)]) ids.add(`AVD-AZU-${n}`);
    }
    return [...ids];
}

/** Public rule ids each policy enforces (from its `tags`). */
export function coverage(policies: Policies): { covered: string[]; uncovered: string[]; unknownTags: string[] } {
    const tags = new Set(policies.flatMap((p) => p.tags ?? []));
    const ids = Object.keys(PUBLIC_RULES);
    return {
        covered: ids.filter((id) => tags.has(id)),
        uncovered: ids.filter((id) => !tags.has(id)),
        unknownTags: [...tags].filter((t) => !(t in PUBLIC_RULES)),
    };
}
