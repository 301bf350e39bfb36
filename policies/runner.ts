/**
 * Runs the policy pack over the resources the program registers, the way `pulumi preview
 * --policy-pack policies --policy-pack-config <file>` would: same policies, same enforcement
 * levels, same per-policy config. Used by the offline plan and the tests; it does not start the
 * policy server (that is `policies/index.ts`, for the real CLI).
 */
import * as fs from "fs";
import * as path from "path";
import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A resource as the runner needs it (the offline plan's `PlannedResource` fits). */
export interface ResourceUnderPolicy {
    urn: string;
    type: string;
    name: string;
    parent: string;
    provider: string;
    /** Inputs with secrets in clear (policies see values, the plan never prints them). */
    rawInputs: Record<string, unknown>;
    dependencies: string[];
    protect: boolean;
}

export interface PolicyViolation {
    policy: string;
    level: EnforcementLevel;
    /** URN of the offending resource ("" for a stack-wide finding without one). */
    urn: string;
    message: string;
}

export interface PolicyReport {
    /** Policies evaluated (not disabled). */
    checked: number;
    violations: PolicyViolation[];
}

/** `--policy-pack-config` file contents: policy name (or `all`) → level or `{ enforcementLevel, ...config }`. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

const NOT_APPLICABLE = Symbol("not-applicable");

/** The policy config a stack's previews use: `policies/config/<stack>.json` (empty when absent). */
export function stackPolicyConfig(stack: string, dir: string = path.join(__dirname, "config")): PolicyPackConfig {
    const file = path.join(dir, `${stack}.json`);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig) : {};
}

/** A policy's enforcement level and config after applying the pack config and schema defaults. */
export function effectivePolicy(policy: { name: string; enforcementLevel?: EnforcementLevel; configSchema?: { properties: Record<string, any> } }, config: PolicyPackConfig) {
    let level: EnforcementLevel = policy.enforcementLevel ?? "advisory";
    const values: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema && typeof schema === "object" && "default" in schema) values[key] = schema.default;
    }
    for (const entry of [config.all, config[policy.name]]) {
        if (entry === undefined) continue;
        if (typeof entry === "string") level = entry;
        else {
            const { enforcementLevel, ...rest } = entry;
            if (enforcementLevel) level = enforcementLevel;
            if (entry !== config.all) Object.assign(values, rest);
        }
    }
    return { level, values };
}

function pulumiTypeOf(cls: unknown): string | undefined {
    return (cls as { __pulumiType?: string } | undefined)?.__pulumiType;
}

function isPolicyOfResources(policy: ResourceValidationPolicy | StackValidationPolicy): policy is ResourceValidationPolicy {
    return "validateResource" in policy;
}

/** Evaluates every policy over `resources`. Throws when a policy itself crashes (a bug in the pack). */
export async function runPolicies(
    policies: Policies,
    resources: ResourceUnderPolicy[],
    config: PolicyPackConfig = {},
    stackTags: ReadonlyMap<string, string> = new Map(),
): Promise<PolicyReport> {
    const violations: PolicyViolation[] = [];
    let checked = 0;

    const byUrn = new Map<string, PolicyResource>();
    const policyResources: PolicyResource[] = resources.map((r) => {
        const pr: PolicyResource = {
            type: r.type,
            props: r.rawInputs,
            urn: r.urn,
            name: r.name,
            opts: {
                protect: r.protect,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
                parent: r.parent || undefined,
            } as PolicyResource["opts"],
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => pulumiTypeOf(cls) === r.type,
            asType: ((cls: unknown) => (pulumiTypeOf(cls) === r.type ? r.rawInputs : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(r.urn, pr);
        return pr;
    });
    resources.forEach((r, i) => {
        policyResources[i].parent = byUrn.get(r.parent);
        policyResources[i].dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    });

    for (const policy of policies) {
        const { level, values } = effectivePolicy(policy, config);
        if (level === "disabled") continue;
        checked++;
        const getConfig = <T extends object>() => values as T;
        const notApplicable = (): never => {
            throw NOT_APPLICABLE;
        };
        const report = (urn: string) => (message: string, urnOverride?: string) =>
            violations.push({ policy: policy.name, level, urn: urnOverride ?? urn, message });

        if (isPolicyOfResources(policy)) {
            const validators = [policy.validateResource ?? []].flat();
            for (const pr of policyResources) {
                for (const validate of validators) {
                    const typed = pulumiTypeOf(validate);
                    if (typed !== undefined && typed !== pr.type) continue;
                    const args = { ...pr, stackTags, getConfig, notApplicable } as unknown as ResourceValidationArgs;
                    try {
                        await validate(args, report(pr.urn));
                    } catch (err) {
                        if (err !== NOT_APPLICABLE) throw new Error(`policy ${policy.name} failed on ${pr.urn}: ${(err as Error).message}`);
                    }
                }
            }
        } else {
            try {
                await policy.validateStack({ resources: policyResources, stackTags, getConfig, notApplicable }, report(""));
            } catch (err) {
                if (err !== NOT_APPLICABLE) throw new Error(`policy ${policy.name} failed: ${(err as Error).message}`);
            }
        }
    }
    return { checked, violations };
}

/** True when any violation is mandatory: `pulumi preview` would fail. */
export function hasMandatoryViolation(report: PolicyReport): boolean {
    return report.violations.some((v) => v.level === "mandatory");
}
