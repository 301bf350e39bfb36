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

// ─── Coverage of whole rule sets (docs/coverage.md, tools/coverage.ts, npm run scan) ─────────────

/**
 * How the pack answers one rule of a public rule set: the pack policies that flag what the rule
 * flags, or why the rule does not apply to what the program creates, or (a gap) that it applies and
 * no pack policy checks it yet. Rules about resource types the program does not create are not
 * listed here: the coverage page groups them by type.
 */
export type RuleAnswer =
    | { policies: readonly string[]; note?: string }
    | { notApplicable: string }
    | { gap: string };

const NO_QUEUES = "The program creates no queues and no workload uses the Queue service, so there are no queue requests to log.";
const KEY_VAULT_GAP = "The customer-managed-key option's vault meets it by construction (an RSA-HSM key, a private endpoint; public access stays on behind a default-Deny firewall so that Azure Databricks reaches it as a trusted service, and its key carries no expiry date, which would stop the workspace when it passed), but no pack policy checks it yet.";
const WORKSPACE_SETTING_GAP = "A workspace setting the program does not manage yet (databricks.WorkspaceConf or a workspace settings resource); no pack policy checks it.";
const ACCOUNT_LEVEL = "An account-level setting: the program deploys one workspace with a workspace-level provider and manages nothing in the Databricks account console.";
const NO_PATS = "The program creates no personal access tokens: it deploys with Entra ID (OIDC or a managed identity), its jobs and pipelines run as a service principal, and the app uses its own principal; user tokens are bounded by the workspace's token settings (IA-5, a gap).";

/**
 * Checkov rule id → answer. One id may name an `arm` check (what `npm run scan` runs on the ARM
 * export) and a `terraform` check of the same rule; the answer is for the rule.
 */
export const CHECKOV_ANSWERS: Readonly<Record<string, RuleAnswer>> = {
    // Storage account, blob service, containers
    CKV_AZURE_3: { policies: ["storage-https-only"] },
    CKV_AZURE_33: { notApplicable: NO_QUEUES },
    CKV_AZURE_34: { policies: ["storage-container-private"] },
    CKV_AZURE_35: { policies: ["storage-network-default-deny"] },
    CKV_AZURE_36: { policies: ["storage-network-azure-services-bypass"] },
    CKV_AZURE_43: { policies: ["storage-account-name"] },
    CKV_AZURE_44: { policies: ["storage-minimum-tls-1-2"] },
    CKV_AZURE_59: { policies: ["storage-public-network-access-disabled"] },
    CKV_AZURE_190: { policies: ["storage-no-public-blob-access"] },
    CKV_AZURE_206: { policies: ["storage-geo-redundant-replication"] },
    CKV_AZURE_244: { policies: ["storage-no-local-users-or-sftp"] },
    CKV2_AZURE_1: { policies: ["storage-customer-managed-key"] },
    CKV2_AZURE_8: { policies: ["storage-container-private"], note: "every container is private, the one holding activity logs included (the program stores no activity logs)" },
    CKV2_AZURE_21: { policies: ["audit-diagnostic-settings"], note: "mandatory in production, where a diagnostic setting on blobServices/default sends StorageRead, StorageWrite and StorageDelete" },
    CKV2_AZURE_33: { policies: ["network-private-endpoints-in-production"], note: "dfs and blob endpoints are in every posture; the policy requires them in production" },
    CKV2_AZURE_38: { policies: ["storage-blob-soft-delete"] },
    CKV2_AZURE_40: { policies: ["storage-shared-key-disabled"] },
    CKV2_AZURE_41: {
        notApplicable:
            "A SAS expiration policy limits SAS tokens signed with an account key; shared key authorization is off (storage-shared-key-disabled), so no such token can be signed, and user delegation SAS live at most 7 days.",
    },
    CKV2_AZURE_47: { policies: ["storage-no-public-blob-access"] },
    // The exported template itself
    CKV_AZURE_131: {
        notApplicable:
            "About a template's own secureString parameters: the program is deployed by Pulumi, not from a template, and the ARM export declares each secret as a securestring parameter without a default (tools/arm.ts).",
    },
    // Databricks workspace
    CKV_AZURE_158: { policies: ["workspace-public-network-access-disabled"] },
    CKV2_AZURE_48: { policies: ["workspace-customer-managed-keys"] },
    // Prepared for the network and audit resources of SRA.md §2 (the program does not create them yet).
    CKV_AZURE_9: { policies: ["nsg-no-inbound-from-internet"] },
    CKV_AZURE_10: { policies: ["nsg-no-inbound-from-internet"] },
    CKV_AZURE_77: { policies: ["nsg-no-inbound-from-internet"] },
    CKV_AZURE_160: { policies: ["nsg-no-inbound-from-internet"] },
    CKV2_AZURE_31: { policies: ["subnet-has-network-security-group"] },
    CKV_AZURE_119: { notApplicable: "The program creates no network interface; a NAT gateway's public IP carries egress only." },
    CKV_AZURE_182: { notApplicable: "About custom DNS servers: the SRA spoke resolves with Azure-provided DNS and linked private DNS zones, and sets no dhcpOptions.dnsServers." },
    CKV_AZURE_183: { notApplicable: "About custom DNS servers: the SRA spoke resolves with Azure-provided DNS and linked private DNS zones, and sets no dhcpOptions.dnsServers." },
    CKV_AZURE_40: { gap: KEY_VAULT_GAP },
    CKV_AZURE_42: { policies: ["key-vault-hardened"] },
    CKV_AZURE_109: { policies: ["key-vault-hardened"] },
    CKV_AZURE_110: { policies: ["key-vault-hardened"] },
    CKV_AZURE_111: { policies: ["key-vault-hardened"] },
    CKV_AZURE_112: { gap: KEY_VAULT_GAP },
    CKV_AZURE_189: { gap: KEY_VAULT_GAP },
    CKV2_AZURE_32: { gap: KEY_VAULT_GAP },
};

/** Trivy (trivy-checks) Azure check id → answer. */
export const TRIVY_ANSWERS: Readonly<Record<string, RuleAnswer>> = {
    "AVD-AZU-0007": { policies: ["storage-container-private"] },
    "AVD-AZU-0008": { policies: ["storage-https-only"] },
    "AVD-AZU-0009": { notApplicable: NO_QUEUES },
    "AVD-AZU-0010": { policies: ["storage-network-azure-services-bypass"] },
    "AVD-AZU-0011": { policies: ["storage-minimum-tls-1-2"] },
    "AVD-AZU-0012": { policies: ["storage-network-default-deny"] },
    "AVD-AZU-0056": { policies: ["storage-blob-soft-delete"] },
    "AVD-AZU-0057": { policies: ["audit-diagnostic-settings"], note: "storage request logging as a blob service diagnostic setting; mandatory in production" },
    "AVD-AZU-0058": { policies: ["storage-geo-redundant-replication"] },
    "AVD-AZU-0059": { policies: ["storage-https-only", "storage-minimum-tls-1-2"] },
    "AVD-AZU-0060": { policies: ["storage-customer-managed-key"] },
    "AVD-AZU-0061": { policies: ["storage-infrastructure-encryption"] },
    // Prepared for the network and Key Vault resources of SRA.md §2.
    "AVD-AZU-0047": { policies: ["nsg-no-inbound-from-internet"] },
    "AVD-AZU-0048": { policies: ["nsg-no-inbound-from-internet"] },
    "AVD-AZU-0050": { policies: ["nsg-no-inbound-from-internet"] },
    "AVD-AZU-0051": { notApplicable: "The program's NSGs carry no rules of their own; egress goes through the NAT gateway, which clusters need (secure cluster connectivity) to reach the control plane and package mirrors." },
    "AVD-AZU-0074": { policies: ["nsg-no-inbound-from-internet"] },
    "AVD-AZU-0013": { policies: ["key-vault-hardened"] },
    "AVD-AZU-0014": { gap: KEY_VAULT_GAP },
    "AVD-AZU-0016": { policies: ["key-vault-hardened"] },
};

/**
 * Databricks Security Analysis Tool check id → answer, for the checks SAT runs on Azure. SAT checks
 * a running workspace; each answer says what of it the program creates or configures.
 */
export const SAT_ANSWERS: Readonly<Record<string, RuleAnswer>> = {
    // Data protection
    "DP-1": { policies: ["secret-scope-no-initial-manage-principal", "secret-acl-no-everyone", "secret-acl-read-only-except-admins"], note: "the pipeline principal's credentials live in a Databricks secret scope" },
    "DP-2": { gap: "Job clusters do not set enableLocalDiskEncryption and no pack policy asks for it." },
    "DP-4": { policies: ["storage-infrastructure-encryption", "storage-customer-managed-key"], note: "the lake's storage account is the data source" },
    "DP-5": { gap: WORKSPACE_SETTING_GAP },
    "DP-6": { gap: WORKSPACE_SETTING_GAP },
    "DP-7": { gap: WORKSPACE_SETTING_GAP },
    "DP-8": { gap: WORKSPACE_SETTING_GAP },
    "DP-9": { gap: WORKSPACE_SETTING_GAP },
    "DP-10": { gap: WORKSPACE_SETTING_GAP },
    "DP-11": { gap: WORKSPACE_SETTING_GAP },
    "DP-12": { gap: WORKSPACE_SETTING_GAP },
    "DP-13": { gap: WORKSPACE_SETTING_GAP },
    "DP-14": { notApplicable: "The program creates no Vector Search endpoint and stores no embeddings." },
    "DP-15": { gap: WORKSPACE_SETTING_GAP },
    "DP-16": { gap: WORKSPACE_SETTING_GAP },
    "DP-17": { gap: WORKSPACE_SETTING_GAP },
    // Governance
    "GOV-2": { notApplicable: NO_PATS },
    "GOV-3": { policies: ["audit-diagnostic-settings"], note: "on Azure, audit logs are the workspace's diagnostic settings" },
    "GOV-4": { policies: ["cluster-auto-termination", "cluster-policy-auto-termination"], note: "the job's clusters end with each run; interactive clusters stop when idle" },
    "GOV-5": { policies: ["compute-supported-runtime"] },
    "GOV-10": { policies: ["pipeline-publishes-to-unity-catalog"], note: "tables live in Unity Catalog external locations, not the DBFS root" },
    "GOV-11": { policies: ["workspace-no-dbfs-mounts"] },
    "GOV-12": { policies: ["compute-unity-catalog-access-mode", "cluster-policy-unity-catalog-access-mode"] },
    "GOV-13": { gap: WORKSPACE_SETTING_GAP },
    "GOV-15": { gap: WORKSPACE_SETTING_GAP },
    "GOV-16": { notApplicable: "Metastore assignment is an account-level step (new Azure workspaces are assigned to their region's metastore); the program creates catalogs in whatever metastore the workspace has." },
    "GOV-17": { notApplicable: "The program creates no Delta Sharing recipients or shares." },
    "GOV-18": { notApplicable: "The program creates no Delta Sharing recipients or shares." },
    "GOV-19": { notApplicable: "The program creates no Delta Sharing recipients or shares." },
    "GOV-20": { notApplicable: ACCOUNT_LEVEL },
    "GOV-21": { notApplicable: ACCOUNT_LEVEL },
    "GOV-23": { notApplicable: "The provider's SqlEndpoint has no setting that turns Unity Catalog off: the warehouse the program creates is Unity Catalog-enabled." },
    "GOV-24": { gap: WORKSPACE_SETTING_GAP },
    "GOV-25": { notApplicable: "The program configures no init scripts, in DBFS or anywhere else." },
    "GOV-26": { gap: WORKSPACE_SETTING_GAP },
    "GOV-28": { policies: ["serving-models-from-unity-catalog"] },
    "GOV-34": { gap: "The program enables the access, billing, compute, lakeflow, serving and query system schemas (WorkspaceHardening), but no pack policy asks for them." },
    "GOV-35": { gap: WORKSPACE_SETTING_GAP },
    "GOV-36": { gap: WORKSPACE_SETTING_GAP },
    "GOV-37": { notApplicable: ACCOUNT_LEVEL },
    "GOV-38": { gap: WORKSPACE_SETTING_GAP },
    "GOV-39": { notApplicable: ACCOUNT_LEVEL },
    "GOV-40": { gap: WORKSPACE_SETTING_GAP },
    "GOV-41": { policies: ["secret-scope-no-initial-manage-principal", "secret-acl-no-everyone", "secret-acl-read-only-except-admins"] },
    "GOV-42": { policies: ["job-runs-as-service-principal", "pipeline-runs-as-service-principal"] },
    "GOV-43": { gap: WORKSPACE_SETTING_GAP },
    "GOV-44": { policies: ["serving-inference-tables"] },
    "GOV-45": { policies: ["permissions-no-manage-to-everyone", "permissions-manage-admins-only"] },
    // Identity and access
    "IA-1": { notApplicable: "Azure Databricks signs users in through Microsoft Entra ID (single sign-on, with Entra's MFA); the program adds no other sign-in method." },
    "IA-2": { notApplicable: "User provisioning is account-level (automatic identity management or SCIM from Entra ID); the program provisions only its own service principals." },
    "IA-3": { policies: ["compute-unity-catalog-access-mode", "cluster-policy-unity-catalog-access-mode"], note: "no cluster runs without Unity Catalog, so table ACL mode is never needed" },
    "IA-4": { notApplicable: NO_PATS },
    "IA-5": { gap: WORKSPACE_SETTING_GAP },
    "IA-6": { notApplicable: NO_PATS },
    "IA-7": { policies: ["job-runs-as-service-principal", "pipeline-runs-as-service-principal"] },
    "IA-8": { gap: WORKSPACE_SETTING_GAP },
    "IA-9": { policies: ["entra-password-max-lifetime", "entra-password-rotates"], note: "the pipeline principal's secret is an Entra ID application password, rotated on schedule" },
    "IA-10": { gap: WORKSPACE_SETTING_GAP },
    // Informational
    "INFO-1": { notApplicable: "The program creates no instance pools." },
    "INFO-2": { policies: ["job-max-concurrent-runs"] },
    "INFO-3": { notApplicable: "The program installs no cluster libraries, so none is installed on all clusters." },
    "INFO-4": { policies: ["service-principal-no-cluster-create"], note: "the program's principals; people get cluster rights outside the program" },
    "INFO-5": { notApplicable: "The program creates no global init scripts." },
    "INFO-6": { notApplicable: "The program adds no one to the workspace admins group." },
    "INFO-7": { notApplicable: "The program peers no virtual networks; the SRA spoke reaches Azure services through private endpoints (SRA.md §1)." },
    "INFO-8": { gap: WORKSPACE_SETTING_GAP },
    "INFO-9": { gap: WORKSPACE_SETTING_GAP },
    "INFO-10": { gap: WORKSPACE_SETTING_GAP },
    "INFO-11": { gap: WORKSPACE_SETTING_GAP },
    "INFO-18": { notApplicable: "Metastore-level privileges: the program grants CREATE_RECIPIENT or CREATE_SHARE to no one (its grants are on its own catalog and below)." },
    "INFO-29": { notApplicable: "The serving endpoints serve the program's own Unity Catalog models; no external model provider is used." },
    "INFO-38": { notApplicable: "The artifact allowlist is a metastore setting, outside the one workspace the program deploys; the program installs no libraries or init scripts that would need it." },
    "INFO-39": { gap: "The workspace does not turn on the compliance security profile (enhancedSecurityCompliance) and no pack policy asks for it; SRA.md §3.7 lists what it costs." },
    "INFO-40": { gap: "The workspace does not turn on enhanced security monitoring (enhancedSecurityCompliance) and no pack policy asks for it." },
    "INFO-41": { notApplicable: ACCOUNT_LEVEL },
    "INFO-42": { gap: WORKSPACE_SETTING_GAP },
    "INFO-43": { notApplicable: ACCOUNT_LEVEL },
    "INFO-44": { gap: WORKSPACE_SETTING_GAP },
    // Network security
    "NS-1": { policies: ["compute-no-ssh-public-keys"] },
    "NS-2": { policies: ["compute-no-ssh-public-keys"] },
    "NS-3": { policies: ["workspace-public-network-access-disabled"] },
    "NS-4": { policies: ["network-compute-reaches-data"], note: "every posture injects the workspace into a VNet; the policy reads the injected VNet to judge classic compute's path to the data" },
    "NS-5": { policies: ["workspace-public-network-access-disabled"], note: "SAT accepts private connectivity (NS-3) instead of IP access lists; the design chooses Private Link" },
    "NS-6": { policies: ["workspace-no-public-ip"] },
    "NS-7": { policies: ["workspace-public-network-access-disabled"], note: "serving endpoints are reached through the workspace, so Private Link covers them" },
    "NS-8": { notApplicable: ACCOUNT_LEVEL },
    "NS-9": { gap: "Serverless egress is governed by an account-level network policy bound to the workspace (SRA.md §1 Serverless); the program has no account-level provider yet and no pack policy asks for it." },
    "NS-10": { gap: "Serverless egress is governed by an account-level network policy bound to the workspace (SRA.md §1 Serverless); the program has no account-level provider yet and no pack policy asks for it." },
    "NS-11": { notApplicable: ACCOUNT_LEVEL },
    "NS-12": { notApplicable: ACCOUNT_LEVEL },
    "NS-13": { notApplicable: "About Foundation Model APIs and Genie (designated services); the program serves its own models and uses neither." },
};

/** The pack policies an answer names (none for not-applicable rules and gaps). */
export function answerPolicies(answer: RuleAnswer | undefined): readonly string[] {
    return answer && "policies" in answer ? answer.policies : [];
}
