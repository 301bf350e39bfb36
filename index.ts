/**
 * The lakehouse program: validate the stack's config, then build the platform.
 * Config is validated before any resource is registered, so a bad value fails fast and names its key.
 */
import { loadConfig } from "./components/config";
import { buildPlatform } from "./components/platform";

export = async () => buildPlatform(loadConfig());
