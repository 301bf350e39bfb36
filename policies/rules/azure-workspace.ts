/** Azure Databricks workspace rules: Premium SKU, secure cluster connectivity, private access and CMK. */
import * as azureDatabricks from "@pulumi/azure-native/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const workspacePremium: ResourceValidationPolicy = {
    name: "workspace-premium-sku",
    description: "Databricks workspaces use the Premium SKU: Unity Catalog, table ACLs and workspace object permissions need it.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azureDatabricks.Workspace, (workspace, _args, report) => {
        const sku = workspace.sku?.name;
        if (String(sku ?? "").toLowerCase() !== "premium") report(`sku.name is ${sku ?? "unset"}; use premium.`);
    }),
};

export const workspaceNoPublicIp: ResourceValidationPolicy = {
    name: "workspace-no-public-ip",
    description: "Workspace compute gets no public IP addresses (secure cluster connectivity: parameters.enableNoPublicIp true); clusters reach the control plane through a relay.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azureDatabricks.Workspace, (workspace, _args, report) => {
        if (workspace.parameters?.enableNoPublicIp?.value !== true) report("parameters.enableNoPublicIp.value is not true; cluster nodes would get public IPs.");
    }),
};

export const workspaceCustomerManagedKeys: ResourceValidationPolicy = {
    name: "workspace-customer-managed-keys",
    description: "The workspace encrypts managed services (notebooks, secrets, queries) and DBFS root with customer-managed keys from Key Vault. Advisory: needs a Key Vault the platform does not manage yet.",
    tags: ["CKV2_AZURE_48"],
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(azureDatabricks.Workspace, (workspace, _args, report) => {
        const missing: string[] = [];
        if (workspace.encryption?.entities?.managedServices?.keySource !== "Microsoft.Keyvault") missing.push("managed services (encryption.entities.managedServices)");
        if (workspace.parameters?.encryption?.value?.keySource !== "Microsoft.Keyvault") missing.push("DBFS root (parameters.encryption)");
        if (missing.length > 0) report(`no customer-managed key for ${missing.join(" and ")}; Microsoft manages the keys.`);
    }),
};

export const azureWorkspacePolicies = [workspacePremium, workspaceNoPublicIp, workspaceCustomerManagedKeys];
