/**
 * Unity Catalog privileges per securable (as the Databricks provider spells them), the workspace
 * permission levels per object type, and the platform's own roles. One source for config
 * validation, the grant matrix and the policy pack. From REFERENCE.md (Databricks docs).
 *
 * It lives in the pack, and imports nothing, so `pulumi policy publish` uploads a complete pack;
 * the program imports it from here. Pure data and helpers.
 */

/**
 * `properties.contents` of a schema that holds serving endpoints' inference payloads: the program
 * marks its payload schema with it, and `serving-payloads-private` guards a marked schema before
 * any endpoint logs to it.
 */
export const PAYLOAD_SCHEMA_MARKER = "inference-payloads";

/** Roles backed by the platform's own service principals (created by the program). */
export const PLATFORM_ROLES = ["pipeline", "app"] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

export const SECURABLES = [
    "catalog",
    "schema",
    "table",
    "view",
    "volume",
    "registered_model",
    "function",
    "storage_credential",
    "external_location",
] as const;
export type Securable = (typeof SECURABLES)[number];

/** Privileges a schema's children inherit when granted on the schema (or catalog). */
const SCHEMA_INHERITABLE = ["EXECUTE", "MODIFY", "REFRESH", "SELECT", "READ_VOLUME", "WRITE_VOLUME"] as const;

const SCHEMA_PRIVILEGES = [
    "ALL_PRIVILEGES",
    "APPLY_TAG",
    "CREATE_FUNCTION",
    "CREATE_TABLE",
    "CREATE_VOLUME",
    "CREATE_MODEL",
    "CREATE_MATERIALIZED_VIEW",
    "MANAGE",
    "USE_SCHEMA",
    "EXTERNAL_USE_SCHEMA",
    ...SCHEMA_INHERITABLE,
] as const;

/** Privileges valid on each securable. */
export const PRIVILEGES: Record<Securable, readonly string[]> = {
    catalog: ["ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE_SCHEMA", "USE_CATALOG", "MANAGE", ...SCHEMA_PRIVILEGES.filter((p) => !["ALL_PRIVILEGES", "APPLY_TAG", "MANAGE"].includes(p))],
    schema: SCHEMA_PRIVILEGES,
    table: ["ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "SELECT", "MODIFY"],
    view: ["ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "SELECT"],
    volume: ["ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "READ_VOLUME", "WRITE_VOLUME"],
    registered_model: ["ALL_PRIVILEGES", "APPLY_TAG", "EXECUTE", "MANAGE"],
    function: ["ALL_PRIVILEGES", "EXECUTE", "MANAGE"],
    storage_credential: ["ALL_PRIVILEGES", "CREATE_EXTERNAL_LOCATION", "CREATE_EXTERNAL_TABLE", "MANAGE", "READ_FILES", "WRITE_FILES"],
    external_location: [
        "ALL_PRIVILEGES",
        "BROWSE",
        "CREATE_EXTERNAL_TABLE",
        "CREATE_EXTERNAL_VOLUME",
        "CREATE_MANAGED_STORAGE",
        "MANAGE",
        "READ_FILES",
        "WRITE_FILES",
        "EXTERNAL_USE_LOCATION",
    ],
};

/** Every privilege name Unity Catalog knows. */
export const ALL_PRIVILEGE_NAMES: readonly string[] = [...new Set(Object.values(PRIVILEGES).flat())].sort();

/** Privileges that allow escalation or exfiltration: only allow-listed admins may hold them. */
export const RISKY_PRIVILEGES = ["ALL_PRIVILEGES", "MANAGE", "EXTERNAL_USE_SCHEMA", "EXTERNAL_USE_LOCATION"] as const;

/** What `account users` / `users` may hold at most: discover and traverse, never read or write. */
export const BROAD_GROUP_ALLOWANCE = ["USE_CATALOG", "USE_SCHEMA", "BROWSE"] as const;

/** The groups that mean "everyone". */
export const BROAD_GROUPS = ["account users", "users"] as const;

/** Privileges that write data or create objects. */
export const WRITE_PRIVILEGES: readonly string[] = ALL_PRIVILEGE_NAMES.filter(
    (p) => p.startsWith("CREATE_") || ["MODIFY", "WRITE_VOLUME", "WRITE_FILES", "APPLY_TAG", "REFRESH"].includes(p),
);

/**
 * Privileges granted on a catalog or schema that also apply to the objects below it ("granting a
 * privilege on the catalog grants it on all current and future objects within"). A privilege only
 * takes effect on a child where it is valid for the child's type (SELECT reaches tables, not
 * volumes). ALL_PRIVILEGES, APPLY_TAG and MANAGE count as inherited from a schema too: the
 * conservative reading for an audit of what a principal can do.
 */
export const INHERITED_BY_CHILDREN: Record<"catalog" | "schema", readonly string[]> = {
    catalog: PRIVILEGES.catalog.filter((p) => !["CREATE_SCHEMA", "USE_CATALOG", "BROWSE"].includes(p)),
    schema: [...SCHEMA_INHERITABLE, "ALL_PRIVILEGES", "APPLY_TAG", "MANAGE"],
};

/** True when `privilege` exists on `securable`. */
export function isValidPrivilege(securable: Securable, privilege: string): boolean {
    return PRIVILEGES[securable].includes(privilege);
}

/** Workspace object permission levels (databricks.Permissions), per object type. */
export const PERMISSION_LEVELS = {
    servingEndpoint: ["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"],
    app: ["CAN_USE", "CAN_MANAGE"],
    sqlWarehouse: ["CAN_VIEW", "CAN_MONITOR", "CAN_USE", "CAN_MANAGE", "IS_OWNER"],
    job: ["CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"],
    pipeline: ["CAN_VIEW", "CAN_RUN", "CAN_MANAGE", "IS_OWNER"],
    cluster: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"],
    clusterPolicy: ["CAN_USE"],
    instancePool: ["CAN_ATTACH_TO", "CAN_MANAGE"],
    directory: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
    notebook: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
    workspaceFile: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
    repo: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
    experiment: ["CAN_READ", "CAN_EDIT", "CAN_MANAGE"],
    /** `authorization: tokens`: who may create personal access tokens. */
    tokens: ["CAN_USE", "CAN_MANAGE"],
    /** `authorization: passwords`: who may sign in with a password. */
    passwords: ["CAN_USE"],
} as const;
export type PermissionObject = keyof typeof PERMISSION_LEVELS;

/** Secret ACL permissions, least to most. */
export const SECRET_ACL_PERMISSIONS = ["READ", "WRITE", "MANAGE"] as const;
