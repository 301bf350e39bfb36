/**
 * Budgets: `lakehouse:cost.budget` validated up front, the Azure budget and its alerts as the
 * program registers them (scope, filter, start date, notifications, recipients or the Owners), the
 * Databricks budget policy with the account-level provider, and the pack's budget rules on the
 * shipped stacks: advisory over the budget, mandatory in production beyond the margin.
 */
import { expect } from "chai";
import { sameDateSpelling, startDate, subscriptionOf, workspaceNumber } from "../components/budget";
import { monthStart } from "../components/settings/cost";
import { MOCK_SUBSCRIPTION } from "../tools/harness";
import { planOf, rejectedConfig } from "./helpers";

const BUDGET = "azure-native:consumption:Budget";
const ACTION_GROUP = "azure-native:monitor:ActionGroup";
const POLICY = "databricks:index/budgetPolicy:BudgetPolicy";
const ACCOUNT = "network.databricksAccountId=11111111-2222-3333-4444-555555555555";

describe("budget: lakehouse:cost.budget is checked before anything is registered", () => {
    const cases: [string[], string, RegExp][] = [
        [["cost.budget.amount=-5"], "lakehouse:cost.budget.amount", /a number from 0 to 1000000000/],
        [["cost.budget.amount=lots"], "lakehouse:cost.budget.amount", /a number from 0/],
        [["cost.budget.thresholds[0]=0"], "lakehouse:cost.budget.thresholds[0]", /an integer from 1 to 1000/],
        [["cost.budget.thresholds[0]=2000"], "lakehouse:cost.budget.thresholds[0]", /an integer from 1 to 1000/],
        [["cost.budget.thresholds[0]=80", "cost.budget.thresholds[1]=80"], "lakehouse:cost.budget.thresholds[1]", /no duplicates/],
        [["cost.budget.thresholds=[50,80,100]", "cost.budget.forecastThresholds=[90,100,120]"], "lakehouse:cost.budget.thresholds", /at most 5 thresholds here and in cost.budget.forecastThresholds together .*there are 6/],
        [["cost.budget.recipients[0]=finops"], "lakehouse:cost.budget.recipients[0]", /an e-mail address/],
        [["cost.budget.owner=me"], "lakehouse:cost.budget.owner", /a known field: amount, thresholds, forecastThresholds, recipients/],
        [["cost.usage.storedGB=-1"], "lakehouse:cost.usage.storedGB", /a number from 0/],
        [["cost.usage.jobRunsPerMonth=often"], "lakehouse:cost.usage.jobRunsPerMonth", /auto, or a number/],
        [["cost.rates.gpu.A100=1"], "lakehouse:cost.rates.gpu", /a rate group: dbu, addOns/],
        [["cost.rates.vm.northeurope.Standard_D4ds_v5=-0.1"], "lakehouse:cost.rates.vm.northeurope.Standard_D4ds_v5", /a number from 0/],
    ];
    for (const [sets, key, allowed] of cases) {
        it(`refuses ${sets.join(" ")}, naming ${key}`, async () => {
            const err = await rejectedConfig("dev", ...sets);
            const issue = err.issues.find((i) => i.key === key);
            expect(issue, err.message).to.not.equal(undefined);
            expect(issue!.allowed).to.match(allowed);
        });
    }

    it("refuses a budget with no threshold to alert at", async () => {
        const err = await rejectedConfig("dev", "cost.budget.thresholds=[]", "cost.budget.forecastThresholds=[]");
        expect(err.keys).to.include("lakehouse:cost.budget.thresholds");
        expect(err.message).to.contain("at least one threshold");
    });
});

describe("budget: the Azure budget and its alerts", () => {
    it("keeps dev's budget at the subscription, over the stack's and the workspace's managed resource groups", async () => {
        const budget = (await planOf("dev")).named(BUDGET, "budget");
        expect(budget.inputs).to.deep.include({
            budgetName: "budget-lakehouse-dev",
            amount: 800,
            category: "Cost",
            timeGrain: "Monthly",
            scope: `/subscriptions/${MOCK_SUBSCRIPTION}`,
            filter: { dimensions: { name: "ResourceGroupName", operator: "In", values: ["rg-lakehouse-dev", "rg-lakehouse-dev-dbw-managed"] } },
        });
        expect(budget.inputs.timePeriod).to.deep.equal({ startDate: monthStart(new Date()) });
        expect(budget.ignoreChanges ?? [], "the start is read back, not ignored: a re-created budget must get this month's").to.deep.equal([]);
        expect(budget.parent).to.match(/lakehouse:budget:StackBudget::budget$/);
    });

    it("alerts the subscription's Owners through an action group when no recipient is set", async () => {
        const scenario = await planOf("dev");
        const group = scenario.named(ACTION_GROUP, "budget-owners");
        expect(group.inputs).to.deep.include({ groupShortName: "budget", enabled: true, location: "global", resourceGroupName: "rg-lakehouse-dev" });
        expect(group.inputs.armRoleReceivers).to.deep.equal([{ name: "owners", roleId: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", useCommonAlertSchema: true }]);
        const notifications = scenario.named(BUDGET, "budget").inputs.notifications as Record<string, Record<string, unknown>>;
        expect(Object.keys(notifications).sort()).to.deep.equal(["actual-100", "actual-80", "forecast-100"]);
        expect(notifications["actual-80"]).to.deep.equal({ enabled: true, operator: "GreaterThanOrEqualTo", threshold: 80, thresholdType: "Actual", contactEmails: [], contactGroups: ["budget-owners-id"] });
        expect(notifications["forecast-100"].thresholdType).to.equal("Forecasted");
    });

    it("mails the recipients instead, at the configured thresholds, with no action group", async () => {
        const scenario = await planOf("prod", "cost.budget.recipients[0]=finops@example.com", "cost.budget.thresholds=[50, 90]", "cost.budget.forecastThresholds=[]");
        expect(scenario.ofType(ACTION_GROUP)).to.deep.equal([]);
        const notifications = scenario.named(BUDGET, "budget").inputs.notifications as Record<string, Record<string, unknown>>;
        expect(Object.keys(notifications).sort()).to.deep.equal(["actual-50", "actual-90"]);
        expect(notifications["actual-50"].contactEmails).to.deep.equal(["finops@example.com"]);
        expect(notifications["actual-50"]).to.not.have.property("contactGroups");
    });

    it("registers no budget when the amount is 0, and no Databricks budget policy without the account", async () => {
        const none = await planOf("dev", "cost.budget.amount=0");
        expect([...none.ofType(BUDGET), ...none.ofType(ACTION_GROUP), ...none.ofType("lakehouse:budget:StackBudget")]).to.deep.equal([]);
        expect(none.document.cost.budget).to.equal(undefined);
        expect((await planOf("dev")).ofType(POLICY)).to.deep.equal([]);
    });

    it("adds a Databricks budget policy, bound to the workspace and tagged like the stack, with the account-level provider", async () => {
        const policy = (await planOf("dev", ACCOUNT)).named(POLICY, "budget-policy");
        expect(policy.provider).to.match(/pulumi:providers:databricks::account-provider$/);
        expect(policy.inputs.policyName).to.equal("budget-lakehouse-dev");
        expect(policy.inputs.bindingWorkspaceIds).to.deep.equal([1234567890123456]);
        expect(policy.inputs.customTags).to.deep.include({ key: "stack", value: "dev" });
    });

    it("starts budgets on the first of the month, and binds only workspace ids JavaScript holds exactly", () => {
        expect(monthStart(new Date("2026-12-31T23:59:00Z"))).to.equal("2026-12-01T00:00:00Z");
        expect(workspaceNumber("1234567890123456")).to.equal(1234567890123456);
        expect(() => workspaceNumber("9876543210987654")).to.throw(/not an integer JavaScript holds exactly/);
    });
});

describe("budget: the pack's rules on the shipped stacks", () => {
    const costFindings = async (stack: string, ...sets: string[]) =>
        (await planOf(stack, ...sets)).document.policies.violations.filter((v) => v.policy.startsWith("cost-")).map((v) => `${v.level} ${v.policy}`);

    it("finds the shipped stacks within their budgets", async () => {
        expect(await costFindings("dev")).to.deep.equal([]);
        expect(await costFindings("prod")).to.deep.equal([]);
    });

    it("warns on dev over its budget, however far, and never fails it", async () => {
        expect(await costFindings("dev", "cost.budget.amount=100")).to.deep.equal(["advisory cost-estimate-within-budget"]);
        const [message] = (await planOf("dev", "cost.budget.amount=100")).document.policies.violations.filter((v) => v.policy.startsWith("cost-")).map((v) => v.message);
        // dev's active estimate, 413.62, is 314% over 100.
        expect(message).to.equal("the active monthly estimate, 413.62 USD, exceeds budget budget-lakehouse-dev (100.00) by 314%; the plan's cost section (npm run plan) itemises it.");
    });

    it("fails prod beyond the margin, and only warns within it", async () => {
        const active = (await planOf("prod")).document.cost.totals.active.total;
        const within = Math.floor(active / 1.05); // about 5% over: within the 10% margin
        expect(await costFindings("prod", `cost.budget.amount=${within}`)).to.deep.equal(["advisory cost-estimate-within-budget"]);
        const beyond = Math.floor(active / 1.2); // about 20% over
        expect(await costFindings("prod", `cost.budget.amount=${beyond}`)).to.have.members(["advisory cost-estimate-within-budget", "mandatory cost-estimate-within-budget-margin"]);
    });
});

describe("budget: the start date Azure will take", () => {
    const lookup = (budgets: Record<string, string>) => async (scope: string, name: string) => {
        const start = budgets[`${scope}/${name}`];
        if (!start) throw new Error("ResourceNotFound");
        return { timePeriod: { startDate: start } };
    };

    it("keeps an existing budget's own start, in the spelling the program writes", async () => {
        const start = await startDate("/subscriptions/s", "budget-a", "2026-12-01T00:00:00Z", lookup({ "/subscriptions/s/budget-a": "2026-03-01T00:00:00.000Z" }));
        expect(start).to.equal("2026-03-01T00:00:00Z");
    });

    it("starts a budget that does not exist yet (a new stack, or a renamed budget) on the first of this month", async () => {
        expect(await startDate("/subscriptions/s", "budget-b", "2026-12-01T00:00:00Z", lookup({ "/subscriptions/s/budget-a": "2026-03-01T00:00:00Z" }))).to.equal("2026-12-01T00:00:00Z");
    });

    it("reads the subscription from a resource group id in either spelling of resourceGroups", () => {
        expect(subscriptionOf("/subscriptions/abc/resourceGroups/rg")).to.equal("/subscriptions/abc");
        expect(subscriptionOf("/subscriptions/abc/resourcegroups/rg")).to.equal("/subscriptions/abc");
        expect(() => subscriptionOf("rg")).to.throw(/not a resource group id/);
        expect(sameDateSpelling("not a date")).to.equal(undefined);
    });
});

describe("budget: the Databricks budget policy's tags", () => {
    it("refuses more stack tags than a budget policy takes, only when there is one", async () => {
        const many = Array.from({ length: 20 }, (_, i) => `tags.team${i}=x`);
        const err = await rejectedConfig("dev", ACCOUNT, ...many);
        const issue = err.issues.find((i) => i.key === "lakehouse:tags");
        expect(issue?.allowed, err.message).to.match(/at most 20 tags with the program's own \(there are 2\d\)/);
        const withoutAccount = await planOf("dev", ...many);
        expect(withoutAccount.ofType(POLICY)).to.deep.equal([]);
    });

    it("warns on every preview that alerts without recipients reach only directly assigned Owners", async () => {
        const notices = (await planOf("dev")).run.diagnostics.join("\n");
        expect(notices).to.match(/budget budget-lakehouse-dev: no cost.budget.recipients, so its alerts go to the users assigned Owner directly/);
        expect((await planOf("dev", "cost.budget.recipients[0]=finops@example.com")).run.diagnostics.join("\n")).to.not.contain("no cost.budget.recipients");
    });
});
