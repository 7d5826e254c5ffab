/**
 * The import rules of docs/architecture.md, checked by `npm run check:imports` (part of `npm test`).
 *
 *   functions/ -> shared/http -> feature groups (authentication, sandbox, management, tenant) -> shared/db
 *                                 all of them over shared/platform
 *
 * Only run-time imports count: `import type` disappears when TypeScript compiles, so a repository
 * may name a domain's record type. Each rule's comment is what a violation prints: the rule and the fix.
 */
const FEATURE = '^shared/(authentication|sandbox|management|tenant)/';

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      scope: 'folder',
      comment:
        'no-folder-cycle: these folders import each other (the cycle is listed), so neither can be read or changed alone. ' +
        'Fix: move what both need down a layer (shared/platform, or the area both depend on), or pass it in from the caller.',
      from: { path: '^(shared|functions)/' },
      to: { circular: true },
    },
    {
      name: 'db-imports-only-platform',
      severity: 'error',
      comment:
        'db-imports-only-platform: shared/db is the outbound adapter; at run time it may import only shared/platform. ' +
        'Fix: throw a storage error from shared/db/errors.ts (ConditionFailedError, ItemExistsError, ...) and map it to the API error in the feature area; ' +
        'move a key shape into shared/db/keys.ts; an `import type` of a record type is allowed.',
      from: { path: '^shared/db/' },
      to: { path: '^shared/', pathNot: '^shared/(db|platform)/' },
    },
    {
      name: 'feature-not-to-http',
      severity: 'error',
      comment:
        'feature-not-to-http: shared/http is the inbound adapter; it calls the feature areas, never the other way round. ' +
        'Fix: move the helper the area needs into shared/platform (validation, zod helpers, base errors), or have the handler in shared/http or functions/ pass the value in.',
      from: { path: FEATURE },
      to: { path: '^shared/http/' },
    },
    {
      name: 'platform-is-the-base',
      severity: 'error',
      comment:
        'platform-is-the-base: shared/platform sits under everything and imports nothing of the service. ' +
        'Fix: move the code that needs the feature area out of shared/platform, into that area.',
      from: { path: '^shared/platform/' },
      to: { path: '^(shared|functions|infra)/', pathNot: '^shared/platform/' },
    },
    {
      name: 'group-direction',
      severity: 'error',
      comment:
        'group-direction: feature groups depend downwards only: authentication -> sandbox -> management -> tenant. ' +
        'Fix: move the shared piece into the lower group (tenant for settings both read, platform for generic code), or have the higher group pass it in.',
      from: { path: '^shared/(tenant|management|sandbox)/' },
      to: { path: '^shared/authentication/' },
    },
    {
      name: 'group-direction-management',
      severity: 'error',
      comment:
        'group-direction: management and tenant must not import sandbox (the sandbox runs login code and sits above management). ' +
        'Fix: move what both need into management or tenant.',
      from: { path: '^shared/(tenant|management)/' },
      to: { path: '^shared/sandbox/' },
    },
    {
      name: 'group-direction-tenant',
      severity: 'error',
      comment:
        'group-direction: tenant (clients, connections, scopes, settings) sits under management. ' +
        'Fix: move the code that needs a management area out of tenant, or the piece it needs into tenant.',
      from: { path: '^shared/tenant/' },
      to: { path: '^shared/management/' },
    },
    {
      name: 'shared-not-to-functions-or-infra',
      severity: 'error',
      comment:
        'shared-not-to-functions-or-infra: functions/ and infra/ compose shared/, not the other way round. ' +
        'Fix: move the code both need into shared/.',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|test)/' },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment:
        'no-module-cycle: these modules import each other at run time. Fix: move what both need into a third module.',
      from: { path: '^(shared|functions)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
