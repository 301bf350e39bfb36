/**
 * The rule catalogs behind docs/coverage.md, committed under tools/scanner/catalog/ so the page is
 * generated offline and a test can tell when it is stale:
 *
 *   checkov.json  the Azure rules of the pinned Checkov (tools/scanner/checkov_rules.py run in the
 *                 scanner's venv); `npm run scan` fails when the installed Checkov differs from it.
 *   trivy.json    the Azure checks of aquasecurity/trivy-checks at a pinned version, read from the
 *                 Go module (`go mod download -json github.com/aquasecurity/trivy-checks@<version>`).
 *   sat.json      the Databricks Security Analysis Tool's best-practice checks, a snapshot of the
 *                 CSV in its repository (source URL, commit and date read inside).
 *
 * `npm run coverage -- --refresh` rewrites checkov.json and trivy.json from their sources.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CatalogRule } from "./checkov";

export const CATALOG_DIR = path.resolve(__dirname, "catalog");

export interface CheckovCatalog {
    tool: "checkov";
    version: string;
    rules: CatalogRule[];
}

export interface TrivyRule {
    /** `AVD-AZU-0012` */
    id: string;
    title: string;
    service: string;
    severity: string;
    /** The ARM types of what the check inspects (from its input path, see TRIVY_TYPES). */
    armTypes: string[];
    file: string;
}

export interface TrivyCatalog {
    tool: "trivy-checks";
    module: string;
    version: string;
    /** The module's go.sum hash, as the Go proxy served it. */
    sum: string;
    fetchedWith: string;
    rules: TrivyRule[];
}

export interface SatRule {
    /** `DP-1` */
    id: string;
    /** The CSV's numeric `id` column. */
    row: number;
    category: string;
    name: string;
    severity: string;
    /** Clouds SAT runs the check on (`aws`, `azure`, `gcp`). */
    clouds: string[];
    /** The CSV's `enable` column. */
    enabled: boolean;
}

export interface SatCatalog {
    tool: "security-analysis-tool";
    source: { repository: string; path: string; commit: string; url: string; dateRead: string; note: string };
    rules: SatRule[];
}

export interface Catalogs {
    checkov: CheckovCatalog;
    trivy: TrivyCatalog;
    sat: SatCatalog;
}

export function loadCatalogs(dir = CATALOG_DIR): Catalogs {
    const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as T;
    return { checkov: read("checkov.json"), trivy: read("trivy.json"), sat: read("sat.json") };
}

/** Why the committed Checkov catalog does not describe the installed Checkov, or undefined when it does. */
export function catalogDrift(committed: CheckovCatalog, installed: CheckovCatalog): string | undefined {
    const key = (r: CatalogRule) => `${r.framework} ${r.id} ${r.kind} ${r.resourceTypes.join(",")}`;
    const a = new Set(committed.rules.map(key));
    const b = new Set(installed.rules.map(key));
    const missing = [...b].filter((k) => !a.has(k));
    const extra = [...a].filter((k) => !b.has(k));
    if (committed.version === installed.version && missing.length === 0 && extra.length === 0) return undefined;
    return (
        `tools/scanner/catalog/checkov.json describes checkov ${committed.version}, the scanner runs ${installed.version}` +
        `${missing.length ? `; not in the catalog: ${missing.slice(0, 5).join("; ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}` : ""}` +
        `${extra.length ? `; no longer in Checkov: ${extra.slice(0, 5).join("; ")}${extra.length > 5 ? ` and ${extra.length - 5} more` : ""}` : ""}` +
        ": run `npm run coverage -- --refresh` and review docs/coverage.md"
    );
}

/**
 * The ARM type of each azurerm resource type whose Azure resource the program creates or the
 * ARM export knows (tools/arm.ts TYPES): how a Checkov Terraform check's subject is matched to the
 * program's resources. Other azurerm types are resources the program does not create.
 */
export const AZURERM_TO_ARM: Readonly<Record<string, string>> = {
    azurerm_resource_group: "Microsoft.Resources/resourceGroups",
    azurerm_storage_account: "Microsoft.Storage/storageAccounts",
    azurerm_storage_account_network_rules: "Microsoft.Storage/storageAccounts",
    azurerm_storage_account_customer_managed_key: "Microsoft.Storage/storageAccounts",
    azurerm_storage_container: "Microsoft.Storage/storageAccounts/blobServices/containers",
    azurerm_storage_management_policy: "Microsoft.Storage/storageAccounts/managementPolicies",
    azurerm_databricks_workspace: "Microsoft.Databricks/workspaces",
    azurerm_databricks_workspace_root_dbfs_customer_managed_key: "Microsoft.Databricks/workspaces",
    azurerm_databricks_workspace_customer_managed_key: "Microsoft.Databricks/workspaces",
    azurerm_databricks_access_connector: "Microsoft.Databricks/accessConnectors",
    azurerm_role_assignment: "Microsoft.Authorization/roleAssignments",
    azurerm_role_definition: "Microsoft.Authorization/roleDefinitions",
    azurerm_virtual_network: "Microsoft.Network/virtualNetworks",
    azurerm_subnet: "Microsoft.Network/virtualNetworks/subnets",
    azurerm_subnet_network_security_group_association: "Microsoft.Network/virtualNetworks/subnets",
    azurerm_subnet_nat_gateway_association: "Microsoft.Network/virtualNetworks/subnets",
    azurerm_network_security_group: "Microsoft.Network/networkSecurityGroups",
    azurerm_network_security_rule: "Microsoft.Network/networkSecurityGroups/securityRules",
    azurerm_route_table: "Microsoft.Network/routeTables",
    azurerm_private_endpoint: "Microsoft.Network/privateEndpoints",
    azurerm_private_dns_zone: "Microsoft.Network/privateDnsZones",
    azurerm_private_dns_zone_virtual_network_link: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    azurerm_nat_gateway: "Microsoft.Network/natGateways",
    azurerm_public_ip: "Microsoft.Network/publicIPAddresses",
    azurerm_monitor_diagnostic_setting: "Microsoft.Insights/diagnosticSettings",
    azurerm_log_analytics_workspace: "Microsoft.OperationalInsights/workspaces",
    azurerm_key_vault: "Microsoft.KeyVault/vaults",
    azurerm_key_vault_key: "Microsoft.KeyVault/vaults/keys",
    azurerm_consumption_budget_resource_group: "Microsoft.Consumption/budgets",
    azurerm_consumption_budget_subscription: "Microsoft.Consumption/budgets",
};

/** The ARM types a Checkov rule inspects (Terraform subjects translated; unknown azurerm types stay as they are). */
export function checkovArmTypes(rule: CatalogRule): string[] {
    return rule.resourceTypes.map((t) => (rule.framework === "terraform" ? AZURERM_TO_ARM[t] ?? t : t));
}

// ─── Trivy ─────────────────────────────────────────────────────────────────────────────────────

export const TRIVY_MODULE = "github.com/aquasecurity/trivy-checks";

/** Trivy's cloud input (`input.azure.<service>.<collection>`) → the ARM type it describes. */
const TRIVY_TYPES: Readonly<Record<string, string>> = {
    "appservice.services": "Microsoft.Web/sites",
    "appservice.functionapps": "Microsoft.Web/sites",
    "authorization.roledefinitions": "Microsoft.Authorization/roleDefinitions",
    "compute.linuxvirtualmachines": "Microsoft.Compute/virtualMachines",
    "compute.windowsvirtualmachines": "Microsoft.Compute/virtualMachines",
    "compute.manageddisks": "Microsoft.Compute/disks",
    "container.kubernetesclusters": "Microsoft.ContainerService/managedClusters",
    "database.mssqlservers": "Microsoft.Sql/servers",
    "database.mysqlservers": "Microsoft.DBforMySQL/servers",
    "database.mariadbservers": "Microsoft.DBforMariaDB/servers",
    "database.postgresqlservers": "Microsoft.DBforPostgreSQL/servers",
    "datafactory.datafactories": "Microsoft.DataFactory/factories",
    "datalake.stores": "Microsoft.DataLakeStore/accounts",
    "keyvault.vaults": "Microsoft.KeyVault/vaults",
    "monitor.logprofiles": "Microsoft.Insights/logprofiles",
    "network.securitygroups": "Microsoft.Network/networkSecurityGroups",
    "network.networkinterfaces": "Microsoft.Network/networkInterfaces",
    "network.networkwatcherflowlogs": "Microsoft.Network/networkWatchers/flowLogs",
    "securitycenter.contacts": "Microsoft.Security/securityContacts",
    "securitycenter.subscriptions": "Microsoft.Security/pricings",
    "storage.accounts": "Microsoft.Storage/storageAccounts",
    "synapse.workspaces": "Microsoft.Synapse/workspaces",
};

/** Checks whose subject is narrower than their input collection, or whose input path is indirect. */
const TRIVY_SUBJECTS: Readonly<Record<string, string[]>> = {
    "AVD-AZU-0007": ["Microsoft.Storage/storageAccounts/blobServices/containers"],
    "AVD-AZU-0014": ["Microsoft.KeyVault/vaults/keys"],
    "AVD-AZU-0015": ["Microsoft.KeyVault/vaults/secrets"],
    "AVD-AZU-0017": ["Microsoft.KeyVault/vaults/secrets"],
};

/** Service → ARM type for checks whose rego reaches its input through a helper. */
const TRIVY_SERVICE_DEFAULT: Readonly<Record<string, string>> = {
    compute: "Microsoft.Compute/virtualMachines",
    database: "Microsoft.Sql/servers",
};

/** Reads the Azure checks' METADATA from a trivy-checks source tree. */
export function parseTrivyChecks(dir: string): TrivyRule[] {
    const root = path.join(dir, "checks", "cloud", "azure");
    const rules: TrivyRule[] = [];
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) walk(p);
            else if (entry.name.endsWith(".rego") && !entry.name.endsWith("_test.rego")) {
                const text = fs.readFileSync(p, "utf8");
                const meta = (key: string) => new RegExp(`^#\\s+${key}:\\s*(.+)$`, "m").exec(text)?.[1].trim();
                const rawId = meta("avd_id") ?? meta("id");
                if (!rawId) continue;
                const id = rawId.startsWith("AVD-") ? rawId : `AVD-${rawId}`;
                const title = /^# title:\s*(.+)$/m.exec(text)?.[1].trim() ?? "";
                const service = meta("service") ?? "";
                const inputs = [...new Set([...text.matchAll(/input\.azure\.([a-z]+)\.([a-z]+)/g)].map((m) => `${m[1]}.${m[2]}`))];
                const armTypes =
                    TRIVY_SUBJECTS[id] ??
                    (inputs.length > 0 ? [...new Set(inputs.map((i) => TRIVY_TYPES[i] ?? `trivy:${i}`))] : [TRIVY_SERVICE_DEFAULT[service] ?? `trivy:${service}`]);
                rules.push({ id, title, service, severity: meta("severity") ?? "", armTypes, file: path.relative(dir, p) });
            }
        }
    };
    walk(root);
    return rules.sort((a, b) => a.id.localeCompare(b.id));
}

/** Downloads trivy-checks through the Go module proxy and reads its Azure checks. */
export function fetchTrivyCatalog(version: string): TrivyCatalog {
    const fetchedWith = `go mod download -json ${TRIVY_MODULE}@${version}`;
    const result = spawnSync("go", ["mod", "download", "-json", `${TRIVY_MODULE}@${version}`], {
        cwd: os.tmpdir(),
        encoding: "utf8",
        env: { ...process.env, GOFLAGS: "-modcacherw", GO111MODULE: "on" },
    });
    if (result.error || result.status !== 0) throw new Error(`${fetchedWith} failed: ${result.error?.message ?? (result.stderr || result.stdout)}`);
    const info = JSON.parse(result.stdout) as { Dir: string; Version: string; Sum: string; Error?: string };
    if (info.Error) throw new Error(`${fetchedWith}: ${info.Error}`);
    return { tool: "trivy-checks", module: TRIVY_MODULE, version: info.Version, sum: info.Sum, fetchedWith, rules: parseTrivyChecks(info.Dir) };
}

export function writeCatalog(name: "checkov.json" | "trivy.json" | "sat.json", catalog: unknown, dir = CATALOG_DIR): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), `${JSON.stringify(catalog, null, 1)}\n`);
}
