import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as t}from"./chunk-B9CA8A94.js";import{a as s}from"./chunk-FC36C87F.js";function i(n){return typeof n=="object"&&n!==null&&"$metadata"in n?s(n):void 0}function f(n){let e=t(n),o=i(n);return o!==void 0&&!e.includes(o)?`${o}: ${e}`:e}export{i as a,f as b};
