import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function t(r){return r.replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/`/g,"'").replace(/[\r\n]+/g," ")}function g(r){return`\`${t(r)}\``}function i(r,n,e=`${n}s`){return`${r} ${r===1?n:e}`}function o(r,n){return[`> [!${r}]`,...n.map(e=>e===""?">":`> ${e}`)].join(`
`)}export{t as a,g as b,i as c,o as d};
