// Writes docs/scenario.schema.json from the zod definition (npm run schema).
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from '../src/scenarios/index.ts';

writeFileSync(new URL('../docs/scenario.schema.json', import.meta.url), JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
