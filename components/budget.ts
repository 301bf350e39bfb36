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
 * (or, with none, the subscription's Owners through an action group: at this scope Azure wants an
 * e-mail or an action group; an Owner role receiver reaches only users assigned Owner directly on
 * the subscription, not through a group or PIM, so the plan asks for recipients) at each
 * threshold. Databricks: with the account-level provider, a budget policy bound to the workspace
 * whose custom tags are the stack's; usage is attributed to it only for workloads and users
 * assigned to it, which the program does not do yet (docs/cost.md).
 *
 * Azure takes a new monthly budget only from the first of the current month, and refuses to move
 * its start later: the start is read back from the budget once it exists (`startDate`).
 */
export class StackBudget extends pulumi.ComponentResource {
    /** The Azure budget's resource id. */
    readonly budgetId: pulumi.Output<string>;

    constructor(name: string, args: StackBudgetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:budget:StackBudget", name, {}, opts);
        const s = args.settings;
        const subscription = pulumi.output(args.resourceGroupId).apply(subscriptionOf);
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
        if (owners) {
            pulumi.log.warn(
                `budget ${s.name}: no cost.budget.recipients, so its alerts go to the users assigned Owner directly on the subscription (not through a group or PIM); set recipients: pulumi config set --path 'cost.budget.recipients[0]' <e-mail>`,
                this,
            );
        }
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
                timePeriod: { startDate: subscription.apply((scope) => startDate(scope, s.name, s.startDate, (sc, n) => consumption.getBudget({ scope: sc, budgetName: n }, { parent: this }))) },
                filter: { dimensions: { name: "ResourceGroupName", operator: "In", values: [args.resourceGroupName, args.managedResourceGroupName] } },
                notifications,
            },
            { parent: this },
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

/** `/subscriptions/<id>` of a resource group id, whatever the case of `resourceGroups` (adopted ids vary). */
export function subscriptionOf(resourceGroupId: string): string {
    const match = /^\/subscriptions\/[^/]+/i.exec(resourceGroupId);
    if (!match) throw new Error(`${resourceGroupId} is not a resource group id (/subscriptions/<id>/resourceGroups/<name>)`);
    return match[0];
}

/**
 * The budget's start date. Azure refuses to move a budget's start ("Start date of budgets cannot be
 * updated") and takes a past start for a new budget only within the current month, so: the start
 * the budget already has, read back (a later month's `pulumi up` changes nothing), and for a budget
 * not there yet, including one a name or scope change re-creates, the first of this month. An
 * unreadable budget counts as absent: were it there, Azure's refusal to move its start says so.
 */
export async function startDate(
    scope: string,
    budgetName: string,
    firstOfThisMonth: string,
    lookup: (scope: string, budgetName: string) => Promise<{ timePeriod?: { startDate?: string } }>,
): Promise<string> {
    const existing = await lookup(scope, budgetName).catch(() => undefined);
    return sameDateSpelling(existing?.timePeriod?.startDate) ?? firstOfThisMonth;
}

/** A date as the program writes budget dates (`2026-12-01T00:00:00Z`), or undefined. */
export function sameDateSpelling(date: string | undefined): string | undefined {
    if (!date || Number.isNaN(Date.parse(date))) return undefined;
    return new Date(date).toISOString().replace(".000Z", "Z");
}

/** A workspace id as the budget policy takes it (a number): refused when JavaScript cannot hold it exactly. */
export function workspaceNumber(id: string): number {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) throw new Error(`workspace id ${id} is not an integer JavaScript holds exactly; the budget policy cannot be bound to it`);
    return n;
}
