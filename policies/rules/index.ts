/** Every policy of the pack, in the order the README lists them. */
import { Policies } from "@pulumi/policy";
import { appPolicies } from "./apps";
import { azureRbacPolicies } from "./azure-rbac";
import { azureStoragePolicies } from "./azure-storage";
import { azureWorkspacePolicies } from "./azure-workspace";
import { catalogObjectPolicies } from "./catalog-objects";
import { dataProtectionPolicies } from "./data-protection";
import { databricksAccessPolicies } from "./databricks-access";
import { databricksComputePolicies } from "./databricks-compute";
import { entraPolicies } from "./entra";
import { grantsPolicies } from "./grants";
import { satBaselinePolicies } from "./sat-baseline";
import { servingPolicies } from "./serving";

/** The pack's policies by concern (the README's table follows this order). */
export const policyGroups: { title: string; policies: Policies }[] = [
    { title: "Unity Catalog grants", policies: grantsPolicies },
    { title: "Unity Catalog objects", policies: catalogObjectPolicies },
    { title: "Databricks access", policies: databricksAccessPolicies },
    { title: "Databricks compute", policies: databricksComputePolicies },
    { title: "Model serving", policies: servingPolicies },
    { title: "Apps", policies: appPolicies },
    { title: "Azure storage", policies: azureStoragePolicies },
    { title: "Azure Databricks workspace", policies: azureWorkspacePolicies },
    { title: "Azure role assignments", policies: azureRbacPolicies },
    { title: "Entra ID", policies: entraPolicies },
    { title: "Data protection", policies: dataProtectionPolicies },
    { title: "Databricks Security Analysis Tool baseline", policies: satBaselinePolicies },
];

export const allPolicies: Policies = policyGroups.flatMap((g) => g.policies);
