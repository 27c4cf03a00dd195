// Writes schema/user.schema.json from the validator's own definition (src/roster/user-schema.ts).
// `npm run schema` after changing the definition; a unit test fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userFileJsonSchema } from '../src/roster/user-schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'user.schema.json');
writeFileSync(target, `${JSON.stringify(userFileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
