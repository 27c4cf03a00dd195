import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as a}from"./chunk-UC4XFB2I.js";import"./chunk-Q2KCOJCQ.js";var export_default=a.default;export{export_default as default};
