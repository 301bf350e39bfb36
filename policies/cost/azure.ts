/**
 * The Azure lines of the estimate: stored data, private endpoints, the NAT gateway and its address,
 * Log Analytics, DNS zones and HSM keys, priced by the GB, the hour or the month in the stack's
 * region; the types that bill nothing by themselves, and why. Pure: unit-tested through the estimate.
 */
import { CostLine, CostResource, Lines, Pricing, exact, num, obj, str } from "./lines";

const T = {
    storage: "azure-native:storage:StorageAccount",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    nat: "azure-native:network:NatGateway",
    publicIp: "azure-native:network:PublicIPAddress",
    logAnalytics: "azure-native:operationalinsights:Workspace",
    dnsZone: "azure-native:privatedns:PrivateZone",
    key: "azure-native:keyvault:Key",
};

/**
 * Types that bill nothing by themselves, and why (their cost shows up elsewhere or nowhere). Any
 * other cloud type is reported unpriced, so a resource added to the program cannot go unnoticed.
 */
export const NO_CHARGE: Readonly<Record<string, string>> = {
    "azure-native:resources:ResourceGroup": "a container",
    "azure-native:network:VirtualNetwork": "Azure charges nothing for a virtual network",
    "azure-native:network:Subnet": "part of the virtual network",
    "azure-native:network:NetworkSecurityGroup": "Azure charges nothing for network security groups",
    "azure-native:network:PrivateDnsZoneGroup": "a link between an endpoint and its zones",
    "azure-native:network:NetworkSecurityPerimeter": "Azure lists no charge for a network security perimeter (preview; not cross-checked)",
    "azure-native:network:NetworkSecurityPerimeterProfile": "part of the perimeter",
    "azure-native:network:NetworkSecurityPerimeterAccessRule": "part of the perimeter",
    "azure-native:network:NetworkSecurityPerimeterAssociation": "part of the perimeter",
    "azure-native:privatedns:VirtualNetworkLink": "the zone is priced, not its links (registration off)",
    "azure-native:storage:BlobContainer": "priced with the account's stored data",
    "azure-native:storage:BlobServiceProperties": "settings of the account",
    "azure-native:storage:PrivateEndpointConnection": "an approval on the account",
    "azure-native:databricks:AccessConnector": "Azure charges nothing for an access connector",
    "azure-native:authorization:RoleAssignment": "an authorization",
    "azure-native:monitor:DiagnosticSetting": "priced as Log Analytics ingestion",
    "azure-native:keyvault:Vault": "the keys and operations are priced, not the vault",
    "azure-native:consumption:Budget": "Azure charges nothing for budgets",
    "azure-native:monitor:ActionGroup": "Azure charges nothing for an action group; its first 1,000 e-mails a month are free",
    "azure-native:databricks:Workspace": "no charge for the workspace itself; its compute is priced where it runs",
};

/** Lines of the Azure resources priced by the hour, the month, the GB or the GB-month. */
export function azureLines(r: CostResource, basis: Pricing, region: string): CostLine[] {
    const lines = new Lines(r);
    const { usage, rates } = basis;
    const hours = rates.hoursPerMonth;
    const always = (n: number) => ({ idle: n, active: n });
    const where = str(r.inputs.location) ?? region;
    switch (r.type) {
        case T.storage: {
            const sku = str(obj(r.inputs.sku).name) ?? "(unset)";
            const tier = str(r.inputs.accessTier) ?? "Hot";
            if (tier !== "Hot") lines.unpriced("azure", `stored data (${sku}, ${tier})`, `only the hot tier is in the rates table, not ${tier}`);
            else lines.add("azure", `stored data (${sku}, hot)`, rates.regional("storage", where, sku), `no rate for ${sku} in ${where} (storage)`, { ...always(usage.storedGB), unit: "GB-months" }, `${usage.storedGB} GB stored (usage.storedGB); transactions not counted`);
            break;
        }
        case T.privateEndpoint:
            lines.add("azure", "endpoint hours", rates.flat("network", "privateEndpointHour"), "no rate for private endpoints (network.privateEndpointHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            lines.add("azure", "data processed", rates.flat("network", "privateEndpointGB"), "no rate for private endpoint data (network.privateEndpointGB)", { idle: 0, active: usage.privateEndpointGBPerMonth, unit: "GB" }, `${usage.privateEndpointGBPerMonth} GB a month (usage.privateEndpointGBPerMonth), each GB charged once, in the direction it crosses`);
            break;
        case T.nat:
            lines.add("azure", "gateway hours", rates.flat("nat", "gatewayHour"), "no rate for NAT gateways (nat.gatewayHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            lines.add("azure", "data processed", rates.flat("nat", "gatewayGB"), "no rate for NAT data (nat.gatewayGB)", { idle: 0, active: usage.natGatewayGBPerMonth, unit: "GB" }, `${usage.natGatewayGBPerMonth} GB a month (usage.natGatewayGBPerMonth)`);
            break;
        case T.publicIp:
            lines.add("azure", "static IPv4 hours", rates.flat("publicIp", "standardStaticHour"), "no rate for public IPs (publicIp.standardStaticHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            break;
        case T.logAnalytics: {
            const days = hours / 24;
            const gb = usage.logAnalyticsGBPerDay * days;
            lines.add("azure", "ingestion", rates.regional("logAnalytics", where, "ingestion"), `no rate for Log Analytics in ${where} (logAnalytics)`, { ...always(gb), unit: "GB" }, `${usage.logAnalyticsGBPerDay} GB a day (usage.logAnalyticsGBPerDay) × ${exact(days)} days`);
            const retained = Math.max(0, (num(r.inputs.retentionInDays) ?? 31) - 31);
            if (retained > 0) {
                lines.add("azure", "retention beyond 31 days", rates.regional("logAnalytics", where, "retention"), `no rate for Log Analytics retention in ${where} (logAnalytics)`, { ...always(usage.logAnalyticsGBPerDay * retained), unit: "GB-months" }, `${usage.logAnalyticsGBPerDay} GB a day kept ${retained} days past the 31 included`);
            }
            break;
        }
        case T.dnsZone:
            lines.add("azure", "hosted zone", rates.flat("dns", "privateZoneMonth"), "no rate for private DNS zones (dns.privateZoneMonth)", { ...always(1), unit: "zone-months" }, "one zone; queries not counted");
            break;
        case T.key: {
            const kty = str(obj(r.inputs.properties).kty) ?? "";
            if (kty.endsWith("-HSM")) lines.add("azure", "HSM key", rates.flat("keyVault", "hsmKeyMonth"), "no rate for HSM keys (keyVault.hsmKeyMonth)", { ...always(1), unit: "key-months" }, "one key; operations not counted");
            break;
        }
        default:
            if (!NO_CHARGE[r.type]) lines.unpriced("azure", "resource", `no rate for ${r.type}`);
    }
    return lines.out;
}
