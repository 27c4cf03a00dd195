import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as a}from"./chunk-5069984F.js";import"./chunk-F1A2B353.js";var export_default=a.default;export{export_default as default};
