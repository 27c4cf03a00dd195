import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function r(e){if(typeof e!="object"||e===null)return;let n=e;if(typeof n.Code=="string")return n.Code;if(typeof n.name=="string")return n.name.replace(/Exception$/,"")}function i(e,...n){let o=r(e);return o!==void 0&&n.some(t=>t.replace(/Exception$/,"")===o)}export{r as a,i as b};
