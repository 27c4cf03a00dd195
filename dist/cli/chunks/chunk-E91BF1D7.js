import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as x,b as m,c as u,d as e,e as t}from"./chunk-F1A2B353.js";var o=m((a,f)=>{f.exports=x("node:path")});var r={};u(r,{default:()=>p.default});e(r,t(o()));var p=t(o());export{r as a};
