// zod as every schema here uses it (the action, the CLI and the credential Lambda): import it as
// `import * as z from '../util/zod.js'`, never from 'zod' itself, so this setting holds for all.
//
// jitless: zod otherwise compiles a parser with `new Function` on each object schema's first parse.
// A run parses its inputs, its configuration and one event once each, and even 5,000 roster files
// validate no faster with the compiled parsers (measured: 0.20 s either way), while compiling
// them costs 3-4 ms of every cold start. Without it no code is generated from strings at runtime.
//
// A namespace import (`* as z`) lets the bundler keep only the parts of zod in use; zod's own
// `z` export is an object holding all of zod, which the bundler must keep whole.
import { config } from 'zod';

config({ jitless: true });

export * from 'zod';
