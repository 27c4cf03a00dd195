import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
async function l(n,a,o){let r=new Array(n.length),t=0,i=async()=>{for(;t<n.length;){let e=t++;r[e]=await o(n[e],e)}};return await Promise.all(Array.from({length:Math.max(1,Math.min(a,n.length))},i)),r}export{l as a};
