/**
 * Quartz cron expressions, as Databricks job schedules take them (`quartz_cron_expression`):
 * `seconds minutes hours day-of-month month day-of-week [year]`, one of the two day fields `?`.
 * Pure: unit-tested without mocks.
 */

interface FieldSpec {
    name: string;
    min: number;
    max: number;
    /** Names accepted for values (JAN..DEC, SUN..SAT), mapped to numbers. */
    names?: readonly string[];
    /** Offset of `names[0]` (1 for months and days of week). */
    nameBase?: number;
    /** Whether `?` (no specific value) is allowed. */
    question?: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const FIELDS: readonly FieldSpec[] = [
    { name: "seconds", min: 0, max: 59 },
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31, question: true },
    { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
    { name: "day-of-week", min: 1, max: 7, names: DAYS, nameBase: 1, question: true },
    { name: "year", min: 1970, max: 2099 },
];

/** What a valid expression looks like, for error messages. */
export const QUARTZ_ALLOWED =
    "a Quartz cron expression: 6 or 7 fields `seconds minutes hours day-of-month month day-of-week [year]` with `?` in exactly one of the day fields, e.g. `0 0 2 * * ?` (02:00 every day)";

/** A single value: a number in range or one of the field's names. Returns the number or an error. */
function value(spec: FieldSpec, text: string): number | string {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n >= spec.min && n <= spec.max ? n : `${spec.name} value ${text} is outside ${spec.min}-${spec.max}`;
    }
    const at = spec.names?.indexOf(text.toUpperCase() as never) ?? -1;
    if (at >= 0) return at + (spec.nameBase ?? 0);
    return `${spec.name} value "${text}" is not a number${spec.names ? ` or one of ${spec.names.join(",")}` : ""}`;
}

/** One comma-separated element of a field: `*`, `v`, `a-b`, with an optional `/step`. */
function element(spec: FieldSpec, text: string): string | undefined {
    const [base, step, extra] = text.split("/");
    if (extra !== undefined) return `${spec.name} element "${text}" has more than one /`;
    if (step !== undefined) {
        if (!/^\d+$/.test(step) || Number(step) < 1) return `${spec.name} step "${step}" is not a positive integer`;
        if (Number(step) > spec.max - spec.min + 1 && spec.name !== "year") return `${spec.name} step ${step} is larger than the field's range`;
    }
    if (base === "*") return undefined;
    if (base === "") return `${spec.name} element "${text}" has an empty value`;
    const range = base.split("-");
    if (range.length > 2) return `${spec.name} range "${base}" has more than one -`;
    const numbers: number[] = [];
    for (const part of range) {
        const v = value(spec, part);
        if (typeof v === "string") return v;
        numbers.push(v);
    }
    if (numbers.length === 2 && numbers[0] > numbers[1] && spec.name !== "day-of-week" && spec.name !== "month") {
        return `${spec.name} range ${base} runs backwards`;
    }
    return undefined;
}

/** Day-of-month specials: `L`, `L-n`, `LW`, `nW`. */
function dayOfMonthSpecial(text: string): string | undefined | null {
    if (text === "L" || text === "LW") return undefined;
    const lastOffset = /^L-(\d+)$/.exec(text);
    if (lastOffset) return Number(lastOffset[1]) <= 30 ? undefined : `day-of-month offset ${text} is more than L-30`;
    const weekday = /^(\d+)W$/.exec(text);
    if (weekday) return Number(weekday[1]) >= 1 && Number(weekday[1]) <= 31 ? undefined : `day-of-month ${text} is outside 1-31`;
    return null;
}

/** Day-of-week specials: `L`, `nL` (last n-day of the month), `n#k` (k-th n-day). */
function dayOfWeekSpecial(spec: FieldSpec, text: string): string | undefined | null {
    if (text === "L") return undefined;
    const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
    if (last) {
        const v = value(spec, last[1]);
        return typeof v === "string" ? v : undefined;
    }
    const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
    if (nth) {
        const v = value(spec, nth[1]);
        if (typeof v === "string") return v;
        return Number(nth[2]) >= 1 && Number(nth[2]) <= 5 ? undefined : `day-of-week ${text}: the week number must be 1-5`;
    }
    return null;
}

function field(spec: FieldSpec, text: string): string | undefined {
    if (text === "?") return spec.question ? undefined : `? is only allowed in day-of-month or day-of-week, not in ${spec.name}`;
    const parts = text.split(",");
    for (const part of parts) {
        if (spec.name === "day-of-month") {
            const special = dayOfMonthSpecial(part.toUpperCase());
            if (special !== null) {
                if (special !== undefined) return special;
                if (parts.length > 1) return `day-of-month ${part} cannot be combined with other values`;
                continue;
            }
        }
        if (spec.name === "day-of-week") {
            const special = dayOfWeekSpecial(spec, part.toUpperCase());
            if (special !== null) {
                if (special !== undefined) return special;
                if (parts.length > 1) return `day-of-week ${part} cannot be combined with other values`;
                continue;
            }
        }
        const problem = element(spec, part);
        if (problem) return problem;
    }
    return undefined;
}

/**
 * Checks a Quartz cron expression. Returns `undefined` when it is valid, else the first problem
 * found, in words.
 */
export function quartzProblem(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    if (expression.trim() === "" || fields.length < 6 || fields.length > 7) {
        return `it has ${expression.trim() === "" ? 0 : fields.length} fields, not 6 or 7`;
    }
    for (let i = 0; i < fields.length; i++) {
        const problem = field(FIELDS[i], fields[i]);
        if (problem) return problem;
    }
    const dom = fields[3] === "?";
    const dow = fields[5] === "?";
    if (dom === dow) {
        return dom
            ? "both day-of-month and day-of-week are ?: exactly one of them must be ?"
            : "day-of-month and day-of-week are both set: one of them must be ? (Quartz cannot combine them)";
    }
    return undefined;
}
