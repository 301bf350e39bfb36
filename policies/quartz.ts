/**
 * Quartz cron expressions, as Databricks job schedules take them (`quartz_cron_expression`):
 * `seconds minutes hours day-of-month month day-of-week [year]`, one of the two day fields `?`.
 * The config checks them (`quartzProblem`); the cost estimate counts how often a job's schedule
 * fires (`quartzFiresPerMonth`), in the plan and in the pack's budget rule, which is why this lives
 * with the pack. Pure: unit-tested without mocks.
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

/** The values of one plain element (`*`, `v`, `a-b`, with an optional `/step`); ranges of months and days of week may wrap. */
function expandElement(spec: FieldSpec, text: string): number[] {
    const [base, stepText] = text.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = spec.min;
    let to = spec.max;
    if (base !== "*") {
        const [a, b] = base.split("-").map((part) => value(spec, part) as number);
        from = a;
        // `a/step` runs to the end of the range; a lone value without a step is just itself.
        to = b ?? (stepText === undefined ? a : spec.max);
    }
    const span = to >= from ? to - from : to - from + (spec.max - spec.min + 1);
    const out: number[] = [];
    for (let i = 0; i <= span; i += step) out.push(((from - spec.min + i) % (spec.max - spec.min + 1)) + spec.min);
    return out;
}

/** The values a whole field allows (`*` and `?` allow all); undefined for a special day (L, W, #), matched per date instead. */
function expandField(spec: FieldSpec, text: string): Set<number> | undefined {
    if (text === "?") return expandField(spec, "*");
    if (/[LW#]/i.test(text)) return undefined;
    return new Set(text.split(",").flatMap((part) => expandElement(spec, part)));
}

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOf = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
const isWeekday = (dow: number) => dow >= 2 && dow <= 6;

/** The working day nearest to `day` in its month (Quartz `W`: never crosses into another month). */
function nearestWeekday(year: number, month: number, day: number): number {
    const last = lastDayOf(year, month);
    const target = Math.min(day, last);
    const dow = weekdayOf(year, month, target);
    if (dow === 7) return target === 1 ? 3 : target - 1;
    if (dow === 1) return target === last ? target - 2 : target + 1;
    return target;
}

/** Whether a day-of-month special (`L`, `L-n`, `LW`, `nW`) matches a date. */
function matchesDayOfMonth(text: string, year: number, month: number, day: number): boolean {
    const last = lastDayOf(year, month);
    if (text === "L") return day === last;
    if (text === "LW") {
        let d = last;
        while (!isWeekday(weekdayOf(year, month, d))) d--;
        return day === d;
    }
    const offset = /^L-(\d+)$/.exec(text);
    if (offset) return day === last - Number(offset[1]);
    const weekday = /^(\d+)W$/.exec(text);
    return weekday !== null && day === nearestWeekday(year, month, Number(weekday[1]));
}

/** Whether a day-of-week special (`L`, `nL`, `n#k`) matches a date. */
function matchesDayOfWeek(text: string, year: number, month: number, day: number): boolean {
    const dow = weekdayOf(year, month, day);
    const spec = FIELDS[5];
    if (text === "L") return dow === 7;
    const last = /^(.+)L$/.exec(text);
    if (last) return dow === value(spec, last[1]) && day + 7 > lastDayOf(year, month);
    const [n, k] = text.split("#");
    return dow === value(spec, n) && Math.ceil(day / 7) === Number(k);
}

/** Years 2001-2028: the calendar repeats every 28 years between 1901 and 2099, so their average month is exact. */
const CYCLE = { from: 2001, years: 28 };

/**
 * How many times a valid expression fires in an average month (28 years of days, leap years and
 * weekdays included), or undefined when it is not valid. A year field is not counted: the
 * schedule is assumed to run every year.
 */
export function quartzFiresPerMonth(expression: string): number | undefined {
    if (quartzProblem(expression) !== undefined) return undefined;
    const [seconds, minutes, hours, dom, month, dow] = expression.trim().toUpperCase().split(/\s+/);
    const perDay = [seconds, minutes, hours].reduce((n, text, i) => n * expandField(FIELDS[i], text)!.size, 1);
    const months = expandField(FIELDS[4], month)!;
    const byDate = dom === "?" ? dow : dom;
    const plain = expandField(FIELDS[dom === "?" ? 5 : 3], byDate);
    let days = 0;
    for (let year = CYCLE.from; year < CYCLE.from + CYCLE.years; year++) {
        for (let m = 1; m <= 12; m++) {
            if (!months.has(m)) continue;
            for (let day = 1; day <= lastDayOf(year, m); day++) {
                const matches =
                    plain !== undefined
                        ? plain.has(dom === "?" ? weekdayOf(year, m, day) : day)
                        : dom === "?"
                          ? matchesDayOfWeek(byDate, year, m, day)
                          : matchesDayOfMonth(byDate, year, m, day);
                if (matches) days++;
            }
        }
    }
    return (perDay * days) / (CYCLE.years * 12);
}
