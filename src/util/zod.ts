// zod as every schema here uses it (the action, the CLI and the credential Lambda): import it as
// `import * as z from '../util/zod.js'`, never from 'zod' itself, so these settings hold for all.
//
// zod/mini: the same core as zod's classic API (the same checks, issues, messages and
// toJSONSchema) behind functions instead of methods: `z.optional(x)`, `x.check(z.regex(...))`.
// Its schemas are cheaper to construct and its part of the bundle is a third of the classic
// one's (measured: zod and our schemas 94 KB -> 32 KB; `validate` starts about 12 ms sooner).
//
// English messages: the classic API configures them on its first schema, zod/mini leaves them to
// the caller (without them every issue says only "Invalid input"). Only English is imported, so
// no other locale is bundled.
//
// jitless: zod otherwise compiles a parser with `new Function` on each object schema's first parse.
// A run parses its inputs, its configuration and one event once each, and even 5,000 roster files
// validate no faster with the compiled parsers (measured: 0.20 s either way), while compiling
// them costs 3-4 ms of every cold start. Without it no code is generated from strings at runtime.
//
// No memoizer: the classic API installs one for recursive schemas (z.lazy), which may meet cyclic
// input; none of ours is recursive, and on others the memoizer removes itself at the first parse.
//
// A namespace import (`* as z`) lets the bundler keep only the parts of zod in use.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({ ...en(), jitless: true });

export * from 'zod/mini';
