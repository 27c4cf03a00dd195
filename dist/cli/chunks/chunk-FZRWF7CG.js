import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o}from"./chunk-HX2KEBH2.js";var n=o.version;export{n as a};
