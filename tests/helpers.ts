/**
 * Shared test helpers: the offline plan, memoized per (stack, overrides) so the suite runs the
 * program once per scenario, and small finders over the registered resources.
 */
import { expect } from "chai";
import { isConfigError, ConfigError } from "../components/settings/validate";
import { PlannedResource, runProgram } from "../tools/harness";
import { PlanDocument, plan } from "../tools/plan";
import { TRAINED } from "../tools/scenarios";
import { parseOverride } from "../tools/stack-config";
import type { ProgramRun } from "../tools/harness";

export interface Scenario {
    run: ProgramRun;
    document: PlanDocument;
    /** Resources of a type (full token, e.g. `azure-native:storage:StorageAccount`). */
    ofType(type: string): PlannedResource[];
    /** The one resource of a type with that logical name (fails the test when absent). */
    named(type: string, name: string): PlannedResource;
}

const cache = new Map<string, Promise<Scenario>>();

/** The plan of `stack` with `sets` (`path=value`, as `npm run plan -- --set`). Memoized. */
export function planOf(stack: string, ...sets: string[]): Promise<Scenario> {
    const key = JSON.stringify([stack, sets]);
    let scenario = cache.get(key);
    if (!scenario) {
        scenario = plan(stack, sets.map(parseOverride)).then(({ run, document }) => ({
            run,
            document,
            ofType: (type: string) => run.resources.filter((r) => r.type === type),
            named: (type: string, name: string) => {
                const found = run.resources.find((r) => r.type === type && r.name === name);
                expect(found, `${type} ${name} is registered`).to.not.equal(undefined);
                return found as PlannedResource;
            },
        }));
        cache.set(key, scenario);
    }
    return scenario;
}

/**
 * Runs the plan expecting the config to be rejected; returns the error. Asserts that the program
 * registered nothing but the stack itself before failing.
 */
export async function rejectedConfig(stack: string, ...sets: string[]): Promise<ConfigError> {
    const registered: string[] = [];
    try {
        await runProgram({ stack, overrides: sets.map(parseOverride), onRegister: (urn) => registered.push(urn) });
    } catch (err) {
        if (!isConfigError(err)) throw err;
        expect(registered.filter((u) => !u.includes("::pulumi:pulumi:Stack::")), "nothing registered before the config error").to.deep.equal([]);
        return err;
    }
    throw new Error(`expected config ${JSON.stringify(sets)} on ${stack} to be rejected`);
}

/** The `ConfigError` that `resolve` throws; fails the test when it throws nothing or something else. */
export function configRejection(resolve: () => unknown, what: unknown): ConfigError {
    try {
        resolve();
    } catch (err) {
        if (isConfigError(err)) return err;
        throw err;
    }
    throw new Error(`expected ${JSON.stringify(what)} to be rejected`);
}

/** `planOf` for a stack whose models are registered (`TRAINED` applied first, then `sets`). */
export function planTrained(stack: string, ...sets: string[]): Promise<Scenario> {
    return planOf(stack, ...TRAINED, ...sets);
}
