/**
 * The seam between the plan's `--diff-set` (tools/plan.ts → tools/diff.ts) and the providers:
 * `providerAnswers(before, after)` starts the providers already built in .verify-cache/ (it never
 * builds: `npm run verify` does), asks each for "replace or update" on every resource whose inputs
 * change, propagates unknowns and provider knock-ons (`replace.ts`), stops them, and returns one answer
 * per affected URN for `diffPlans(before, after, answers)`. Without a built provider the kept rules of
 * tools/replacement.ts answer and the provider-answered types count as not modelled.
 * `LAKEHOUSE_VERIFY_PROVIDERS=off` skips starting providers (kept rules and unknowns only).
 */
import { ROOT } from "../harness";
import { cachedProviders } from "./build";
import { DiffInput, ProviderAnswer, SessionAsker, propagate } from "./replace";
import { ProviderSession } from "./validate";
import { projectSdkVersions } from "./versions";

export async function providerAnswers(before: readonly DiffInput[], after: readonly DiffInput[], { askProviders = true } = {}): Promise<Map<string, ProviderAnswer>> {
    const sessions = new Map<string, ProviderSession>();
    try {
        if (askProviders && process.env.LAKEHOUSE_VERIFY_PROVIDERS !== "off") {
            for (const build of cachedProviders(ROOT, projectSdkVersions(ROOT))) {
                sessions.set(build.provider, await ProviderSession.start(build));
            }
        }
        return await propagate(before, after, sessions.size > 0 ? new SessionAsker(sessions) : undefined);
    } finally {
        await Promise.all([...sessions.values()].map((s) => s.stop()));
    }
}
