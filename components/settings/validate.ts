/**
 * The building blocks of config validation: a `Checker` that reads raw stack config values,
 * records every problem with the full key, the bad value and what is allowed, and returns a
 * safe fallback so validation carries on and reports all problems in one go.
 *
 * Pure: no Pulumi imports, unit-tested without mocks.
 */

/** The project's config namespace, as in `lakehouse:catalog`. */
export const NAMESPACE = "lakehouse";

/** One rejected config value. `key` is the full path, e.g. `lakehouse:serving.traffic.champion`. */
export interface ConfigIssue {
    readonly key: string;
    readonly value: unknown;
    readonly allowed: string;
}

/** Thrown by `Checker.done()` when any value was rejected; lists every issue. */
export class ConfigError extends Error {
    constructor(readonly issues: readonly ConfigIssue[]) {
        super(
            `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
                issues.map((i) => `  - ${i.key} = ${show(i.value)}: expected ${i.allowed}`).join("\n"),
        );
        this.name = "ConfigError";
    }

    /** The keys named in the error, for tests and tooling. */
    get keys(): string[] {
        return this.issues.map((i) => i.key);
    }
}

/**
 * True for a `ConfigError`, also across module reloads (the offline plan reloads the program for
 * each run, so `instanceof` cannot be relied on).
 */
export function isConfigError(err: unknown): err is ConfigError {
    return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).issues);
}

/** Renders a config value for an error message (short, JSON-like). */
export function show(value: unknown): string {
    if (value === undefined) return "(unset)";
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Joins a key path: `key("serving", "traffic")` is `serving.traffic`; numbers become `[n]`. */
export function keyPath(base: string, child: string | number): string {
    if (typeof child === "number") return `${base}[${child}]`;
    return base ? `${base}.${child}` : child;
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads raw config values, recording every problem. Each reader takes the key path (without
 * the namespace), the raw value and a fallback returned when the value is missing; when the
 * value is present but wrong it records an issue and returns the fallback.
 */
export class Checker {
    private readonly found: ConfigIssue[] = [];

    constructor(private readonly namespace: string = NAMESPACE) {}

    /** Every issue recorded so far. */
    get issues(): readonly ConfigIssue[] {
        return this.found;
    }

    /** Records a problem with `key` (path without namespace). */
    fail(key: string, value: unknown, allowed: string): void {
        const full = key.includes(":") ? key : `${this.namespace}:${key}`;
        this.found.push({ key: full, value, allowed });
    }

    /** Throws a `ConfigError` listing every issue, if there is any. */
    done(): void {
        if (this.found.length > 0) throw new ConfigError(this.found);
    }

    string(key: string, value: unknown, fallback: string, rule?: { pattern: RegExp; allowed: string }): string {
        if (value === undefined || value === null) return fallback;
        if (typeof value !== "string") {
            this.fail(key, value, rule?.allowed ?? "a string");
            return fallback;
        }
        if (rule && !rule.pattern.test(value)) {
            this.fail(key, value, rule.allowed);
            return fallback;
        }
        return value;
    }

    oneOf<T extends string>(key: string, value: unknown, options: readonly T[], fallback: T): T {
        if (value === undefined || value === null) return fallback;
        if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
            this.fail(key, value, `one of ${options.join(" | ")}`);
            return fallback;
        }
        return value as T;
    }

    integer(key: string, value: unknown, fallback: number, range: { min: number; max: number }): number {
        if (value === undefined || value === null) return fallback;
        const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n) || n < range.min || n > range.max) {
            this.fail(key, value, `an integer from ${range.min} to ${range.max}`);
            return fallback;
        }
        return n;
    }

    boolean(key: string, value: unknown, fallback: boolean): boolean {
        if (value === undefined || value === null) return fallback;
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        this.fail(key, value, "true or false");
        return fallback;
    }

    /** A plain object; records unknown fields when `known` is given (catches typos like `trafic`). */
    object(key: string, value: unknown, known?: readonly string[]): PlainObject {
        if (value === undefined || value === null) return {};
        if (!isPlainObject(value)) {
            this.fail(key, value, "an object");
            return {};
        }
        if (known) {
            for (const field of Object.keys(value)) {
                if (!known.includes(field)) this.fail(keyPath(key, field), value[field], `a known field: ${known.join(", ")}`);
            }
        }
        return value;
    }

    /** An array of strings, each checked against `rule` when given. Duplicates are rejected. */
    stringList(
        key: string,
        value: unknown,
        fallback: readonly string[],
        rule?: { pattern: RegExp; allowed: string },
    ): string[] {
        if (value === undefined || value === null) return [...fallback];
        if (!Array.isArray(value)) {
            this.fail(key, value, `a list of ${rule?.allowed ?? "strings"}`);
            return [...fallback];
        }
        const out: string[] = [];
        value.forEach((item, i) => {
            const s = this.string(keyPath(key, i), item, "", rule);
            if (s === "" && item !== "") return;
            if (out.includes(s)) this.fail(keyPath(key, i), item, "no duplicates in the list");
            else out.push(s);
        });
        return out;
    }

    /** A map of string to string (tags and the like). */
    stringMap(key: string, value: unknown, rule?: { pattern: RegExp; allowed: string }): Record<string, string> {
        const obj = this.object(key, value);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(obj)) {
            if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
                this.fail(keyPath(key, k), v, rule?.allowed ?? "a string");
                continue;
            }
            out[k] = this.string(keyPath(key, k), String(v), "", rule);
        }
        return out;
    }
}

/** Deep-freezes a plain value so the resolved config cannot be mutated by a component. */
export function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as object)) deepFreeze(v);
    }
    return value;
}
