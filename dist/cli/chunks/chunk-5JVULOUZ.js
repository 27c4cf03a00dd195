import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o}from"./chunk-CBOW5TCG.js";var n=o.version;export{n as a};
