/**
 * Import rules for src/, checked by `npm test` (dependency-cruiser). docs/ARCHITECTURE.md describes the
 * layers; this file enforces them:
 * - no import circle, type-only imports included;
 * - a folder imports only folders before it in LAYERS;
 * - across folders, only a folder's public face (its index.ts).
 */
const LAYERS = ['core', 'analysis', 'corpus', 'quality', 'sim', 'metrics', 'hardware', 'index', 'shard', 'cluster', 'crawl', 'workload', 'live', 'report', 'scenarios', 'sweep', 'api', 'cli'];

const layerRules = LAYERS.slice(0, -1).map((folder, i) => ({
  name: `layer-${folder}`,
  comment: `src/${folder} may import only ${LAYERS.slice(0, i).join(', ') || 'nothing else in src'} (docs/ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Imports flow one way: a circle is a seam that is missing.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'public-face',
      comment: "Another folder is reached through its index.ts only (one public face per concept).",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'layers-known',
      comment: 'Every folder of src/ has a place in the layer order (add a new one to LAYERS and to docs/ARCHITECTURE.md).',
      severity: 'error',
      from: { path: `^src/(?!(${LAYERS.join('|')})/)` },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
