/**
 * The committed Checkov skip list, policies/scanner/checkov-skips.yaml: rule id, stacks, reason.
 * Parsed strictly, so a malformed or vague entry fails the scan instead of silently skipping.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const SKIPS_FILE = path.resolve(__dirname, "..", "..", "policies", "scanner", "checkov-skips.yaml");

export interface SkipEntry {
    rule: string;
    stacks: string[];
    reason: string;
}

/** Reasons that explain nothing about the rule. */
const VAGUE = /^(n\/?a|none|todo|tbd|not (needed|applicable|relevant)|false positive|accepted( risk)?|by design|won'?t fix|skip(ped)?|ignore[d]?)\.?$/i;

/** Parses and validates the skip list's text; throws with every problem found. */
export function parseSkips(text: string, file = SKIPS_FILE): SkipEntry[] {
    const doc = parse(text) as { skips?: unknown } | null;
    const problems: string[] = [];
    const entries: SkipEntry[] = [];
    const list = doc?.skips;
    if (!Array.isArray(list)) throw new Error(`${path.basename(file)}: expected a top-level "skips:" list`);
    list.forEach((raw, i) => {
        const at = `${path.basename(file)} skips[${i}]`;
        if (typeof raw !== "object" || raw === null) {
            problems.push(`${at}: expected { rule, stacks, reason }`);
            return;
        }
        const { rule, stacks, reason, ...rest } = raw as Record<string, unknown>;
        if (Object.keys(rest).length > 0) problems.push(`${at}: unknown keys ${Object.keys(rest).join(", ")}`);
        if (typeof rule !== "string" || !/^CKV2?_AZURE_\d+$/.test(rule)) problems.push(`${at}: rule ${JSON.stringify(rule)} is not a Checkov Azure id (CKV_AZURE_n or CKV2_AZURE_n)`);
        if (!Array.isArray(stacks) || stacks.length === 0 || !stacks.every((s) => typeof s === "string" && /^[A-Za-z0-9_.-]+$/.test(s))) problems.push(`${at}: stacks must be a non-empty list of stack names`);
        const why = typeof reason === "string" ? reason.trim().replace(/\s+/g, " ") : "";
        if (why.length < 40 || VAGUE.test(why)) problems.push(`${at}: the reason must say, for this rule, why no configuration can satisfy it and what stands in for it (got ${JSON.stringify(reason)})`);
        if (typeof rule === "string" && Array.isArray(stacks)) {
            for (const other of entries) {
                if (other.rule === rule && other.stacks.some((s) => (stacks as string[]).includes(s))) problems.push(`${at}: ${rule} is listed twice for ${other.stacks.filter((s) => (stacks as string[]).includes(s)).join(", ")}`);
            }
            entries.push({ rule, stacks: stacks as string[], reason: why });
        }
    });
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return entries;
}

export function loadSkips(file = SKIPS_FILE): SkipEntry[] {
    return parseSkips(fs.readFileSync(file, "utf8"), file);
}
