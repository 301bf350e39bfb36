/**
 * The real `Scorer`: a serving endpoint's REST invocations API, called as the app's service
 * principal with an OAuth token from the workspace (client credentials, cached until shortly
 * before it expires). `fetch` is injectable, so tests point it at a local fake workspace.
 */
import { Row, Score, Scorer } from "./clients";

type Fetch = typeof fetch;

export interface ServingOptions {
    /** Workspace URL (`https://…`). */
    host: string;
    endpoint: string;
    clientId: string;
    clientSecret: string;
    fetch?: Fetch;
    now?: () => number;
}

/** Thrown with the endpoint's own message when the workspace refuses a call. */
export class ServingError extends Error {}

async function failure(response: Response, what: string): Promise<ServingError> {
    let detail = "";
    try {
        const body = (await response.json()) as { message?: string; error_description?: string };
        detail = body.message ?? body.error_description ?? "";
    } catch {
        /* not JSON */
    }
    return new ServingError(`${what} failed with HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
}

/** OAuth M2M token of the app's service principal, cached. */
export function tokenSource(options: ServingOptions): () => Promise<string> {
    const doFetch = options.fetch ?? fetch;
    const now = options.now ?? Date.now;
    let cached: { token: string; until: number } | undefined;
    return async () => {
        if (cached && now() < cached.until) return cached.token;
        const response = await doFetch(`${options.host}/oidc/v1/token`, {
            method: "POST",
            headers: {
                authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`,
                "content-type": "application/x-www-form-urlencoded",
            },
            body: "grant_type=client_credentials&scope=all-apis",
        });
        if (!response.ok) throw await failure(response, "getting a workspace token");
        const body = (await response.json()) as { access_token?: string; expires_in?: number };
        if (!body.access_token) throw new ServingError("the workspace returned no access token");
        cached = { token: body.access_token, until: now() + Math.max(0, (body.expires_in ?? 3600) - 60) * 1000 };
        return cached.token;
    };
}

export function servingEndpointScorer(options: ServingOptions): Scorer {
    const doFetch = options.fetch ?? fetch;
    const token = tokenSource(options);
    const url = `${options.host}/serving-endpoints/${encodeURIComponent(options.endpoint)}/invocations`;
    return {
        async score(record: Row): Promise<Score> {
            const response = await doFetch(url, {
                method: "POST",
                headers: { authorization: `Bearer ${await token()}`, "content-type": "application/json" },
                body: JSON.stringify({ dataframe_records: [record] }),
            });
            if (!response.ok) throw await failure(response, `querying ${options.endpoint}`);
            const body = (await response.json()) as { predictions?: unknown };
            if (!Array.isArray(body.predictions) || body.predictions.length === 0) throw new ServingError(`${options.endpoint} answered without predictions`);
            return { prediction: body.predictions[0] };
        },
    };
}
