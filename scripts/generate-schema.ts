// Writes schema/user.schema.json and schema/config.schema.json from the validators' own
// definitions (src/roster/user-schema.ts, src/config/repo-config-schema.ts).
// `npm run schema` after changing a definition; a unit test fails when a file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoConfigJsonSchema } from '../src/config/repo-config-schema.js';
import { userFileJsonSchema } from '../src/roster/user-schema.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
for (const [name, schema] of [
  ['user.schema.json', userFileJsonSchema()],
  ['config.schema.json', repoConfigJsonSchema()],
] as const) {
  const target = join(schemaDir, name);
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${target}`);
}
