/**
 * Settings that a stack holds but that change nothing while something else is switched off: the
 * traffic split of a disabled endpoint, the app's settings while the app is left out. The offline
 * plan's `--diff-set` names them, so "no resource would change" comes with the reason. Pure.
 */
import type { AppSettings } from "./app";
import type { ServingSettings } from "./serving";

export interface DormantSetting {
    /** Config path (without namespace); every path under it is dormant too. */
    key: string;
    /** Paths under `key` that are not dormant (the switch that wakes it). */
    except: string[];
    /** Why it has no effect, and what makes it take effect. */
    reason: string;
}

export function dormantSettings(config: { serving: ServingSettings; app: AppSettings }): DormantSetting[] {
    const dormant: DormantSetting[] = [];
    for (const endpoint of config.serving.endpoints) {
        if (endpoint.enabled) continue;
        const key = `serving.endpoints.${endpoint.key}`;
        const reason = `endpoint ${endpoint.name} is disabled (${key}.enabled is false): it takes effect once the endpoint is enabled`;
        dormant.push({ key, except: [`${key}.enabled`], reason });
        if (endpoint.trafficKey === "serving.traffic") dormant.push({ key: "serving.traffic", except: [], reason });
    }
    if (!config.app.enabled) {
        const reason =
            config.app.waitingForEndpoint !== undefined
                ? `the app is left out until serving.endpoints.${config.app.waitingForEndpoint} is enabled (app.enabled is auto)`
                : "the app is switched off (app.enabled is false)";
        dormant.push({ key: "app", except: ["app.enabled", "app.endpoint"], reason });
    }
    return dormant;
}

/** The dormant setting a config path (`serving.traffic.challenger`, `lakehouse:app.name`) falls under, if any. */
export function dormantFor(path: string, dormant: readonly DormantSetting[]): DormantSetting | undefined {
    const bare = path.startsWith("lakehouse:") ? path.slice("lakehouse:".length) : path;
    const under = (prefix: string) => bare === prefix || bare.startsWith(`${prefix}.`) || bare.startsWith(`${prefix}[`);
    return dormant.find((d) => under(d.key) && !d.except.some(under));
}
