import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as a,c as b}from"./chunk-BD5AD690.js";import"./chunk-38324728.js";b();var export_default=a.default;export{export_default as default};
