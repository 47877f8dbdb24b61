import { importConfiguredExport, ModuleLoadError, notAFunction } from '../config/modules.js';
import { compileStartMatcher, type StartMatcher } from './pattern.js';

/**
 * omnibot's `authorization` section, compiled once into a function that decides
 * whether an API request may proceed. The configured checks run in order and all
 * must pass; with no checks configured every request is denied, as in omnibot.
 * Framework-free: the caller hands over method, path and headers, and optionally
 * its own request object for custom checks.
 */

/** One entry of `authorization.checks`: an omnibot built-in or `path/to/file.js:export`. */
export interface CheckSpec {
  module: string;
  kwargs?: Record<string, unknown>;
}

export interface PermissionConfig {
  methods?: readonly string[];
  paths?: readonly string[];
  /** Default true: envoy_internal_check requires the internal header for these routes. */
  internal_only?: boolean;
}

export interface AuthorizationConfig {
  /** A list, or (as omnibot's own docs show it) a single mapping. */
  checks?: readonly CheckSpec[] | CheckSpec | null;
  permissions?: Record<string, PermissionConfig> | null;
  /** Subject regex (matched against the service header) → permission names. */
  bindings?: Record<string, readonly string[]> | null;
}

export interface AuthnzRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** Lower-cased names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
}

export type AuthnzDecision = { allowed: true } | { allowed: false; reason: string };

export interface CompiledAuthnz {
  /**
   * `raw` is the framework's request, handed to custom checks instead of `request` when given.
   * The decision is immediate unless a check is asynchronous (only custom checks can be).
   */
  check(request: AuthnzRequest, raw?: unknown): AuthnzDecision | Promise<AuthnzDecision>;
}

/**
 * A custom check: the export named in `module`. Called with the framework request
 * (or the AuthnzRequest when the caller gave none) and the check's kwargs (`{}`
 * when none). A truthy result allows, as omnibot's `if not response` did; a throw
 * or rejection denies.
 */
export type CustomCheck = (request: unknown, kwargs: Readonly<Record<string, unknown>>) => unknown;

/** A problem in the `authorization` section found while compiling it; start-up should stop. */
export class AuthnzConfigError extends Error {
  override readonly name = 'AuthnzConfigError';
}

export const NO_CHECKS_REASON = 'no authorization checks configured';

export const ALLOWED_PATHS = 'omnibot.authnz:allowed_paths';
export const ENVOY_INTERNAL_CHECK = 'omnibot.authnz.envoy_checks:envoy_internal_check';
export const ENVOY_PERMISSIONS_CHECK = 'omnibot.authnz.envoy_checks:envoy_permissions_check';

const ALLOW: AuthnzDecision = Object.freeze({ allowed: true });
const DENY_NO_CHECKS: AuthnzDecision = Object.freeze({ allowed: false, reason: NO_CHECKS_REASON });
const NO_KWARGS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Returns null when the request passes, otherwise why it was denied. */
type Run = (request: AuthnzRequest, raw: unknown) => string | null | Promise<string | null>;

interface CompiledPermission {
  readonly name: string;
  readonly methods: readonly string[];
  readonly paths: readonly StartMatcher[];
  readonly internalOnly: boolean;
}

interface CompiledBinding {
  readonly subject: StartMatcher;
  readonly permissions: readonly CompiledPermission[];
}

interface Policy {
  readonly permissions: readonly CompiledPermission[];
  readonly bindings: readonly CompiledBinding[];
}

// ---------------------------------------------------------------- helpers

/** `authorization.permissions.slack_api` or `authorization.bindings["echobot.*"]`. */
function at(parent: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string, what: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AuthnzConfigError(`${where} must be a list of ${what}`);
  }
  return value as string[];
}

function compilePattern(source: string, where: string): StartMatcher {
  try {
    return compileStartMatcher(source);
  } catch (error) {
    throw new AuthnzConfigError(
      `${where}: invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`,
    );
  }
}

function compilePatterns(value: unknown, where: string): readonly StartMatcher[] {
  return stringList(value, where, 'regular expressions').map((source, i) => compilePattern(source, `${where}[${i}]`));
}

function matchesAny(patterns: readonly StartMatcher[], subject: string): boolean {
  for (const pattern of patterns) if (pattern.test(subject)) return true;
  return false;
}

function allows(permission: CompiledPermission, request: AuthnzRequest): boolean {
  return permission.methods.includes(request.method) && matchesAny(permission.paths, request.path);
}

/** Like Flask's `request.headers.get`: the first value, or undefined. */
function header(request: AuthnzRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

// ---------------------------------------------------------------- permissions and bindings

function compilePolicy(authorization: AuthorizationConfig): Policy {
  const byName = new Map<string, CompiledPermission>();
  const rawPermissions: unknown = authorization.permissions ?? {};
  if (!isRecord(rawPermissions)) throw new AuthnzConfigError('authorization.permissions must be a mapping');
  for (const [name, spec] of Object.entries(rawPermissions)) {
    const where = at('authorization.permissions', name);
    if (!isRecord(spec)) throw new AuthnzConfigError(`${where} must be a mapping`);
    // omnibot's envoy_internal_check read policy["methods"] and failed on a permission
    // without one; here a missing list simply matches nothing.
    const methods = spec.methods === undefined ? [] : stringList(spec.methods, `${where}.methods`, 'HTTP methods');
    const paths = spec.paths === undefined ? [] : compilePatterns(spec.paths, `${where}.paths`);
    if (spec.internal_only !== undefined && typeof spec.internal_only !== 'boolean') {
      throw new AuthnzConfigError(`${where}.internal_only must be true or false`);
    }
    byName.set(name, { name, methods, paths, internalOnly: spec.internal_only ?? true });
  }

  const bindings: CompiledBinding[] = [];
  const rawBindings: unknown = authorization.bindings ?? {};
  if (!isRecord(rawBindings)) throw new AuthnzConfigError('authorization.bindings must be a mapping');
  for (const [subject, names] of Object.entries(rawBindings)) {
    const where = at('authorization.bindings', subject);
    const permissions = stringList(names, where, 'permission names').map((name, i) => {
      const permission = byName.get(name);
      // omnibot silently skipped a binding to a permission that doesn't exist, so a
      // typo quietly denied that service. We refuse to start instead: loudly is better.
      if (!permission) {
        throw new AuthnzConfigError(`${where}[${i}]: permission ${JSON.stringify(name)} is not in authorization.permissions`);
      }
      return permission;
    });
    // The key itself is the subject regex, so the location is the binding.
    bindings.push({ subject: compilePattern(subject, `${where} (the subject regex)`), permissions });
  }
  return { permissions: [...byName.values()], bindings };
}

// ---------------------------------------------------------------- built-in checks

function allowedKwargs(module: string, kwargs: Record<string, unknown>, where: string, names: readonly string[]): void {
  for (const key of Object.keys(kwargs)) {
    if (!names.includes(key)) {
      // omnibot would have raised a TypeError on every request.
      const expected = names.length > 0 ? `it takes ${names.join(', ')}` : 'it takes none';
      throw new AuthnzConfigError(`${where}.kwargs.${key}: unknown argument for ${module}; ${expected}`);
    }
  }
}

function headerKwarg(module: string, kwargs: Record<string, unknown>, where: string, fallback: string): string {
  allowedKwargs(module, kwargs, where, ['header']);
  if (kwargs.header === undefined) return fallback;
  if (typeof kwargs.header !== 'string' || kwargs.header === '') {
    throw new AuthnzConfigError(`${where}.kwargs.header must be a header name`);
  }
  // Node lower-cases incoming header names; Flask's lookup was case-insensitive.
  return kwargs.header.toLowerCase();
}

type BuiltIn = (kwargs: Record<string, unknown>, where: string, policy: Policy) => Run;

const BUILT_INS: ReadonlyMap<string, BuiltIn> = new Map<string, BuiltIn>(Object.entries({
  /** Passes when one of `paths` matches at the start of the request path (Python's re.match). */
  [ALLOWED_PATHS]: (kwargs, where) => {
    allowedKwargs(ALLOWED_PATHS, kwargs, where, ['paths']);
    if (kwargs.paths === undefined) throw new AuthnzConfigError(`${where}.kwargs.paths is required by ${ALLOWED_PATHS}`);
    const paths = compilePatterns(kwargs.paths, `${where}.kwargs.paths`);
    const denied = `${ALLOWED_PATHS}: the path matches none of the allowed paths`;
    return (request) => (matchesAny(paths, request.path) ? null : denied);
  },

  /**
   * Passes when the internal header is exactly "true", or when a permission with
   * `internal_only: false` allows the method and path.
   */
  [ENVOY_INTERNAL_CHECK]: (kwargs, where, policy) => {
    const name = headerKwarg(ENVOY_INTERNAL_CHECK, kwargs, where, 'x-envoy-internal');
    const open = policy.permissions.filter((permission) => !permission.internalOnly);
    const denied = `${ENVOY_INTERNAL_CHECK}: header ${name} is not "true" and no permission with internal_only: false allows this method and path`;
    return (request) => {
      if (header(request, name) === 'true') return null;
      for (const permission of open) if (allows(permission, request)) return null;
      return denied;
    };
  },

  /**
   * Passes when the service header's value matches a binding's subject regex and
   * one of that binding's permissions allows the method and path.
   */
  [ENVOY_PERMISSIONS_CHECK]: (kwargs, where, policy) => {
    const name = headerKwarg(ENVOY_PERMISSIONS_CHECK, kwargs, where, 'x-envoy-downstream-service-cluster');
    const missing = `${ENVOY_PERMISSIONS_CHECK}: no ${name} header`;
    return (request) => {
      const subject = header(request, name);
      if (subject === undefined) return missing;
      for (const binding of policy.bindings) {
        if (!binding.subject.test(subject)) continue;
        for (const permission of binding.permissions) if (allows(permission, request)) return null;
      }
      return `${ENVOY_PERMISSIONS_CHECK}: no permission bound to ${quoted(subject)} allows this method and path`;
    };
  },
} satisfies Record<string, BuiltIn>));

// ---------------------------------------------------------------- custom checks

async function loadCustomCheck(module: string, where: string, baseDir: string): Promise<CustomCheck> {
  if (module.startsWith('omnibot.') || module.startsWith('omnibot:')) {
    const known = [...BUILT_INS.keys()].join(', ');
    throw new AuthnzConfigError(`${where}.module: ${JSON.stringify(module)} is not one of omnibot's built-in checks (${known})`);
  }
  let loaded: { exportName: string; value: unknown };
  try {
    loaded = await importConfiguredExport(module, baseDir);
  } catch (error) {
    if (!(error instanceof ModuleLoadError)) throw error;
    throw new AuthnzConfigError(`${where}.module: ${error.message}`, { cause: error });
  }
  if (typeof loaded.value !== 'function') {
    throw new AuthnzConfigError(`${where}.module: ${JSON.stringify(module)} ${notAFunction(loaded.exportName, loaded.value)}; a check must be a function`);
  }
  return loaded.value as CustomCheck;
}

function customRun(module: string, fn: CustomCheck, kwargs: Readonly<Record<string, unknown>>): Run {
  const denied = `${module}: denied`;
  const threw = (error: unknown): string =>
    `${module}: threw ${error instanceof Error ? error.message : String(error)}`;
  return (request, raw) => {
    let result: unknown;
    try {
      result = fn(raw ?? request, kwargs);
    } catch (error) {
      return threw(error);
    }
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      return Promise.resolve(result).then(
        (value) => (value ? null : denied),
        (error: unknown) => threw(error),
      );
    }
    return result ? null : denied;
  };
}

// ---------------------------------------------------------------- compile

function checkList(checks: unknown): readonly unknown[] {
  if (checks === undefined || checks === null) return [];
  // omnibot's configuration docs show `checks:` as a single mapping.
  return Array.isArray(checks) ? checks : [checks];
}

/**
 * Compiles `authorization` once: every regex, every custom module import and every
 * binding → permission reference is resolved here, and any problem is thrown as an
 * AuthnzConfigError naming where it is. The result only matches per request.
 */
export async function compileChecks(
  authorization: AuthorizationConfig | undefined | null,
  options: { baseDir: string },
): Promise<CompiledAuthnz> {
  const config: AuthorizationConfig = authorization ?? {};
  if (!isRecord(config)) throw new AuthnzConfigError('authorization must be a mapping');
  const policy = compilePolicy(config);

  const runs: Run[] = [];
  const specs = checkList(config.checks);
  for (const [i, spec] of specs.entries()) {
    const where = `authorization.checks[${i}]`;
    if (!isRecord(spec) || typeof spec.module !== 'string' || spec.module === '') {
      throw new AuthnzConfigError(`${where} must be a mapping with a module`);
    }
    let kwargs: Readonly<Record<string, unknown>> = NO_KWARGS;
    if (isRecord(spec.kwargs)) kwargs = spec.kwargs;
    else if (spec.kwargs !== undefined && spec.kwargs !== null) {
      throw new AuthnzConfigError(`${where}.kwargs must be a mapping`);
    }
    const builtIn = BUILT_INS.get(spec.module);
    if (builtIn) {
      runs.push(builtIn(kwargs, where, policy));
    } else {
      const fn = await loadCustomCheck(spec.module, where, options.baseDir);
      runs.push(customRun(spec.module, fn, kwargs));
    }
  }

  if (runs.length === 0) {
    // omnibot logged a warning and answered 403 to every API call.
    return { check: () => DENY_NO_CHECKS };
  }
  return { check: (request, raw) => runChecks(runs, 0, request, raw) };
}

/** Runs the checks in order from `from`; synchronous until a check answers with a promise. */
function runChecks(runs: readonly Run[], from: number, request: AuthnzRequest, raw: unknown): AuthnzDecision | Promise<AuthnzDecision> {
  for (let i = from; i < runs.length; i += 1) {
    const reason = runs[i]!(request, raw);
    if (reason === null) continue;
    if (typeof reason === 'string') return { allowed: false, reason };
    return reason.then((settled) => (settled === null ? runChecks(runs, i + 1, request, raw) : { allowed: false, reason: settled }));
  }
  return ALLOW;
}
