/** The dependency rule of docs/ARCHITECTURE.md, checked in CI (npm run depcheck). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing of ours but itself, and no I/O',
      severity: 'error',
      from: { path: '^domain/' },
      // Node's own modules are domain-no-node-io's business.
      to: { pathNot: ['^domain/', '^node_modules/vitest'], dependencyTypesNot: ['npm-no-pkg', 'core'] },
    },
    {
      name: 'domain-no-node-io',
      comment: 'tests may use node:crypto as the hash they hand to pure code',
      severity: 'error',
      from: { path: '^domain/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'contracts-only-domain',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: ['^server/', '^web/'] },
    },
    {
      name: 'verifier-stands-alone',
      comment: 'the offline verifier runs in a browser with no server: it imports domain/ and its npm packages, no I/O',
      severity: 'error',
      from: { path: '^verifier/' },
      to: { path: ['^server/', '^web/', '^contracts/'] },
    },
    {
      name: 'verifier-no-node-io',
      severity: 'error',
      from: { path: '^verifier/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pdfjs-through-its-module',
      comment: 'pdf.js replaces built-ins as it loads: only pdfjs-module.ts loads it, and puts them back',
      severity: 'error',
      from: { pathNot: '^server/src/platform/pdf/pdfjs-module\\.ts$' },
      to: { path: 'pdfjs-dist' },
    },
    {
      name: 'platform-not-modules',
      comment: 'platform/ is plumbing: it never imports a business module',
      severity: 'error',
      from: { path: '^server/src/platform/' },
      to: { path: '^server/src/modules/' },
    },
    {
      name: 'module-through-index',
      comment: 'a module reaches another only through its index.ts',
      severity: 'error',
      from: { path: '^server/src/modules/([^/]+)/' },
      to: { path: '^server/src/modules/([^/]+)/', pathNot: ['^server/src/modules/$1/', '^server/src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-modules-through-index',
      comment: 'app wiring, CLI and entry points use a module through its index.ts',
      severity: 'error',
      from: { path: '^server/src/(?!modules/)' },
      to: { path: '^server/src/modules/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'web-not-server',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['web/dist', '^dist', '\\.tmp'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
