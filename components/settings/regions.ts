/**
 * The Azure public-cloud regions Azure Databricks runs in, as `azure-native:location` spells them.
 * Source: Microsoft Learn, "Features with limited regional availability"
 * (learn.microsoft.com/azure/databricks/resources/feature-region-support), read 2026-12-02.
 * Left out on purpose: the Azure Government regions (no Databricks SQL, no Unity Catalog, both of
 * which this program needs) and Azure China (another cloud, other endpoints).
 */
export const DATABRICKS_REGIONS = [
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "brazilsouth",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "japaneast",
    "japanwest",
    "koreacentral",
    "mexicocentral",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "southindia",
    "swedencentral",
    "switzerlandnorth",
    "switzerlandwest",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
] as const;

/** Regions Azure knows that cannot host this platform, and why. */
export const UNSUPPORTED_REGIONS: Readonly<Record<string, string>> = {
    usgovarizona: "Azure Government regions have no Databricks SQL and no Unity Catalog",
    usgovvirginia: "Azure Government regions have no Databricks SQL and no Unity Catalog",
    chinaeast2: "Azure China is another cloud with other endpoints; this program targets Azure's public cloud",
    chinaeast3: "Azure China is another cloud with other endpoints; this program targets Azure's public cloud",
    chinanorth2: "Azure China is another cloud with other endpoints; this program targets Azure's public cloud",
    chinanorth3: "Azure China is another cloud with other endpoints; this program targets Azure's public cloud",
};
