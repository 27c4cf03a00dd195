import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{c as a}from"./chunk-96D98821.js";function n(t,e){return t.path.startsWith(e)}function i(t,e){return n(t,e.iamPath)?t.tags[a]===e.repository?"managed":"unmanaged":"outside"}export{n as a,i as b};
