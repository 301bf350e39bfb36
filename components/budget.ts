import * as consumption from "@pulumi/azure-native/consumption";
import * as monitor from "@pulumi/azure-native/monitor";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { BudgetSettings } from "./settings/cost";

/** Azure's built-in Owner role: who hears about the budget when no recipient is configured. */
const OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

export interface StackBudgetArgs {
    settings: BudgetSettings;
    /** The stack's resource group: its id names the subscription the budget is kept in. */
    resourceGroupId: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    /** The workspace's managed resource group, where the classic clusters' VMs and disks bill. */
    managedResourceGroupName: string;
    /** The workspace's numeric id (as a string), for the Databricks budget policy's binding. */
    workspaceId: pulumi.Input<string>;
    /** The account-level provider, when the stack names its Databricks account. */
    accountProvider?: databricks.Provider;
    tags: Record<string, string>;
}

/**
 * The stack's monthly budget. Azure: a cost budget over the stack's resource group and the
 * workspace's managed one — an Azure budget scoped to one resource group would miss the cluster
 * VMs, so it is kept at the subscription and filtered to the two groups — alerting its recipients
 * (or, with none, the Owners, through an action group: at this scope Azure wants an e-mail or an
 * action group) at each threshold. Databricks: with the account-level provider, a budget policy
 * bound to the workspace that tags its serverless usage with the stack's tags, so billing records
 * attribute it.
 *
 * Azure takes a new monthly budget only from the first of the current month, and refuses to move
 * its start later ("Start date of budgets cannot be updated"): the start is written once, then
 * ignored, so the next month's `pulumi up` does not try to move it.
 */
export class StackBudget extends pulumi.ComponentResource {
    /** The Azure budget's resource id. */
    readonly budgetId: pulumi.Output<string>;

    constructor(name: string, args: StackBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:budget:StackBudget", name, {}, opts);
        const s = args.settings;
        const subscription = pulumi.output(args.resourceGroupId).apply((id) => id.split("/resourceGroups/")[0]);
        const owners =
            s.recipients.length === 0
                ? new monitor.ActionGroup(
                      "budget-owners",
                      {
                          actionGroupName: `ag-${s.name}`,
                          groupShortName: "budget",
                          enabled: true,
                          location: "global",
                          resourceGroupName: args.resourceGroupName,
                          armRoleReceivers: [{ name: "owners", roleId: OWNER_ROLE, useCommonAlertSchema: true }],
                          tags: args.tags,
                      },
                      { parent: this },
                  )
                : undefined;
        const contacts = owners ? { contactEmails: [], contactGroups: [owners.id] } : { contactEmails: s.recipients };
        const notification = (kind: "Actual" | "Forecasted", threshold: number) => ({ enabled: true, operator: "GreaterThanOrEqualTo", threshold, thresholdType: kind, ...contacts });
        const notifications = Object.fromEntries([
            ...s.thresholds.map((t) => [`actual-${t}`, notification("Actual", t)]),
            ...s.forecastThresholds.map((t) => [`forecast-${t}`, notification("Forecasted", t)]),
        ]);
        const budget = new consumption.Budget(
            "budget",
            {
                budgetName: s.name,
                scope: subscription,
                amount: s.amount,
                category: "Cost",
                timeGrain: "Monthly",
                timePeriod: { startDate: s.startDate },
                filter: { dimensions: { name: "ResourceGroupName", operator: "In", values: [args.resourceGroupName, args.managedResourceGroupName] } },
                notifications,
            },
            { parent: this, ignoreChanges: ["timePeriod.startDate"] },
        );
        this.budgetId = budget.id;

        if (args.accountProvider) {
            new databricks.BudgetPolicy(
                "budget-policy",
                {
                    policyName: s.name,
                    customTags: Object.entries(args.tags).map(([key, value]) => ({ key, value })),
                    bindingWorkspaceIds: [pulumi.output(args.workspaceId).apply(workspaceNumber)],
                },
                { parent: this, provider: args.accountProvider },
            );
        }
        this.registerOutputs({ budgetId: this.budgetId });
    }
}

/** A workspace id as the budget policy takes it (a number): refused when JavaScript cannot hold it exactly. */
export function workspaceNumber(id: string): number {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) throw new Error(`workspace id ${id} is not an integer JavaScript holds exactly; the budget policy cannot be bound to it`);
    return n;
}
