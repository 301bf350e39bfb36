/**
 * Signed form tokens: the scoring form carries `<issued-at>.<hmac>` made with the app's secret
 * key, and a POST without a valid, fresh token is refused. The Databricks Apps proxy already
 * blocks cross-site requests; this keeps the form safe when the app runs anywhere else too.
 */
import { createHmac, timingSafeEqual } from "crypto";

/** How long a rendered form stays valid. */
export const TOKEN_TTL_MS = 60 * 60 * 1000;

function sign(key: string, issuedAt: string): string {
    return createHmac("sha256", key).update(`score-form|${issuedAt}`).digest("base64url");
}

export function issueToken(key: string, now: number): string {
    const issuedAt = String(now);
    return `${issuedAt}.${sign(key, issuedAt)}`;
}

export function verifyToken(key: string, token: unknown, now: number): boolean {
    if (typeof token !== "string") return false;
    const [issuedAt, mac, ...rest] = token.split(".");
    if (rest.length > 0 || !issuedAt || !mac || !/^\d{1,15}$/.test(issuedAt)) return false;
    const age = now - Number(issuedAt);
    if (age < 0 || age > TOKEN_TTL_MS) return false;
    const expected = Buffer.from(sign(key, issuedAt));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
}
