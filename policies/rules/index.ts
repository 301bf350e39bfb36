/** Every policy of the pack, in the order the README lists them. */
import { Policies } from "@pulumi/policy";
import { actAsPolicies } from "./act-as";
import { appPolicies } from "./apps";
import { azureRbacPolicies } from "./azure-rbac";
import { azureStoragePolicies, storageGeoRedundant } from "./azure-storage";
import { azureWorkspacePolicies } from "./azure-workspace";
import { catalogObjectPolicies } from "./catalog-objects";
import { costPolicies, costWithinBudgetMargin } from "./cost";
import { dataProtectedInProduction, dataProtectionPolicies, noForceDestroyInProduction } from "./data-protection";
import { databricksAccessPolicies } from "./databricks-access";
import { databricksComputePolicies } from "./databricks-compute";
import { entraPasswordLifetime, entraPolicies } from "./entra";
import { grantsPolicies, ucGrantToGroups } from "./grants";
import { networkSecurityPolicies } from "./network-security";
import { auditDiagnosticSettings, dataNotPublicInProduction, networkPolicies, privateEndpointsInProduction, storageNotPublicInProduction, workspaceNotPublicInProduction } from "./network";
import { satBaselinePolicies } from "./sat-baseline";
import { servingPolicies } from "./serving";
import { workspaceConfHardened, workspaceConfPolicies } from "./workspace-conf";

/** The pack's policies by concern (the README's table follows this order). */
export const policyGroups: { title: string; policies: Policies }[] = [
    { title: "Unity Catalog grants", policies: grantsPolicies },
    { title: "Unity Catalog objects", policies: catalogObjectPolicies },
    { title: "Databricks access", policies: databricksAccessPolicies },
    { title: "Acting through another identity", policies: actAsPolicies },
    { title: "Databricks compute", policies: databricksComputePolicies },
    { title: "Model serving", policies: servingPolicies },
    { title: "Apps", policies: appPolicies },
    { title: "Network and audit", policies: [...networkPolicies, ...networkSecurityPolicies] },
    { title: "Azure storage", policies: azureStoragePolicies },
    { title: "Azure Databricks workspace", policies: azureWorkspacePolicies },
    { title: "Databricks workspace configuration", policies: workspaceConfPolicies },
    { title: "Azure role assignments", policies: azureRbacPolicies },
    { title: "Entra ID", policies: entraPolicies },
    { title: "Data protection", policies: dataProtectionPolicies },
    { title: "Databricks Security Analysis Tool baseline", policies: satBaselinePolicies },
    { title: "Cost", policies: costPolicies },
];

export const allPolicies: Policies = policyGroups.flatMap((g) => g.policies);

/**
 * The production rules: stricter (or only applied) in production stacks, where production is what
 * the stack declares (`environment.ts`), never which policy config file a preview was given.
 */
export const productionPolicies: Policies = [
    dataProtectedInProduction,
    noForceDestroyInProduction,
    storageGeoRedundant,
    ucGrantToGroups,
    entraPasswordLifetime,
    workspaceConfHardened,
    dataNotPublicInProduction,
    workspaceNotPublicInProduction,
    storageNotPublicInProduction,
    privateEndpointsInProduction,
    auditDiagnosticSettings,
    costWithinBudgetMargin,
];
